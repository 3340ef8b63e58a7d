#!/usr/bin/env bash
# Runs one DMTF conformance tool by hand against one Redfish service (npm run conformance runs them
# all against the simulator and compares with expected-failures.yaml).
#   run-validator.sh service  URL USER PASSWORD [OUTDIR]   Redfish Service Validator (schemas, payloads)
#   run-validator.sh protocol URL USER PASSWORD [OUTDIR]   Redfish Protocol Validator (HTTP, sessions, headers)
#   run-validator.sh tacklebox SCRIPT [ARGS...]            a Redfish-Tacklebox script (e.g. rf_update.py)
# Needs Debian's python3 and the packages in debian-packages.txt (apt-get install -y $(cat ...)).
# The last line of service/protocol is "<tool> pass=N warn=N fail=N". The schemas are the DMTF
# CSDL files shipped here, so nothing is downloaded. Credentials go as --password=VALUE: a password
# starting with "-" would otherwise be taken for an option.
set -uo pipefail
H=$(cd "$(dirname "$0")" && pwd); D=$H/dmtf
PY=${FIRMWARDEN_PYTHON:-/usr/bin/python3}
export PYTHONPATH="$D/python-redfish-library/src:$D/Redfish-Tacklebox:$D/Redfish-Protocol-Validator:$H/stubs${PYTHONPATH:+:$PYTHONPATH}"
tool=${1:?service|protocol|tacklebox}; shift
case "$tool" in
  service)
    url=$1 user=$2 pw=$3 out=${4:-$(mktemp -d)}
    log=$("$PY" "$D/Redfish-Service-Validator/RedfishServiceValidator.py" --user="$user" --password="$pw" --rhost="$url" \
      --schema_directory "$D/Redfish-Publications/csdl" --logdir "$out" --authtype Session 2>&1)
    # FAIL/WARN lines are in the debug log, not on stdout.
    cat "$out"/*/RedfishServiceValidatorDebug_*.log 2>/dev/null | grep -E " - (FAIL|WARN) - " |
      sed 's/^.* - \(FAIL\|WARN\) - /\1 /' | sort | uniq -c | sort -rn | cut -c1-220
    row=$(echo "$log" | grep -E '^\|[[:space:]]+[0-9]+' | tail -1 | tr -d ' ' | tr '|' ' ')
    read -r p w f _ <<<"$row"
    echo "report: $(ls "$out"/*/*.html 2>/dev/null | head -1)"
    echo "service pass=${p:-?} warn=${w:-?} fail=${f:-?}" ;;
  protocol)
    url=$1 user=$2 pw=$3 out=${4:-$(mktemp -d)}
    "$PY" "$D/Redfish-Protocol-Validator/rf_protocol_validator.py" --user="$user" --password="$pw" --rhost="$url" \
      --no-cert-check --report-dir "$out" >/dev/null 2>&1
    tsv=$(ls "$out"/*.tsv 2>/dev/null | head -1)
    [ -n "$tsv" ] || { echo "protocol: no report in $out"; exit 1; }
    awk -F'\t' '$5=="FAIL"{print "FAIL", $1, $2, $4, $6}' "$tsv" | cut -c1-220
    echo "report: $tsv"
    awk -F'\t' 'NR>1{c[$5]++} END{printf "protocol pass=%d warn=%d fail=%d\n", c["PASS"], c["WARN"], c["FAIL"]}' "$tsv" ;;
  tacklebox)
    script=$1; shift; exec "$PY" "$D/Redfish-Tacklebox/scripts/$script" "$@" ;;
  *) echo "unknown tool $tool"; exit 2 ;;
esac

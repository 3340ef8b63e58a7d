#!/usr/bin/env bash
# Installs and starts what the integration tests need beyond Node: a throwaway PostgreSQL server
# on 127.0.0.1 (the PostgreSQL store and cluster tests), Debian's Chromium (the dashboard
# browser test) and Debian's python3 with the packages DMTF's conformance tools need
# (conformance/debian-packages.txt, test/conformance) and prometheus_client (the /metrics test).
# Idempotent; run as root (CI) or with sudo.
# Prints the environment to export.
#
#   eval "$(sudo bash scripts/test-services.sh)"
#
# Without these services the PostgreSQL, browser and conformance tests are skipped with a note;
# .ci/run sets FIRMWARDEN_REQUIRE_SERVICES=1 so there they fail instead.
set -euo pipefail

PG_PORT="${FIRMWARDEN_TEST_PG_PORT:-54329}"
PG_DIR="${FIRMWARDEN_TEST_PG_DIR:-/tmp/firmwarden-test-pg}"

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Debian's python3 and the modules DMTF's conformance tools import (test/conformance).
CONFORMANCE_PACKAGES="$(dirname "$0")/../conformance/debian-packages.txt"
PY_MODULES=requests,lxml,bs4,jsonpatch,colorama,openpyxl,jsonpointer,requests_toolbelt
PY_MODULES+=,requests_unixsocket,pyasn1,pyasn1_modules,xlsxwriter
if ! /usr/bin/python3 -c "import $PY_MODULES" >/dev/null 2>&1; then
  read -r -a conformance_packages <"$CONFORMANCE_PACKAGES"
  need+=("${conformance_packages[@]}")
fi
# prometheus_client's own text parser reads /metrics in test/api/metrics.test.ts.
/usr/bin/python3 -c "import prometheus_client" >/dev/null 2>&1 || need+=(python3-prometheus-client)
if ((${#need[@]})); then
  echo "installing ${need[*]} from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

PG_BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  if [[ ! -s "$PG_DIR/PG_VERSION" ]]; then
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    chown postgres:postgres "$PG_DIR"
    su postgres -s /bin/sh -c "'$PG_BIN/initdb' -D '$PG_DIR' -A trust -U postgres --no-sync" >&2
  fi
  # Throwaway test server: durability off, loopback only, enough connections for 3 instances.
  su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DIR' -l '$PG_DIR/server.log' -w start \
    -o \"-p $PG_PORT -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off -c max_connections=200\"" >&2
fi

echo "export FIRMWARDEN_TEST_PG_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "export FIRMWARDEN_TEST_CHROMIUM=$(command -v chromium)"

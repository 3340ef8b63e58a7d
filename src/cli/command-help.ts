/**
 * Every help text of the CLI, apart from the commands' code: `firmwarden --help` and
 * `firmwarden <command> --help` print from here without importing (and type-stripping) the
 * command modules, which pull in most of the library. Defaults quoted here (API listen address,
 * SQLite path) are checked against their source constants by test/cli/command-help.test.ts.
 */

/** `firmwarden --help`: the commands, one line each. */
export const USAGE = `firmwarden — out-of-band firmware manager for bare-metal fleets (Redfish)

usage: firmwarden <command> [options]

commands:
  inventory   read what firmware every server runs
  probe       read-only: what a BMC offers and what firmwarden will do with it (--record a trace)
  bmc         BMC actions outside an update: bmc reset, bmc clear-jobs (a stuck job/task queue)
  host        the host's power: host power on|off|graceful-off|cycle|status
  catalog     show a catalog (native, Dell Catalog.xml, HPE fwrepo.json) or sync its images
  plan        decide, per server and component, what to update and why
  update      push, apply, reset and verify firmware on chosen servers
  rollout     upgrade a fleet in waves with health gates; start, list, status, pause, resume, abort
  journal     who did what to which server and with what result: intents and outcomes
  jobs        the daemon's jobs: running now, last outcome, recent runs
  simulate    run a simulated fleet of Redfish BMCs and write its fleet file
  backup      backup slice on the RAID controller: init, check, status, restore
  fleet       import a fleet file from NetBox (fleet import netbox)
  daemon      run the scheduled jobs (inventory scan, catalog watch, rollout window, integrity check)
  store       create or upgrade the state store's schema (SQLite or PostgreSQL): store migrate
  cluster     instances sharing a PostgreSQL store, coordinators, who holds what: cluster status
  serve       the HTTP API, Prometheus metrics and the dashboard over a daemon config
  demo        the whole story on a simulated fleet
  completion  shell completion script: completion bash|zsh|fish

global options (anywhere on the line; also FIRMWARDEN_LOG_LEVEL, FIRMWARDEN_LOG_FORMAT):
  --log-level LEVEL   trace, debug, info, warn, error, fatal, silent (a terminal: warn; else info)
  --log-format FMT    pretty (one short line each) or json (a terminal: pretty; else json)
  --log-file FILE     also append JSON log lines to FILE (created 0600), at --log-level or info

firmwarden <command> --help for the options of one command; firmwarden --version (-V) for the version.

exit codes (every command): 0 did what was asked and the servers are in that state, 1 ran but
something is not as asked (a server failed or unreadable, corruption, a rollout paused or aborted),
2 bad usage, config or input (nothing done), 130/143 stopped by SIGINT/SIGTERM.`;

/** `firmwarden backup --help`. */
export const BACKUP_HELP = `firmwarden backup init|check|status|restore --fleet FILE [--catalog FILE]
                  (--server NAME ... | --all) [--store DIR] [--state DIR] [--json]
                  [--auto-restore] [--reset-host [--allow-force-reset]]
                  [--image-server HOST[:PORT]] [--image-server-url URL]
                  [--concurrency N]

init     carves a small slice ("firmwarden-backup", RAID1 on two drives, else RAID0) out of each
         server's RAID controller, where the BMC offers volumes as update targets; elsewhere it
         says so and names the BMC's own fallback (backup bank, rollback copy, recovery set).
check    inspects the embedded images (BMC, BIOS, anything the catalog holds): health, version,
         the image read back against the catalog digest, SPDM measurements against their baseline;
         makes missing copies (image store, slice) and verifies them. --auto-restore repairs too.
status   the mechanism each server can use, the state of its copies, what is corrupted.
restore  pushes the verified copy (slice, else image store) back onto each corrupted image and
         verifies it by reading the inventory back. A copy failing its digest is never used.
         With no verified copy, what the BMC keeps is used, marked fallback: iDRAC's
         Previous- rollback copy, an OpenBMC BMC's backup bank (healthy again, at the
         version of that copy).
         A host image that activates at the next host reset is reported "staged"; with
         --reset-host the host is restarted once (graceful; forced only with
         --allow-force-reset) and the restore verified once it runs again.
--catalog is the reference for digests (required by check and restore). Images live in --store
(default DIR/images), baselines and the journal in --state (default .firmwarden/state.db).
Exit 0 no image corrupt (check: and every image the catalog vouches for has a verified copy;
restore: every corrupted image restored and verified); images with only Status and Version to go
by show "not checkable" with a warning line and do not change the code. 1 a server failed or
unreadable, corruption left, a copy check could not make, a restore only staged; 2 bad input.`;

/** `firmwarden catalog --help`. */
export const CATALOG_HELP = `firmwarden catalog sync --catalog FILE --store DIR [--base-url URL] [--allow-host HOST]... [--concurrency N] [--json]
firmwarden catalog show --catalog FILE [--base-url URL] [--json]

sync: downloads (with resume) or copies every image the catalog references into the image store
      at DIR, verifying each against the catalog's digests and size; exit 1 if any image failed.
      Images come only from the hosts the catalog names, --base-url and --allow-host (redirects too).
show: counts of entries by vendor, kind and criticality, and every item the import skipped, why.
Catalogs: native JSON/YAML, Dell Catalog.xml (UTF-8/UTF-16), HPE fwrepo.json.
Exit 0 done (sync: every image verified in the store), 1 an image failed to download or verify,
2 bad input (the catalog, the store, an image file the catalog names that is not there).`;

/** `firmwarden cluster --help`. */
export const CLUSTER_HELP = `firmwarden cluster status [--config DAEMON.yaml | --postgres URL [--schema NAME] [--password-env VAR] | --sqlite FILE] [--json]

Shows the firmwarden instances sharing the state store (name, label affinity, last heartbeat,
alive or gone, servers held), the coordinator of each unfinished rollout, and which instance
holds each server in flight. An instance whose heartbeat expired is gone: its servers are
adopted by the others.
Exit 0 shown, 1 the store could not be read, 2 bad input.`;

/** `firmwarden daemon --help`. */
export const DAEMON_HELP = `firmwarden daemon --config FILE [--once JOB] [--json]

Runs the jobs the config enables, each on its schedule in a worker thread, until SIGINT/SIGTERM:
  inventory-scan    sweep the fleet, save every server's inventory in the store
  catalog-watch     poll the catalog source; download new and changed entries' images
  rollout-window    start or resume the configured rollout while its maintenance window is open
  integrity-check   inspect installed firmware for corruption: the backup check (health, version,
                    image digest read back, SPDM measurements; copies made and verified; restores
                    when backup.autoRestore is set) on every server of the fleet
Every run holds the store lease job:<name> (one run per job across daemons) and is journalled
as job-<name> with its outcome.

SIGINT/SIGTERM: running jobs are asked to stop (the shutdown grace of the config, default 60 s)
and their leases released; a second signal exits at once (leases then expire after their TTL).

--once JOB   run JOB now in the foreground and exit: 0 ok or skipped (nothing to do), 1 partial
             or failed (a server unreadable, corruption found, the configured rollout paused or
             aborted), 2 bad config; without --once: 130/143 once stopped by SIGINT/SIGTERM
--json       with --once: print the run's result as JSON`;

/** `firmwarden completion --help`. */
export const COMPLETION_HELP = `firmwarden completion bash|zsh|fish

Prints a completion script for the shell (commands, subcommands and options), generated from
the CLI's own tables. Load it for the running shell, or install it for good:
  bash  source <(firmwarden completion bash)   or save it as /etc/bash_completion.d/firmwarden
  zsh   source <(firmwarden completion zsh)    or save it as _firmwarden in a folder of $fpath
  fish  firmwarden completion fish | source    or save it as ~/.config/fish/completions/firmwarden.fish
Exit 0 printed, 2 no such shell or an unknown option.`;

/** `firmwarden demo --help`. */
export const DEMO_HELP = `firmwarden demo [--count N] [--keep]

Runs the whole story on N simulated BMCs (default 12, all six vendor profiles) over HTTPS on
127.0.0.1: inventory, catalog and image sync, plan, a rolling update in waves with a failure
injected and retried, verification read back from the BMCs, and a corrupted BIOS image detected
and restored from the backup slice on the RAID controller. --keep leaves the work folder.
Exit 0 the story ran as told, 1 a step of it did not.`;

/** `firmwarden fleet --help`. */
export const FLEET_HELP = `firmwarden fleet import netbox --url URL --token-env VAR --out FILE [options]

Reads devices from NetBox (/api/dcim/devices/, every page) into a fleet file: BMC https://<OOB IP>,
vendor from the manufacturer, labels site, location, rack, role, tenant, platform, manufacturer,
model, status, netbox.id and tag.<slug>: "true". Devices without an OOB IP (or name) are listed and
left out; a second device with the same name or BMC address is listed as a duplicate.

--url URL               NetBox base URL (https; --allow-http for a lab)
--token-env VAR         env var holding the API token: v1 "0123…" is sent as "Token …", v2 "nbt_…"
                        as "Bearer …" (--token-scheme token|bearer forces one)
--out FILE              fleet file to write (.yaml/.yml or .json), atomically, validated first
--filter KEY=VALUE      NetBox device filter, repeatable (site=fra1 role=compute tag=gpu status=active
                        q=r640 manufacturer=dell platform=... tenant=... rack_id=...)
--address SOURCE        BMC address: oob (default), primary (primary IPv4), custom-field:NAME
--custom-field NAME     also copy this custom field into a label of the same name, repeatable
--user NAME             BMC credentials for every server (defaults.credentials), with
  --password-env VAR    the env var holding the password, or
  --password-file FILE  a file holding it (relative to the fleet file)
--bmc-ca FILE           defaults.tls.ca: CA of the BMC certificates; --bmc-insecure: labs only
--merge                 update FILE: NetBox's servers replace bmc, vendor and the labels above;
                        credentials, tls and other labels of an entry are kept, and entries NetBox
                        did not list are kept (and named)
--force                 replace FILE
--dry-run               print the file instead of writing it
--json                  print the import report as JSON
--netbox-ca FILE        CA of NetBox's certificate; --page-size N (default 100)
Exit 0 written, 1 NetBox could not be read, 2 bad input.`;

/** `firmwarden jobs --help`. */
export const JOBS_HELP = `firmwarden jobs [--job NAME] [--limit N] [--json]
                [--state DIR | --config DAEMON.yaml | --postgres URL [--schema NAME] [--password-env VAR] | --sqlite FILE]

The daemon's jobs (inventory-scan, catalog-watch, rollout-window, integrity-check) as the state
store records them, whichever daemon ran them: per job whether a run holds its lease now, the
newest run and its outcome; then the recent runs, newest first (--limit, default 20). The same
records GET /api/v1/jobs serves. --job NAME shows one job.
Exit 0 shown, 1 the store could not be read, 2 bad input (no such store file, an unknown job).`;

/** `firmwarden journal --help`. */
export const JOURNAL_HELP = `firmwarden journal [--server NAME ...] [--rollout ID] [--event NAME ...] [--since TIME]
                   [--limit N] [--json]
                   [--state DIR | --config DAEMON.yaml | --postgres URL [--schema NAME] [--password-env VAR] | --sqlite FILE]

The journal of the state store (what GET /api/v1/journal serves), oldest first: update intents
and outcomes per server and component (CLI, rollouts, daemon, API), rollout steps, backup
checks and restores, job runs, each with who acted. With a local state folder (--state DIR,
default .firmwarden) the intents \`firmwarden update\` keeps in DIR/journal.jsonl are merged in
by time. --since takes an ISO 8601 date or date-time, or an age: 30m, 12h, 7d. --limit keeps the
newest N entries (default 200).
Exit 0 shown, 1 the store could not be read, 2 bad input (no such store file, a bad --since).`;

/** `firmwarden inventory --help`. */
export const INVENTORY_HELP = `firmwarden inventory --fleet FILE [--json] [--concurrency N] [--state DIR]
firmwarden inventory --bmc URL --user NAME (--password-env VAR | --password-file FILE)
                     [--ca FILE | --fingerprint SHA256 | --insecure] [--allow-http] [--vendor V] [--json]

Reads the firmware inventory of every server. Passwords are never taken from the command line.
BMC sessions are recorded under --state (default .firmwarden) until logged out, so sessions a
killed run left open are deleted by the next run.
Exit 0 every server read, 1 some could not be read, 2 bad input.`;

/** `firmwarden plan --help`. */
export const PLAN_HELP = `firmwarden plan --fleet FILE --catalog FILE [--policy FILE] [--base-url URL]
                [--server NAME ... | --label KEY=VALUE ... | --all] [--kind KIND ...] [--entry ID ...]
                [--json | --export csv|json] [--concurrency N] [--wide]

Reads what every server runs and decides, per installed component, what to do against the
catalog (native JSON/YAML, Dell Catalog.xml, HPE fwrepo.json): upgrade, up-to-date,
newer-than-catalog, downgrade, no-catalog-entry, incomparable-version, blocked-by-prerequisite,
not-updateable, excluded-by-policy, unreadable-server, each with its reason. The policy file
(YAML/JSON, schemas/policy.schema.json) allows/denies kinds, sets a minimum criticality, pins
versions per label and allows downgrades. Nothing is changed on any server.
--export csv|json prints one row per installed component (server, kind, installed, compliance,
decision, target, line, reason) for spreadsheets and audits, as the API's compliance export does.
--server/--label narrow the servers (default: the whole fleet); --kind/--entry the components.
On a terminal long cells are cut with … to its width; --wide (or a pipe) prints them whole.
Exit 0 planned, 1 some servers could not be read, 2 bad input.`;

/** `firmwarden rollout --help`. */
export const ROLLOUT_HELP = `firmwarden rollout start --spec ROLLOUT.yaml [--id ID] [--state DIR | --config FILE] [--json] [--no-drive]
firmwarden rollout list [--state DIR | --config FILE] [--json]
firmwarden rollout status [--id ID] [--state DIR | --config FILE] [--json]
firmwarden rollout pause|abort --id ID [--state DIR | --config FILE]
firmwarden rollout resume --id ID [--retry-failed] [--state DIR | --config FILE] [--json]

Upgrades the servers a rollout spec selects in waves (canaries first), never taking more out of
service than maxUnavailable / perLabel allow, inside its maintenance windows, with health gates
and drain/undrain hooks around each server. It pauses when the failure budget is spent and
completes by itself when every server is at target (acting version = target). State lives in
DIR/state.db (default .firmwarden): after a crash, \`resume\` continues from the BMCs' truth.
Only one process drives a rollout at a time — except with --config naming a daemon config with
a PostgreSQL store and a cluster section: this process then joins the rollout as one more
instance (claims servers within the fleet-wide limits; one coordinator; failover).
\`list\` shows every rollout, newest first, with its servers by step (as GET /api/v1/rollouts).
Exit: start and resume 0 when the rollout is completed (or already was), 1 when it stopped
paused (failure budget, a pause request), aborted (resume says so) or with a failed server;
status 0 pending, running or completed, 1 paused, aborted or a server failed; pause and abort
0 done; 2 bad input (also pausing or aborting a rollout that cannot be).`;

/** `firmwarden serve --help`. */
export const SERVE_HELP = `firmwarden serve --config FILE [--host ADDR] [--port N]

Serves the JSON HTTP API (/api/v1/..., OpenAPI at /openapi.json), Prometheus metrics (/metrics)
and the dashboard (/) over the state store, fleet and catalog of a daemon config, until
SIGINT/SIGTERM. The config's api section lists the bearer tokens (name, role read|operator, and
tokenEnv, tokenFile or sha256: never the token itself), TLS and limits. Binds 127.0.0.1:8443
unless api.listen or --host/--port say otherwise; plain http on a non-loopback address needs
api.tls or api.allowPlainHttp. Rollouts started or resumed through the API are driven in this
process. SIGINT/SIGTERM: drivers start no new server and finish the ones in flight, then exit;
a second signal exits at once (the rollout lease expires after its TTL; resume it from anywhere).
Exit 130/143 once stopped by SIGINT/SIGTERM, 2 bad config.`;

/** `firmwarden simulate --help`. */
export const SIMULATE_HELP = `firmwarden simulate --count N --out FLEET.yaml [--vendors dell,hpe,...] [--latency MS]
                    [--http] [--seed N] [--admin-port PORT] [--timing fast|realistic]
                    [--catalog-dir DIR] [--generations dell=idrac8,...]

Starts N simulated BMCs on 127.0.0.1 (HTTPS with a generated CA unless --http), writes FLEET.yaml
plus its CA and password files beside it, and runs until stopped. --admin-port serves
GET /sim/bmcs and PATCH /sim/bmcs/NAME/faults for fault injection from outside. --timing sets how
long updates, resets and BMC reboots take (fast: tens of ms; realistic: seconds). --catalog-dir
writes a native catalog (and its images) that upgrades the simulated fleet. --generations picks a
firmware generation per vendor (e.g. dell=idrac8; default: each profile's reference one).
Exit 0 once stopped (Ctrl-C/SIGTERM), 2 bad input.`;

/** `firmwarden store --help`. */
export const STORE_HELP = `firmwarden store migrate [--config DAEMON.yaml | --postgres URL [--schema NAME] [--password-env VAR] | --sqlite FILE]

Creates or upgrades the state store's schema (idempotent; several instances migrating at once
take turns under a lock) and prints the migrations it applied. The store is the daemon config's
store section (--config), a PostgreSQL URL (password from --password-env VAR or PGPASSWORD, never
in the URL), or a SQLite file (default .firmwarden/state.db).
Exit 0 migrated (or already at the newest schema), 1 the store could not be reached, 2 bad input.`;

/** `firmwarden update --help`. */
export const UPDATE_HELP = `firmwarden update --fleet FILE --catalog FILE (--server NAME ... | --label KEY=VALUE ... | --all)
                  [--kind KIND ...] [--entry ID ...]
                  [--at TIME] [--dry-run] [--json] [--policy FILE] [--base-url URL] [--store DIR] [--state DIR]
                  [--method auto|multipart|simple|http-push] [--concurrency N]
                  [--image-server HOST[:PORT]] [--image-server-url URL] [--image-server-tls]
                  [--force-reset] [--no-reset] [--poll-ms N]

Plans the servers, then for each upgrade: verifies the image in the store, picks the update
method the BMC offers (and says why), delivers it, follows the task, resets the host once for
staged images and reads the inventory back: an action succeeds only if the new version shows.
--at 03:00 uses the BMC's maintenance window when offered, otherwise firmwarden waits.
Images come from the store (--store, default .firmwarden/images; fill it with catalog sync).
The journal of every intent and outcome is written to --state (default .firmwarden); a rerun
after a crash or Ctrl-C reads it and the BMC first, and sends nothing already there.
--poll-ms: how often tasks and resets are polled (default 5000).
--label KEY=VALUE narrows the servers (every key must match; a key twice: either value).
--kind KIND (bmc, bios, nic, storage, drive, psu, cpld, management, other) and --entry ID (a
catalog entry) update just those components, no policy file needed; an unknown kind or entry, or
one matching nothing installed, is an error.
--dry-run is a pre-flight per server that changes nothing: the BMC answers, the credentials log
in (and the session is deleted after), the session limit leaves room, each planned image is in
the store and passes its checksum, the method and apply time the update would use and why, and
how --at resolves (the BMC's maintenance window, or held by firmwarden). Exit 0 when every check
passes, 1 otherwise.
Exit 0 every update verified at target (or nothing to do: all there), 1 a server failed or was
updated only in part, 2 bad input (nothing sent).`;

/** `firmwarden probe --help`. */
export const PROBE_HELP = `firmwarden probe --fleet FILE [--server NAME] [--json] [--record DIR] [--concurrency N] [--state DIR]
firmwarden probe --replay TRACE [--json]
firmwarden probe --bmc URL --user NAME (--password-env VAR | --password-file FILE)
                 [--ca FILE | --fingerprint SHA256 | --insecure] [--allow-http] [--vendor V]
                 [--json] [--record DIR] [--state DIR]

Reads only (GET; a session login and logout): per installed component the update method and
why, apply times, how progress is followed, the resets an update needs; the backup slice or its
fallback; sessions; TLS certificate; family and generation; anything odd.
--record DIR writes DIR/<server>.trace.json: every request and answer, with passwords, tokens,
cookies, session ids and user names removed — attach it to a bug report.
--replay TRACE answers the probe from such a file (a replay server on 127.0.0.1): the report the
recording BMC gave, reproduced offline.
--state DIR is where the probe's sessions are recorded (default .firmwarden), so that a probe
killed mid-way has its sessions deleted by the next run in that folder.
Exit 0 every BMC read, 1 one could not be read, 2 bad input.`;

/** Selection flags shared by the action commands (bmc, host). */
const ACTION_SELECTION = `servers: --bmc URL --user NAME (--password-env VAR | --password-file FILE)
           [--ca FILE | --fingerprint SHA256 | --insecure] [--allow-http] [--vendor V]
         or --fleet FILE with --server NAME (repeatable), --label KEY=VALUE (repeatable, all must
           match) or --all. Acting on more than one server needs --all or --label.`;

/** `firmwarden bmc --help`. */
export const BMC_HELP = `firmwarden bmc reset|clear-jobs <servers> [--json] [--concurrency N]
                 [--timeout SECONDS] [--poll-ms MS]

reset       Manager.Reset (GracefulRestart where the BMC offers it, else ForceRestart) and wait
            until the BMC answers again (--timeout, default 600 s). The host keeps running.
            Refused while the BMC is still writing firmware. One BMC at a time unless
            --concurrency says otherwise.
clear-jobs  clears a stuck job/task queue the BMC's own way: iDRAC DellJobService.DeleteJobQueue
            (JID_CLEARALL), iLO Update Task Queue (DELETE each item), elsewhere DELETE on each
            finished Task; says so where the BMC allows none. Work still writing is kept.
${ACTION_SELECTION}
Exit 0 all done, 1 some servers failed or were refused, 2 bad usage.`;

/** `firmwarden host --help`. */
export const HOST_HELP = `firmwarden host power on|off|graceful-off|cycle|status <servers> [--json] [--force]
                  [--concurrency N] [--timeout SECONDS] [--poll-ms MS]

ComputerSystem.Reset with a ResetType the system offers, then wait for the power state it leads
to (--timeout, default 300 s): on (On), off (ForceOff), graceful-off (GracefulShutdown; --force:
ForceOff when the OS ignored it), cycle (PowerCycle, else ForceRestart; On when off), status
(reads PowerState). Nothing is sent when the host is already in the state asked for.
Never while the BMC is still writing firmware (a task running, iLO flashing): refused, and
--force does not override that. One host at a time unless --concurrency says otherwise.
${ACTION_SELECTION}
Exit 0 all done, 1 some servers failed or were refused, 2 bad usage.`;

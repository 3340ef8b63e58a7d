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
  catalog     show a catalog (native, Dell Catalog.xml, HPE fwrepo.json) or sync its images
  plan        decide, per server and component, what to update and why
  update      push, apply, reset and verify firmware on chosen servers
  rollout     upgrade a fleet in waves with health gates; start, status, pause, resume, abort
  simulate    run a simulated fleet of Redfish BMCs and write its fleet file
  backup      backup slice on the RAID controller: init, check, status, restore
  fleet       import a fleet file from NetBox (fleet import netbox)
  daemon      run the scheduled jobs (inventory scan, catalog watch, rollout window, integrity check)
  store       create or upgrade the state store's schema (SQLite or PostgreSQL): store migrate
  cluster     instances sharing a PostgreSQL store, coordinators, who holds what: cluster status
  serve       the HTTP API, Prometheus metrics and the dashboard over a daemon config
  demo        the whole story on a simulated fleet

firmwarden <command> --help for the options of one command; firmwarden --version (-V) for the version.`;

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
(default DIR/images), baselines and the journal in --state (default .firmwarden/state.db).`;

/** `firmwarden catalog --help`. */
export const CATALOG_HELP = `firmwarden catalog sync --catalog FILE --store DIR [--base-url URL] [--allow-host HOST]... [--concurrency N] [--json]
firmwarden catalog show --catalog FILE [--base-url URL] [--json]

sync: downloads (with resume) or copies every image the catalog references into the image store
      at DIR, verifying each against the catalog's digests and size; exit 1 if any image failed.
      Images come only from the hosts the catalog names, --base-url and --allow-host (redirects too).
show: counts of entries by vendor, kind and criticality, and every item the import skipped, why.
Catalogs: native JSON/YAML, Dell Catalog.xml (UTF-8/UTF-16), HPE fwrepo.json.`;

/** `firmwarden cluster --help`. */
export const CLUSTER_HELP = `firmwarden cluster status [--config DAEMON.yaml | --postgres URL [--schema NAME] [--password-env VAR] | --sqlite FILE] [--json]

Shows the firmwarden instances sharing the state store (name, label affinity, last heartbeat,
alive or gone, servers held), the coordinator of each unfinished rollout, and which instance
holds each server in flight. An instance whose heartbeat expired is gone: its servers are
adopted by the others.`;

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

--once JOB   run JOB now in the foreground and exit (0 ok or skipped, 1 failed or partial)
--json       with --once: print the run's result as JSON`;

/** `firmwarden demo --help`. */
export const DEMO_HELP = `firmwarden demo [--count N] [--keep]

Runs the whole story on N simulated BMCs (default 12, all six vendor profiles) over HTTPS on
127.0.0.1: inventory, catalog and image sync, plan, a rolling update in waves with a failure
injected and retried, verification read back from the BMCs, and a corrupted BIOS image detected
and restored from the backup slice on the RAID controller. --keep leaves the work folder.`;

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
--netbox-ca FILE        CA of NetBox's certificate; --page-size N (default 100)`;

/** `firmwarden inventory --help`. */
export const INVENTORY_HELP = `firmwarden inventory --fleet FILE [--json] [--concurrency N] [--state DIR]
firmwarden inventory --bmc URL --user NAME (--password-env VAR | --password-file FILE)
                     [--ca FILE | --fingerprint SHA256 | --insecure] [--allow-http] [--vendor V] [--json]

Reads the firmware inventory of every server. Passwords are never taken from the command line.
BMC sessions are recorded under --state (default .firmwarden) until logged out, so sessions a
killed run left open are deleted by the next run.`;

/** `firmwarden plan --help`. */
export const PLAN_HELP = `firmwarden plan --fleet FILE --catalog FILE [--policy FILE] [--base-url URL]
                [--json | --export csv|json] [--concurrency N] [--wide]

Reads what every server runs and decides, per installed component, what to do against the
catalog (native JSON/YAML, Dell Catalog.xml, HPE fwrepo.json): upgrade, up-to-date,
newer-than-catalog, downgrade, no-catalog-entry, incomparable-version, blocked-by-prerequisite,
not-updateable, excluded-by-policy, unreadable-server, each with its reason. The policy file
(YAML/JSON, schemas/policy.schema.json) allows/denies kinds, sets a minimum criticality, pins
versions per label and allows downgrades. Nothing is changed on any server.
--export csv|json prints one row per installed component (server, kind, installed, compliance,
decision, target, line, reason) for spreadsheets and audits, as the API's compliance export does.
On a terminal long cells are cut with … to its width; --wide (or a pipe) prints them whole.
Exit 0 planned, 1 some servers could not be read, 2 bad input.`;

/** `firmwarden rollout --help`. */
export const ROLLOUT_HELP = `firmwarden rollout start --spec ROLLOUT.yaml [--id ID] [--state DIR | --config FILE] [--json] [--no-drive]
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
instance (claims servers within the fleet-wide limits; one coordinator; failover).`;

/** `firmwarden serve --help`. */
export const SERVE_HELP = `firmwarden serve --config FILE [--host ADDR] [--port N]

Serves the JSON HTTP API (/api/v1/..., OpenAPI at /openapi.json), Prometheus metrics (/metrics)
and the dashboard (/) over the state store, fleet and catalog of a daemon config, until
SIGINT/SIGTERM. The config's api section lists the bearer tokens (name, role read|operator, and
tokenEnv, tokenFile or sha256: never the token itself), TLS and limits. Binds 127.0.0.1:8443
unless api.listen or --host/--port say otherwise; plain http on a non-loopback address needs
api.tls or api.allowPlainHttp. Rollouts started or resumed through the API are driven in this
process. SIGINT/SIGTERM: drivers start no new server and finish the ones in flight, then exit;
a second signal exits at once (the rollout lease expires after its TTL; resume it from anywhere).`;

/** `firmwarden simulate --help`. */
export const SIMULATE_HELP = `firmwarden simulate --count N --out FLEET.yaml [--vendors dell,hpe,...] [--latency MS]
                    [--http] [--seed N] [--admin-port PORT] [--timing fast|realistic]
                    [--catalog-dir DIR] [--generations dell=idrac8,...]

Starts N simulated BMCs on 127.0.0.1 (HTTPS with a generated CA unless --http), writes FLEET.yaml
plus its CA and password files beside it, and runs until stopped. --admin-port serves
GET /sim/bmcs and PATCH /sim/bmcs/NAME/faults for fault injection from outside. --timing sets how
long updates, resets and BMC reboots take (fast: tens of ms; realistic: seconds). --catalog-dir
writes a native catalog (and its images) that upgrades the simulated fleet. --generations picks a
firmware generation per vendor (e.g. dell=idrac8; default: each profile's reference one).`;

/** `firmwarden store --help`. */
export const STORE_HELP = `firmwarden store migrate [--config DAEMON.yaml | --postgres URL [--schema NAME] [--password-env VAR] | --sqlite FILE]

Creates or upgrades the state store's schema (idempotent; several instances migrating at once
take turns under a lock) and prints the migrations it applied. The store is the daemon config's
store section (--config), a PostgreSQL URL (password from --password-env VAR or PGPASSWORD, never
in the URL), or a SQLite file (default .firmwarden/state.db).`;

/** `firmwarden update --help`. */
export const UPDATE_HELP = `firmwarden update --fleet FILE --catalog FILE (--server NAME ... | --all)
                  [--at TIME] [--dry-run] [--json] [--policy FILE] [--store DIR] [--state DIR]
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
--poll-ms: how often tasks and resets are polled (default 5000).`;

/** `firmwarden probe --help`. */
export const PROBE_HELP = `firmwarden probe --fleet FILE [--server NAME] [--json] [--record DIR] [--concurrency N]
firmwarden probe --replay TRACE [--json]
firmwarden probe --bmc URL --user NAME (--password-env VAR | --password-file FILE)
                 [--ca FILE | --fingerprint SHA256 | --insecure] [--allow-http] [--vendor V]
                 [--json] [--record DIR]

Reads only (GET; a session login and logout): per installed component the update method and
why, apply times, how progress is followed, the resets an update needs; the backup slice or its
fallback; sessions; TLS certificate; family and generation; anything odd.
--record DIR writes DIR/<server>.trace.json: every request and answer, with passwords, tokens,
cookies, session ids and user names removed — attach it to a bug report.
--replay TRACE answers the probe from such a file (a replay server on 127.0.0.1): the report the
recording BMC gave, reproduced offline.`;

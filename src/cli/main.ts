#!/usr/bin/env node
/**
 * The firmwarden command line: a thin dispatcher over the library. Results go to stdout, logs
 * (JSON lines, secrets redacted) to stderr. Exit 0 ok, 1 partial failure, 2 usage/config error.
 */
import { defaultDeps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import { EXIT, isInputError } from './args.ts';
import { BACKUP_HELP, backupCommand } from './backup-command.ts';
import { CATALOG_HELP, catalogCommand } from './catalog-command.ts';
import { CLUSTER_HELP, clusterCommand } from './cluster-command.ts';
import { DAEMON_HELP, daemonCommand } from './daemon-command.ts';
import { DEMO_HELP, demoCommand } from './demo-command.ts';
import { FLEET_HELP, fleetCommand } from './fleet-command.ts';
import { INVENTORY_HELP, inventoryCommand } from './inventory-command.ts';
import { PLAN_HELP, planCommand } from './plan-command.ts';
import { ROLLOUT_HELP, rolloutCommand } from './rollout-command.ts';
import { SERVE_HELP, serveCommand } from './serve-command.ts';
import { withSignals } from './signals.ts';
import { SIMULATE_HELP, simulateCommand } from './simulate-command.ts';
import { STORE_HELP, storeCommand } from './store-command.ts';
import { UPDATE_HELP, updateCommand } from './update-command.ts';

const COMMANDS: Record<string, { run: typeof inventoryCommand; help: string }> = {
  inventory: { run: inventoryCommand, help: INVENTORY_HELP },
  catalog: { run: catalogCommand, help: CATALOG_HELP },
  plan: { run: planCommand, help: PLAN_HELP },
  update: { run: updateCommand, help: UPDATE_HELP },
  rollout: { run: rolloutCommand, help: ROLLOUT_HELP },
  daemon: { run: daemonCommand, help: DAEMON_HELP },
  store: { run: storeCommand, help: STORE_HELP },
  cluster: { run: clusterCommand, help: CLUSTER_HELP },
  serve: { run: serveCommand, help: SERVE_HELP },
  backup: { run: backupCommand, help: BACKUP_HELP },
  simulate: { run: simulateCommand, help: SIMULATE_HELP },
  demo: { run: demoCommand, help: DEMO_HELP },
  fleet: { run: fleetCommand, help: FLEET_HELP },
};

const USAGE = `firmwarden — out-of-band firmware manager for bare-metal fleets (Redfish)

usage: firmwarden <command> [options]

commands:
  inventory   read what firmware every server runs
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

firmwarden <command> --help for the options of one command.`;

/** Runs the CLI with argv (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`firmwarden: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return EXIT.ok;
  }
  const deps = defaultDeps();
  try {
    return await withSignals(name, rest, deps, (d) => command.run(rest, d, process.stdout));
  } catch (err) {
    process.stderr.write(`firmwarden ${name}: ${describeError(err)}\n`);
    if (!(err instanceof FirmwardenError)) deps.logger.error({ err }, 'unexpected error');
    return isInputError(err) ? EXIT.usage : EXIT.partial;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}

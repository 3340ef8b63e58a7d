#!/usr/bin/env node
/**
 * The firmwarden command line: a thin dispatcher over the library. Results go to stdout, logs
 * (secrets redacted) to stderr: short human lines at warn on a terminal, JSON lines at info
 * otherwise; --log-format/--log-level/--log-file change that (cli/log-setup.ts).
 *
 * One exit-code rule for every command (README "Exit codes", test/cli/exit-codes.test.ts):
 * 0 the command did what was asked and the servers are in the asked state (a healthy check, a
 * verified restore, a completed or already complete rollout, nothing to do as all is at target);
 * 1 it ran but something is not as asked (a server failed or unreadable, corruption found, a
 * rollout paused or aborted, a partial run), also for an unexpected error; 2 bad usage, config
 * or input, nothing done (isInputError); 130/143 stopped by SIGINT/SIGTERM (signals.ts).
 *
 * Start-up cost matters (operators script it per server): this module imports only the help
 * texts and the error classes. A command's module, which pulls in most of the library, is
 * imported when that command runs; --help and --version import none of them.
 */
import type { Deps } from '../deps.ts';
import { FirmwardenError } from '../errors.ts';
import { commandErrorLine, EXIT, isInputError, takeGlobalOptions } from './args.ts';
import * as help from './command-help.ts';
import { packageVersion } from './version.ts';

/** A command's entry point: argv after the command name; returns the exit code. */
type CommandRun = (argv: string[], deps: Deps, out: NodeJS.WritableStream) => Promise<number>;

/** Each command's help and the import of its module (string literals, so the build rewrites them). */
const COMMANDS: Record<string, { help: string; load: () => Promise<CommandRun> }> = {
  inventory: {
    help: help.INVENTORY_HELP,
    load: async () => (await import('./inventory-command.ts')).inventoryCommand,
  },
  catalog: {
    help: help.CATALOG_HELP,
    load: async () => (await import('./catalog-command.ts')).catalogCommand,
  },
  plan: { help: help.PLAN_HELP, load: async () => (await import('./plan-command.ts')).planCommand },
  update: { help: help.UPDATE_HELP, load: async () => (await import('./update-command.ts')).updateCommand },
  rollout: {
    help: help.ROLLOUT_HELP,
    load: async () => (await import('./rollout-command.ts')).rolloutCommand,
  },
  journal: {
    help: help.JOURNAL_HELP,
    load: async () => (await import('./journal-command.ts')).journalCommand,
  },
  jobs: { help: help.JOBS_HELP, load: async () => (await import('./jobs-command.ts')).jobsCommand },
  daemon: { help: help.DAEMON_HELP, load: async () => (await import('./daemon-command.ts')).daemonCommand },
  store: { help: help.STORE_HELP, load: async () => (await import('./store-command.ts')).storeCommand },
  cluster: {
    help: help.CLUSTER_HELP,
    load: async () => (await import('./cluster-command.ts')).clusterCommand,
  },
  serve: { help: help.SERVE_HELP, load: async () => (await import('./serve-command.ts')).serveCommand },
  backup: { help: help.BACKUP_HELP, load: async () => (await import('./backup-command.ts')).backupCommand },
  simulate: {
    help: help.SIMULATE_HELP,
    load: async () => (await import('./simulate-command.ts')).simulateCommand,
  },
  demo: { help: help.DEMO_HELP, load: async () => (await import('./demo-command.ts')).demoCommand },
  fleet: { help: help.FLEET_HELP, load: async () => (await import('./fleet-command.ts')).fleetCommand },
  probe: { help: help.PROBE_HELP, load: async () => (await import('./probe-command.ts')).probeCommand },
  bmc: { help: help.BMC_HELP, load: async () => (await import('./bmc-command.ts')).bmcCommand },
  host: { help: help.HOST_HELP, load: async () => (await import('./host-command.ts')).hostCommand },
  completion: {
    help: help.COMPLETION_HELP,
    load: async () => (await import('./completion-command.ts')).completionCommand,
  },
};

/** The command names, in the order `firmwarden --help` lists them. */
export const COMMAND_NAMES = Object.keys(COMMANDS);

/** Runs the CLI with argv (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let global: ReturnType<typeof takeGlobalOptions>;
  try {
    global = takeGlobalOptions(argv);
  } catch (err) {
    process.stderr.write(`firmwarden: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const [name, ...rest] = global.argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help.USAGE}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`firmwarden: unknown command ${JSON.stringify(name)}\n\n${help.USAGE}\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return EXIT.ok;
  }
  const [run, { defaultDeps }, { withSignals }, { cliLogger }] = await Promise.all([
    command.load(),
    import('../deps.ts'),
    import('./signals.ts'),
    import('./log-setup.ts'),
  ]);
  let deps: Deps | undefined;
  try {
    deps = defaultDeps({ logger: cliLogger(global.log) });
    return await withSignals(name, rest, deps, (d) => run(rest, d, process.stdout));
  } catch (err) {
    process.stderr.write(`${commandErrorLine(name, err)}\n`);
    if (!(err instanceof FirmwardenError)) deps?.logger.error({ err }, 'unexpected error');
    return isInputError(err) ? EXIT.usage : EXIT.partial;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}

/**
 * The bed of exit-codes.test.ts: the command functions run in-process as main.ts runs them (a
 * thrown input error is 2, any other error 1), and the files the rollout and daemon cases need.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { EXIT, isInputError } from '../../src/cli/args.ts';
import type { Deps } from '../../src/deps.ts';

type Run = (argv: string[], deps: Deps, out: NodeJS.WritableStream) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Run>> = {
  inventory: async () => (await import('../../src/cli/inventory-command.ts')).inventoryCommand,
  plan: async () => (await import('../../src/cli/plan-command.ts')).planCommand,
  update: async () => (await import('../../src/cli/update-command.ts')).updateCommand,
  rollout: async () => (await import('../../src/cli/rollout-command.ts')).rolloutCommand,
  backup: async () => (await import('../../src/cli/backup-command.ts')).backupCommand,
  catalog: async () => (await import('../../src/cli/catalog-command.ts')).catalogCommand,
  store: async () => (await import('../../src/cli/store-command.ts')).storeCommand,
  daemon: async () => (await import('../../src/cli/daemon-command.ts')).daemonCommand,
  probe: async () => (await import('../../src/cli/probe-command.ts')).probeCommand,
  fleet: async () => (await import('../../src/cli/fleet-command.ts')).fleetCommand,
};

/** Runs `firmwarden <name> ...argv`; returns its exit code and what it printed (or threw). */
export async function runCommand(
  deps: Deps,
  name: string,
  argv: string[],
): Promise<{ code: number; text: string }> {
  let text = '';
  const out = new Writable({
    write(c, _e, cb) {
      text += String(c);
      cb();
    },
  });
  const load = COMMANDS[name];
  if (!load) throw new Error(`no command ${name} in the exit-code bed`);
  try {
    return { code: await (await load())(argv, deps, out), text };
  } catch (err) {
    return { code: isInputError(err) ? EXIT.usage : EXIT.partial, text: `${text}${String(err)}` };
  }
}

/** A rollout spec over the bed's fleet and upgrade catalog, brisk timeouts; returns its path. */
export async function writeSpec(dir: string, name: string, failureBudget = 1): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    stringify({
      version: 1,
      name,
      fleet: 'fleet.yaml',
      catalog: 'catalog/catalog.yaml',
      waves: { canary: 1, batch: 2 },
      maxUnavailable: 1,
      failureBudget,
      update: { timeouts: { taskMs: 15_000, bmcRebootMs: 10_000, hostResetMs: 5_000, pollMs: 25 } },
    }),
  );
  return file;
}

/** A daemon config (YAML) in `dir` under `name`; returns its path. */
export async function writeDaemonConfig(
  dir: string,
  name: string,
  body: Record<string, unknown>,
): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, stringify({ version: 1, ...body }));
  return file;
}

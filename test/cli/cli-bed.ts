/**
 * The real CLI as a child process against a simulated fleet running in the test process: for
 * signal and crash tests, where only a separate process can be interrupted or killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore, loadCatalog, syncCatalog } from '../../src/catalog/index.ts';
import { FileJournal, type JournalEntry } from '../../src/executor/journal.ts';
import {
  REALISTIC_TIMING,
  type SimFleetOptions,
  type SimVendor,
  startSimulatedFleet,
  writeSimulatedCatalog,
} from '../../src/simulator/index.ts';
import type { ComponentKind } from '../../src/vocab.ts';

const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;

/**
 * Realistic proportions at a tenth of the pace (transfers, installs, POST, BMC reboots); how long
 * BMCs keep finished tasks and jobs stays realistic, since that is not a speed.
 */
export const BRISK_TIMING = {
  ...REALISTIC_TIMING,
  transferMs: 300,
  verifyMs: 200,
  installMs: 500,
  taskStartMs: 50,
  powerOffMs: 200,
  powerOnMs: 600,
  gracefulShutdownMs: 400,
  hostInstallMs: 400,
  bmcRebootMs: 1_000,
  // iDRAC's 503/500 warm-up after its own update (Retry-After 60) would make a rerun started at
  // once find the BMC unreadable, a failure by design; dell-self-update.test.ts covers it.
  bmcWarmupMs: 0,
  bmcResetDelayMs: 50,
  retryAfterSeconds: 1,
};

export type CliRun = ChildProcess & {
  done: Promise<{ code: number | null; signal: string | null; out: string; ms: number }>;
};

const live = new Set<ChildProcess>();

/** SIGKILLs every CLI child still running (a failed test must not leave one behind). */
export function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

/** Starts `firmwarden ...args`; `done` resolves when it has exited. */
export function runCli(args: string[]): CliRun {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, FIRMWARDEN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; signal: string | null; out: string; ms: number }>(
    (resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, out, ms: Date.now() - started })),
  );
  return Object.assign(child, { done });
}

/** A simulated fleet, a catalog that upgrades it and its images synced into `<state>/images`. */
export async function cliBed(
  vendors: SimVendor[],
  opts: { components?: ComponentKind[]; sim?: Partial<SimFleetOptions> } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'fw-cli-'));
  const fleet = await startSimulatedFleet({ count: vendors.length, vendors, seed: 3, ...opts.sim });
  const files = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
  const sim = await writeSimulatedCatalog({
    fleet,
    dir: join(dir, 'catalog'),
    ...(opts.components ? { components: opts.components } : {}),
  });
  const state = join(dir, 'state');
  const synced = await syncCatalog({
    catalog: await loadCatalog(sim.catalogFile),
    store: await ImageStore.open(join(state, 'images')),
  });
  if (!synced.ok) throw new Error('image sync failed');
  const journal = new FileJournal(state);
  return {
    dir,
    fleet,
    state,
    fleetFile: files.fleetFile,
    catalogFile: sim.catalogFile,
    /** `update --all` on the whole fleet, polling fast. */
    updateArgs: [
      'update',
      '--fleet',
      files.fleetFile,
      '--catalog',
      sim.catalogFile,
      '--all',
      '--state',
      state,
      '--poll-ms',
      '100',
    ],
    journal: (): Promise<JournalEntry[]> => journal.read(),
    openSessions: () => fleet.bmcs.reduce((n, b) => n + b.stats.openSessions, 0),
    close: () => fleet.close(),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until true or `ms` passed; returns whether it became true. */
export async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

/**
 * Crash safety, the way it happens: the simulator runs in its own process; the real CLI drives a
 * rollout and is killed with SIGKILL at (seeded) random moments, then `rollout resume` is run
 * again, until the rollout completes. The outcome is checked against the BMCs themselves and the
 * journal: every server at target, no image installed twice, every server done exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ImageStore, loadCatalog, syncCatalog } from '../../src/catalog/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import { sweepFleet } from '../../src/inventory/sweep.ts';
import { plan } from '../../src/planner/index.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const env = { ...process.env, FIRMWARDEN_LOG_LEVEL: 'warn' };
let dir: string;
let sim: ChildProcess;
let admin: string;

function run(
  args: string[],
): ChildProcess & { done: Promise<{ code: number | null; signal: string | null; out: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, out })),
  );
  return Object.assign(child, { done });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-crash-'));
  sim = spawn(
    process.execPath,
    [
      CLI,
      'simulate',
      '--count',
      '8',
      '--seed',
      '9',
      '--out',
      join(dir, 'fleet.yaml'),
      '--catalog-dir',
      join(dir, 'catalog'),
      '--admin-port',
      '0',
    ],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let text = '';
  await new Promise<void>((resolve, reject) => {
    sim.stdout?.on('data', (d) => {
      text += d;
      if (text.includes('catalog ')) resolve();
    });
    sim.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  admin = /admin (http:\/\/\S+)/.exec(text)?.[1] as string;
  const catalog = await loadCatalog(join(dir, 'catalog', 'catalog.yaml'));
  const synced = await syncCatalog({ catalog, store: await ImageStore.open(join(dir, 'state', 'images')) });
  expect(synced.ok).toBe(true);
  await writeFile(
    join(dir, 'rollout.yaml'),
    stringify({
      version: 1,
      name: 'crash',
      fleet: 'fleet.yaml',
      catalog: 'catalog/catalog.yaml',
      waves: { canary: 1, batch: 3 },
      maxUnavailable: 2,
      failureBudget: 3,
      update: { timeouts: { taskMs: 15_000, bmcRebootMs: 10_000, hostResetMs: 5_000, pollMs: 25 } },
    }),
  );
}, 60_000);

afterAll(() => {
  sim?.kill('SIGTERM');
});

/** mulberry32: the kill points are random but the same on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How many drivers have started on the rollout so far (0 before the store exists). */
async function driveStarts(state: string): Promise<number> {
  let store: SqliteStore | undefined;
  try {
    store = await SqliteStore.open(join(state, 'state.db'), { clock: { now: Date.now, sleep } });
    return (await store.journal({ rolloutId: 'crash' })).filter((e) => e.event === 'drive-start').length;
  } catch {
    return 0;
  } finally {
    await store?.close();
  }
}

describe('kill -9 during a rollout, then resume', () => {
  it('ends with every server at target, nothing installed twice, every server done once', async () => {
    const state = join(dir, 'state');
    const random = rng(42);
    let killed = 0;
    // Until the rollout exists, `start` again (a kill can land before it was created).
    let created = false;
    for (let round = 0; round < 5; round++) {
      const args = created
        ? ['rollout', 'resume', '--id', 'crash', '--state', state]
        : ['rollout', 'start', '--spec', join(dir, 'rollout.yaml'), '--id', 'crash', '--state', state];
      const drives = await driveStarts(state);
      const child = run(args);
      // Kill somewhere in the first seconds of driving, counted from when this driver started
      // (journal drive-start): a loaded machine's slow start-up must not eat the whole delay.
      let exited = false;
      const done = child.done.finally(() => {
        exited = true;
      });
      const timer = (async () => {
        while (!exited && (await driveStarts(state)) <= drives) await sleep(50);
        if (!exited) await sleep(100 + Math.floor(random() * 1500));
        if (!exited) child.kill('SIGKILL');
      })();
      const result = await done;
      await timer;
      // Created, or created by a run killed before it could say so (the id is then taken).
      if (/rollout crash created|FW_ERR_STORE_CONFLICT/.test(result.out)) created = true;
      if (result.signal === 'SIGKILL') killed++;
      else if (result.code !== 0 && !/FW_ERR_STORE_CONFLICT/.test(result.out)) {
        throw new Error(`round ${round} exited ${result.code}: ${result.out}`);
      } else if (result.code === 0) break;
    }
    if (!created) {
      const start = await run([
        'rollout',
        'start',
        '--spec',
        join(dir, 'rollout.yaml'),
        '--id',
        'crash',
        '--state',
        state,
        '--no-drive',
      ]).done;
      expect(start.out).toMatch(/created|FW_ERR_STORE_CONFLICT/);
    }
    expect(killed).toBeGreaterThan(0);
    const final = run(['rollout', 'resume', '--id', 'crash', '--state', state]);
    const result = await final.done;
    const header = result.out
      .split('\n')
      .filter((l) => /^rollout crash|below target|failed|\sno( \(|\s*$)/.test(l));
    expect(result.out, header.join('\n')).toMatch(/rollout crash \(crash\): completed/);
    expect(result.code).toBe(0);

    // Truth from the BMCs: a fresh plan of the fleet has nothing left to upgrade.
    const deps = defaultDeps({ logger: captureLogger('error').logger });
    const servers = await loadFleetFile(join(dir, 'fleet.yaml'));
    const catalog = await loadCatalog(join(dir, 'catalog', 'catalog.yaml'));
    const fresh = plan(await sweepFleet(servers, deps), catalog, {});
    expect(fresh.servers.flatMap((s) => s.decisions).filter((d) => d.decision === 'upgrade')).toEqual([]);

    // The simulator's own history: no component received an installed image twice.
    for (const s of servers) {
      const res = await request(`${admin}/sim/bmcs/${s.name}/history`);
      const { updates } = (await res.body.json()) as {
        updates: Array<{ outcome: string; targets: Array<{ uri: string }> }>;
      };
      const installed = updates
        .filter((h) => h.outcome === 'installed')
        .flatMap((h) => h.targets.map((t) => t.uri));
      expect(
        new Set(installed).size,
        `${s.name}: ${JSON.stringify(updates.map((u) => [u.outcome, (u as { method?: string }).method, (u as { applyTime?: string }).applyTime, (u as { requestedAt?: string }).requestedAt, u.targets]))}`,
      ).toBe(installed.length);
    }

    // The journal: each server reached done exactly once; the crashes show as lease take-overs.
    const store = await SqliteStore.open(join(state, 'state.db'), deps);
    try {
      const journal = await store.journal({ rolloutId: 'crash' });
      for (const s of servers) {
        expect(
          journal.filter((j) => j.server === s.name && j.event === 'step-done'),
          s.name,
        ).toHaveLength(1);
      }
      // Several drivers took part, and a dead driver's lease was taken over, not waited out.
      expect(journal.filter((j) => j.event === 'drive-start').length).toBeGreaterThanOrEqual(2);
      expect(journal.filter((j) => j.event === 'lease-taken-over').length).toBeGreaterThan(0);
      expect((await store.getRollout('crash'))?.status).toBe('completed');
    } finally {
      await store.close();
    }
  }, 240_000);
});

/**
 * Several processes on one store file, as in the field (CLI, daemon, a resumed CLI): real child
 * processes race for the same lease and the same server step, and are SIGKILLed mid-transaction.
 */

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/deps.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { startWorkers, tempDir, type Worker } from './helpers.ts';

const ROUNDS = 20;
const CHILDREN = 4;

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

function integrity(file: string): string {
  const db = new DatabaseSync(file);
  try {
    return String(db.prepare('PRAGMA integrity_check').get()?.['integrity_check']);
  } finally {
    db.close();
  }
}

describe('processes racing on one file', () => {
  let file: string;
  let workers: Worker[] = [];
  beforeAll(async () => {
    file = join(dir, 'race.db');
    // All children open (and migrate) the fresh file at the same moment.
    workers = await startWorkers(file, CHILDREN);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.end()));
  });

  it('migrates a fresh file once when several processes open it at the same time', () => {
    const db = new DatabaseSync(file);
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    db.close();
    expect(rows.map((r) => r['version'])).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it(`exactly one process wins the lease and the step CAS, every round (${ROUNDS} rounds)`, async () => {
    const store = await SqliteStore.open(file, { clock: systemClock });
    const servers = Array.from({ length: ROUNDS }, (_, i) => ({ server: `s${i}`, wave: 0, labels: {} }));
    await store.createRollout({ id: 'race', name: 'race', spec: {}, servers });

    for (let round = 0; round < ROUNDS; round++) {
      const answers = workers.map((w) => w.next<{ leaseHolder: string; moved: boolean; error?: string }>());
      workers.forEach((w, i) => {
        w.send({ op: 'race', round, holder: `child-${i}`, rolloutId: 'race' });
      });
      const results = await Promise.all(answers);
      expect(results.filter((r) => r.error)).toEqual([]);

      // Every child saw the same lease holder, and it is one of them.
      const holders = new Set(results.map((r) => r.leaseHolder));
      expect(holders.size).toBe(1);
      const leaseWinners = results.flatMap((r, i) => (r.leaseHolder === `child-${i}` ? [i] : []));
      expect(leaseWinners).toHaveLength(1);

      const stepWinners = results.flatMap((r, i) => (r.moved ? [i] : []));
      expect(stepWinners).toHaveLength(1);
      const row = (await store.rolloutServers('race')).find((s) => s.server === `s${round}`);
      expect(row).toMatchObject({ step: 'claimed', attempts: 1, detail: `child-${stepWinners[0]}` });
    }
    await store.close();
  });
});

describe('a process killed with SIGKILL', () => {
  it('mid-transaction (write lock held, pages spilled) leaves the file consistent and writable', async () => {
    const file = join(dir, 'hold.db');
    const store = await SqliteStore.open(file, { clock: systemClock, busyTimeoutMs: 50 });
    await store.createRollout({ id: 'kept', name: 'kept', spec: {}, servers: [] });
    const [worker] = (await startWorkers(file, 1)) as [Worker];
    worker.send({ op: 'hold' });
    expect(await worker.next()).toEqual({ holding: true });
    // Uncommitted pages already sit in the WAL: recovery has to skip them, not just ignore RAM.
    expect((await stat(`${file}-wal`)).size).toBeGreaterThan(1_000_000);

    // While it holds the write lock, a writer here times out with FW_ERR_STORE_BUSY...
    await expect(store.append({ actor: 'parent', event: 'blocked' })).rejects.toMatchObject({
      code: 'FW_ERR_STORE_BUSY',
    });
    // ...and readers still read the last committed state (WAL).
    expect((await store.getRollout('kept'))?.status).toBe('pending');

    await worker.kill();
    expect(await store.getRollout('doomed')).toBeUndefined();
    expect(await store.rolloutServers('doomed')).toEqual([]);
    expect((await store.getRollout('kept'))?.status).toBe('pending');
    expect(await store.append({ actor: 'parent', event: 'after' })).toBeGreaterThan(0);
    await store.close();
    expect(integrity(file)).toBe('ok');
    const reopened = await SqliteStore.open(file, { clock: systemClock });
    expect((await reopened.journal()).map((e) => e.event)).toEqual(['after']);
    await reopened.close();
  });

  it.each([15, 40, 90])(
    'while creating rollouts back to back (killed after %i ms): each exists whole or not at all',
    async (ms) => {
      const file = join(dir, `churn-${ms}.db`);
      const [worker] = (await startWorkers(file, 1)) as [Worker];
      worker.send({ op: 'churn', prefix: 'c', servers: 50 });
      expect(await worker.next()).toEqual({ churning: true });
      await delay(ms);
      await worker.kill();

      expect(integrity(file)).toBe('ok');
      const store = await SqliteStore.open(file, { clock: systemClock });
      const rollouts = await store.listRollouts();
      expect(rollouts.length).toBeGreaterThan(0);
      for (const r of rollouts) expect(await store.rolloutServers(r.id)).toHaveLength(50);
      const created = new Set((await store.journal()).map((e) => e.rolloutId));
      // A journal entry follows its rollout's commit: the last rollout may lack one, never the reverse.
      for (const id of created) expect(rollouts.map((r) => r.id)).toContain(id);
      expect(rollouts.length - created.size).toBeLessThanOrEqual(1);
      await store.close();
    },
  );
});

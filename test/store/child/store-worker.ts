/**
 * A separate firmwarden process on a shared store file, driven by the multi-process tests:
 * one JSON command per stdin line, one JSON answer per stdout line. Run with
 * `process.execPath store-worker.ts <file>` (Node strips the types).
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../../src/deps.ts';
import { openConnection } from '../../../src/store/sqlite-connection.ts';
import { SqliteStore } from '../../../src/store/sqlite-store.ts';

type Command =
  | { op: 'race'; round: number; holder: string; rolloutId: string }
  | { op: 'hold' }
  | { op: 'churn'; prefix: string; servers: number };

const file = process.argv[2] as string;
const say = (answer: unknown) => process.stdout.write(`${JSON.stringify(answer)}\n`);

async function handle(store: SqliteStore, cmd: Command): Promise<void> {
  if (cmd.op === 'race') {
    // Both contested operations start at once, as soon as the line arrives.
    const lease = await store.acquireLease(`driver-${cmd.round}`, cmd.holder, 60_000);
    const moved = await store.setServerStep(
      cmd.rolloutId,
      `s${cmd.round}`,
      ['pending'],
      'claimed',
      cmd.holder,
      {
        countAttempt: true,
      },
    );
    say({ round: cmd.round, leaseHolder: lease.holder, moved });
  } else if (cmd.op === 'hold') {
    // A transaction that never commits: the parent kills us while we hold the write lock with
    // pages already spilled to the WAL (tiny cache, many rows).
    const db = openConnection(file, 5_000);
    db.exec('PRAGMA cache_size = 8');
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO rollouts VALUES ('doomed', 'doomed', 'pending', '{}', NULL, 'x', 'x')").run();
    const insert = db.prepare(
      "INSERT INTO rollout_servers VALUES ('doomed', ?, 0, 'pending', 0, NULL, '{}', 'x', NULL)",
    );
    for (let i = 0; i < 20_000; i++) insert.run(`doomed-${i}-${'x'.repeat(40)}`);
    db.prepare("UPDATE rollouts SET status = 'running' WHERE id = 'kept'").run();
    say({ holding: true });
    setInterval(() => {}, 1_000);
  } else if (cmd.op === 'churn') {
    // Rollouts created back to back until killed: each must exist whole or not at all. The
    // first is committed before we answer, so the parent always finds at least one.
    for (let i = 0; ; i++) {
      const servers = Array.from({ length: cmd.servers }, (_, n) => ({
        server: `n${n}`,
        wave: n % 3,
        labels: {},
      }));
      await store.createRollout({ id: `${cmd.prefix}-${i}`, name: 'churn', spec: { i }, servers });
      await store.append({ actor: 'churn', rolloutId: `${cmd.prefix}-${i}`, event: 'created' });
      if (i === 0) say({ churning: true });
    }
  }
}

const store = await SqliteStore.open(file, { clock: systemClock });
say({ ready: true, pid: process.pid });
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  try {
    await handle(store, JSON.parse(line) as Command);
  } catch (err) {
    say({ error: (err as { code?: string }).code ?? String(err), message: String(err) });
  }
}
await store.close();

/**
 * Work sharing on SQLite: claims, holder hand-overs and instance heartbeats. A claim reads every
 * server of the rollout and moves the picked ones under one `BEGIN IMMEDIATE`, so two processes
 * on one file can never both count the same free slot (the write lock serializes them).
 */
import { pickClaims } from './claim-pick.ts';
import { immediate } from './sqlite-connection.ts';
import type { SqliteContext } from './sqlite-context.ts';
import { instanceFromRow, rolloutServerFromRow, toJson } from './sqlite-rows.ts';
import { StoreErrorCode } from './store-errors.ts';
import type { ClaimLimits, InstanceRecord, RolloutServerRecord } from './types.ts';

/** How long an expired instance row is kept for status views before a heartbeat prunes it. */
export const INSTANCE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Refuses limits that are not counts (a caller's bug would otherwise claim nothing, silently). */
export function checkLimits(fail: (message: string) => Error, limits: ClaimLimits): void {
  const counts: Array<[string, number | undefined]> = [
    ['limit', limits.limit],
    ['maxUnavailable', limits.maxUnavailable],
    ['failureBudget', limits.failureBudget],
    ...Object.entries(limits.perLabel ?? {}).map(([k, v]): [string, number] => [`perLabel.${k}`, v]),
  ];
  for (const [what, n] of counts) {
    if (n !== undefined && !(Number.isInteger(n) && n >= 0)) throw fail(`claim ${what} ${n} is not a count`);
  }
}

export function claim(
  c: SqliteContext,
  rolloutId: string,
  holder: string,
  limits: ClaimLimits,
): RolloutServerRecord[] {
  checkLimits((m) => c.error(StoreErrorCode.input, m), limits);
  return c.run(`claim servers of rollout "${rolloutId}" for "${holder}"`, () =>
    immediate(c.db, () => {
      const status = c.sql('SELECT status FROM rollouts WHERE id = ?').get(rolloutId)?.['status'];
      if (status !== 'running') return [];
      const servers = c
        .sql('SELECT * FROM rollout_servers WHERE rollout_id = ?')
        .all(rolloutId)
        .map((r) => rolloutServerFromRow(c.file, r));
      const picked = pickClaims(servers, limits);
      const move = c.sql(
        `UPDATE rollout_servers SET step = 'claimed', attempts = attempts + 1, holder = :holder, updated_at = :now
         WHERE rollout_id = :id AND server = :server AND step = 'pending' RETURNING *`,
      );
      const now = c.now();
      return picked.flatMap((server) => {
        const row = move.get({ id: rolloutId, server, holder, now });
        return row ? [rolloutServerFromRow(c.file, row)] : [];
      });
    }),
  );
}

export function handOver(
  c: SqliteContext,
  rolloutId: string,
  server: string,
  from: string | null,
  to: string,
): boolean {
  return c.run(`hand "${server}" of rollout "${rolloutId}" to "${to}"`, () => {
    const { changes } = c
      .sql(
        `UPDATE rollout_servers SET holder = :to, updated_at = :now
         WHERE rollout_id = :id AND server = :server AND holder IS :from`,
      )
      .run({ id: rolloutId, server, from, to, now: c.now() });
    return Number(changes) === 1;
  });
}

export function beat(
  c: SqliteContext,
  instance: { id: string; name: string; labels: Record<string, string | string[]> },
  ttlMs: number,
): InstanceRecord {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw c.error(StoreErrorCode.input, `instance "${instance.id}": ttl ${ttlMs} ms is not positive`);
  }
  const labels = toJson(c.file, `labels of instance "${instance.id}"`, instance.labels ?? {});
  return c.run(`heartbeat of instance "${instance.id}"`, () =>
    immediate(c.db, () => {
      const now = c.clock.now();
      const at = new Date(now).toISOString();
      c.sql('DELETE FROM instances WHERE expires_ms < ?').run(now - INSTANCE_RETENTION_MS);
      const row = c
        .sql(
          `INSERT INTO instances (id, name, labels, started_at, seen_at, expires_ms)
           VALUES (:id, :name, :labels, :at, :at, :expires)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, labels = excluded.labels,
             seen_at = excluded.seen_at, expires_ms = excluded.expires_ms
           RETURNING *`,
        )
        .get({ id: instance.id, name: instance.name, labels, at, expires: Math.ceil(now + ttlMs) });
      return instanceFromRow(c.file, row as Record<string, unknown>);
    }),
  );
}

export function selectInstances(c: SqliteContext): InstanceRecord[] {
  return c.run('list instances', () =>
    c
      .sql('SELECT * FROM instances ORDER BY name, id')
      .all()
      .map((r) => instanceFromRow(c.file, r)),
  );
}

export function dropInstance(c: SqliteContext, id: string): void {
  c.run(`remove instance "${id}"`, () => {
    c.sql('DELETE FROM instances WHERE id = ?').run(id);
  });
}

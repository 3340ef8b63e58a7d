/**
 * Work sharing on PostgreSQL. A claim locks the rollout's row first (FOR NO KEY UPDATE: claimers
 * of one rollout take turns, while foreign-key checks and readers go on), so each claimer counts
 * the servers in flight after the previous claimer committed: the limits hold over every
 * instance. The pending rows themselves are taken FOR UPDATE SKIP LOCKED: a row another
 * transaction is moving right now is passed over rather than waited for.
 */
import { pickClaims } from './claim-pick.ts';
import type { PgContext } from './postgres-context.ts';
import { checkLimits, INSTANCE_RETENTION_MS } from './sqlite-cluster.ts';
import { instanceFromRow, rolloutServerFromRow, toJson } from './sqlite-rows.ts';
import { StoreErrorCode } from './store-errors.ts';
import type { ClaimLimits, InstanceRecord, RolloutServerRecord, ServerStep } from './types.ts';

export async function pgClaim(
  c: PgContext,
  rolloutId: string,
  holder: string,
  limits: ClaimLimits,
): Promise<RolloutServerRecord[]> {
  checkLimits((m) => c.error(StoreErrorCode.input, m), limits);
  return c.tx(`claim servers of rollout "${rolloutId}" for "${holder}"`, async (db) => {
    const rollout = await db.query('SELECT status FROM rollouts WHERE id = $1 FOR NO KEY UPDATE', [
      rolloutId,
    ]);
    if (rollout.rows[0]?.status !== 'running') return [];
    const all = (await db.query('SELECT * FROM rollout_servers WHERE rollout_id = $1', [rolloutId])).rows.map(
      (r) => rolloutServerFromRow(c.source, r),
    );
    const lockable = new Set(
      (
        await db.query(
          `SELECT server FROM rollout_servers WHERE rollout_id = $1 AND step = 'pending'
           ORDER BY wave, server FOR UPDATE SKIP LOCKED`,
          [rolloutId],
        )
      ).rows.map((r) => r.server as string),
    );
    // A pending row locked elsewhere is neither a candidate nor in flight, but keeps its wave open.
    const view = all.map((s) =>
      s.step === 'pending' && !lockable.has(s.server) ? { ...s, step: 'busy' as ServerStep } : s,
    );
    const picked = pickClaims(view, limits);
    if (picked.length === 0) return [];
    const res = await db.query(
      `UPDATE rollout_servers SET step = 'claimed', attempts = attempts + 1, holder = $2, updated_at = $3
       WHERE rollout_id = $1 AND server = ANY($4::text[]) AND step = 'pending' RETURNING *`,
      [rolloutId, holder, c.now(), picked],
    );
    const order = new Map(picked.map((s, i) => [s, i]));
    return res.rows
      .map((r) => rolloutServerFromRow(c.source, r))
      .sort((a, b) => (order.get(a.server) ?? 0) - (order.get(b.server) ?? 0));
  });
}

export async function pgHandOver(
  c: PgContext,
  rolloutId: string,
  server: string,
  from: string | null,
  to: string,
): Promise<boolean> {
  return c.run(`hand "${server}" of rollout "${rolloutId}" to "${to}"`, async () => {
    const res = await c.query(
      `UPDATE rollout_servers SET holder = $4, updated_at = $5
       WHERE rollout_id = $1 AND server = $2 AND holder IS NOT DISTINCT FROM $3`,
      [rolloutId, server, from, to, c.now()],
    );
    return res.rowCount === 1;
  });
}

export async function pgBeat(
  c: PgContext,
  instance: { id: string; name: string; labels: Record<string, string | string[]> },
  ttlMs: number,
): Promise<InstanceRecord> {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw c.error(StoreErrorCode.input, `instance "${instance.id}": ttl ${ttlMs} ms is not positive`);
  }
  const labels = toJson(c.source, `labels of instance "${instance.id}"`, instance.labels ?? {});
  return c.run(`heartbeat of instance "${instance.id}"`, async () => {
    const now = c.clock.now();
    const at = new Date(now).toISOString();
    await c.query('DELETE FROM instances WHERE expires_ms < $1', [now - INSTANCE_RETENTION_MS]);
    const res = await c.query(
      `INSERT INTO instances (id, name, labels, started_at, seen_at, expires_ms)
       VALUES ($1, $2, $3, $4, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, labels = excluded.labels,
         seen_at = excluded.seen_at, expires_ms = excluded.expires_ms
       RETURNING *`,
      [instance.id, instance.name, labels, at, Math.ceil(now + ttlMs)],
    );
    return instanceFromRow(c.source, res.rows[0]);
  });
}

export async function pgSelectInstances(c: PgContext): Promise<InstanceRecord[]> {
  return c.run('list instances', async () =>
    (await c.query('SELECT * FROM instances ORDER BY name, id')).rows.map((r) =>
      instanceFromRow(c.source, r),
    ),
  );
}

export async function pgDropInstance(c: PgContext, id: string): Promise<void> {
  await c.run(`remove instance "${id}"`, () => c.query('DELETE FROM instances WHERE id = $1', [id]));
}

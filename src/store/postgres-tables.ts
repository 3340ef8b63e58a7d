/**
 * The PostgreSQL store's rollouts, acting versions, journal, snapshots, leases and cursors: the
 * same rules as the SQLite modules (see each there), in PostgreSQL's dialect. Compare-and-set
 * moves are one UPDATE with `= ANY(expected)` in the WHERE clause. Journal appends take a
 * transaction-scoped advisory lock, so sequence numbers commit in order: a reader paging with
 * `afterSeq` (an event dispatcher's cursor) can never skip an entry that committed late.
 */
import type { FleetInventory, ServerInventory } from '../inventory/model.ts';
import type { PgContext } from './postgres-context.ts';
import {
  actingVersionFromRow,
  inventoryFromRow,
  journalFromRow,
  leaseFromRow,
  rolloutFromRow,
  rolloutServerFromRow,
  toJson,
} from './sqlite-rows.ts';
import { StoreErrorCode } from './store-errors.ts';
import {
  type ActingVersionRecord,
  type JournalAppend,
  type JournalRecord,
  type Lease,
  type RolloutRecord,
  type RolloutServerRecord,
  RolloutStatus,
  ServerStep,
  type Store,
} from './types.ts';

type NewRollout = Parameters<Store['createRollout']>[0];
type JournalFilter = NonNullable<Parameters<Store['journal']>[0]>;
const STATUSES = new Set<string>(Object.values(RolloutStatus));
const STEPS = new Set<string>(Object.values(ServerStep));

export async function pgInsertRollout(c: PgContext, r: NewRollout): Promise<RolloutRecord> {
  const spec = toJson(c.source, `rollout "${r.id}" spec`, r.spec ?? null);
  const seen = new Set<string>();
  const servers = r.servers.map((s) => {
    if (seen.has(s.server))
      throw c.error(StoreErrorCode.input, `rollout "${r.id}": server "${s.server}" listed twice`);
    seen.add(s.server);
    return { ...s, labels: toJson(c.source, `labels of "${s.server}"`, s.labels ?? {}) };
  });
  return c.tx(`create rollout "${r.id}"`, async (db) => {
    const now = c.now();
    const created = await db.query(
      `INSERT INTO rollouts (id, name, status, spec, created_at, updated_at)
       VALUES ($1, $2, 'pending', $3, $4, $4) ON CONFLICT (id) DO NOTHING RETURNING *`,
      [r.id, r.name ?? null, spec, now],
    );
    if (created.rowCount !== 1) throw c.error(StoreErrorCode.conflict, `rollout "${r.id}" exists already`);
    // One statement for every server: thousands of rows, one round trip.
    await db.query(
      `INSERT INTO rollout_servers (rollout_id, server, wave, step, attempts, labels, updated_at)
       SELECT $1, s.server, s.wave, 'pending', 0, s.labels, $2
       FROM unnest($3::text[], $4::integer[], $5::text[]) AS s(server, wave, labels)`,
      [r.id, now, servers.map((s) => s.server), servers.map((s) => s.wave), servers.map((s) => s.labels)],
    );
    return rolloutFromRow(c.source, created.rows[0]);
  });
}

export async function pgSelectRollout(c: PgContext, id: string): Promise<RolloutRecord | undefined> {
  return c.run(`read rollout "${id}"`, async () => {
    const row = (await c.query('SELECT * FROM rollouts WHERE id = $1', [id])).rows[0];
    return row ? rolloutFromRow(c.source, row) : undefined;
  });
}

export async function pgSelectRollouts(c: PgContext): Promise<RolloutRecord[]> {
  return c.run('list rollouts', async () =>
    (await c.query('SELECT * FROM rollouts ORDER BY created_at, id')).rows.map((r) =>
      rolloutFromRow(c.source, r),
    ),
  );
}

export async function pgCasRolloutStatus(
  c: PgContext,
  id: string,
  from: RolloutStatus[],
  to: RolloutStatus,
  note: string | undefined,
): Promise<boolean> {
  checkStates(c, 'rollout status', STATUSES, from, to);
  return c.run(`set rollout "${id}" status`, async () => {
    const res = await c.query(
      `UPDATE rollouts SET status = $2, note = $3, updated_at = $4 WHERE id = $1 AND status = ANY($5::text[])`,
      [id, to, note ?? null, c.now(), from],
    );
    return res.rowCount === 1;
  });
}

export async function pgSelectRolloutServers(c: PgContext, id: string): Promise<RolloutServerRecord[]> {
  return c.run(`read servers of rollout "${id}"`, async () =>
    (
      await c.query('SELECT * FROM rollout_servers WHERE rollout_id = $1 ORDER BY wave, server', [id])
    ).rows.map((r) => rolloutServerFromRow(c.source, r)),
  );
}

export async function pgCasServerStep(
  c: PgContext,
  move: {
    id: string;
    server: string;
    from: ServerStep[];
    to: ServerStep;
    detail: unknown;
    countAttempt: boolean;
  },
): Promise<boolean> {
  const { id, server, from, to, detail } = move;
  checkStates(c, 'server step', STEPS, from, to);
  const keep = detail === undefined;
  const json = keep || detail === null ? null : toJson(c.source, `detail of "${server}"`, detail);
  return c.run(`set step of "${server}" in rollout "${id}"`, async () => {
    const res = await c.query(
      `UPDATE rollout_servers
       SET step = $3, attempts = attempts + $4, updated_at = $5,
           detail = CASE WHEN $6::boolean THEN detail ELSE $7 END
       WHERE rollout_id = $1 AND server = $2 AND step = ANY($8::text[])`,
      [id, server, to, move.countAttempt ? 1 : 0, c.now(), keep, json, from],
    );
    return res.rowCount === 1;
  });
}

export async function pgInsertActingVersions(c: PgContext, records: ActingVersionRecord[]): Promise<void> {
  if (records.length === 0) return;
  const col = <K extends keyof ActingVersionRecord>(k: K) => records.map((a) => a[k] ?? null);
  await c.run('record acting versions', async () => {
    await c.query(
      `INSERT INTO acting_versions (rollout_id, line, kind, lowest, highest, target, converged, at, name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::boolean[], $8::text[], $9::text[])`,
      [
        col('rolloutId'),
        col('line'),
        col('kind'),
        col('lowest'),
        col('highest'),
        col('target'),
        records.map((a) => a.converged),
        col('at'),
        col('name'),
      ],
    );
  });
}

/** The last recorded row per line: insertion order, not `at` (the clocks of processes differ). */
export async function pgSelectActingVersions(
  c: PgContext,
  rolloutId: string,
): Promise<ActingVersionRecord[]> {
  return c.run(`read acting versions of rollout "${rolloutId}"`, async () =>
    (
      await c.query(
        'SELECT DISTINCT ON (line) * FROM acting_versions WHERE rollout_id = $1 ORDER BY line, id DESC',
        [rolloutId],
      )
    ).rows.map(actingVersionFromRow),
  );
}

export async function pgAppendJournal(c: PgContext, entry: JournalAppend): Promise<number> {
  const data = entry.data === undefined ? null : toJson(c.source, 'journal data', entry.data);
  return c.tx('append to the journal', async (db) => {
    await db.query("SELECT pg_advisory_xact_lock(hashtext('firmwarden:journal'), hashtext($1))", [c.schema]);
    const res = await db.query(
      `INSERT INTO journal (at, actor, rollout_id, server, event, data)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
      [
        c.now(),
        entry.actor ?? null,
        entry.rolloutId ?? null,
        entry.server ?? null,
        entry.event ?? null,
        data,
      ],
    );
    return Number(res.rows[0].seq);
  });
}

export async function pgReadJournal(c: PgContext, filter: JournalFilter): Promise<JournalRecord[]> {
  if (filter.limit !== undefined && !(Number.isInteger(filter.limit) && filter.limit >= 0)) {
    throw c.error(StoreErrorCode.input, `journal limit ${filter.limit} is not a count`);
  }
  const where = ['seq > $1'];
  const values: unknown[] = [filter.afterSeq ?? 0, filter.limit ?? null];
  if (filter.rolloutId !== undefined) {
    values.push(filter.rolloutId);
    where.push(`rollout_id = $${values.length}`);
  }
  if (filter.server !== undefined) {
    values.push(filter.server);
    where.push(`server = $${values.length}`);
  }
  return c.run('read the journal', async () =>
    (
      await c.query(`SELECT * FROM journal WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $2`, values)
    ).rows.map((r) => journalFromRow(c.source, r)),
  );
}

export async function pgSaveSnapshot(c: PgContext, inv: ServerInventory): Promise<void> {
  const scannedMs = Date.parse(inv.scannedAt);
  if (Number.isNaN(scannedMs)) {
    throw c.error(
      StoreErrorCode.input,
      `inventory of "${inv.server}": scannedAt "${inv.scannedAt}" is not a time`,
    );
  }
  const json = toJson(c.source, `inventory of "${inv.server}"`, inv);
  await c.run(`save inventory of "${inv.server}"`, () =>
    c.query(
      `INSERT INTO inventory_snapshots (server, scanned_at, scanned_ms, failed, inventory)
       VALUES ($1, $2, $3, $4, $5)`,
      [inv.server ?? null, inv.scannedAt, scannedMs, Boolean(inv.error), json],
    ),
  );
}

export async function pgLatestSnapshots(
  c: PgContext,
  servers: string[] | undefined,
): Promise<FleetInventory> {
  const found = await c.run('read the latest inventory', async () => {
    const res = servers
      ? await c.query(
          `SELECT s.* FROM unnest($1::text[]) WITH ORDINALITY AS names(server, ord)
           JOIN LATERAL (SELECT * FROM inventory_snapshots t WHERE t.server = names.server
                         ORDER BY t.scanned_ms DESC, t.id DESC LIMIT 1) s ON true
           ORDER BY names.ord`,
          [servers],
        )
      : await c.query(
          'SELECT DISTINCT ON (server) * FROM inventory_snapshots ORDER BY server, scanned_ms DESC, id DESC',
        );
    return res.rows.map((r) => ({ ms: Number(r.scanned_ms), inv: inventoryFromRow(c.source, r) }));
  });
  let newest: (typeof found)[number] | undefined;
  for (const f of found) if (!newest || f.ms > newest.ms) newest = f;
  return {
    scannedAt: newest?.inv.scannedAt ?? c.now(),
    servers: found.map((f) => f.inv),
    failed: found.filter((f) => f.inv.error).length,
  };
}

/**
 * Expiry on the injected clock of the process taking the lease, as on SQLite (see
 * postgres-store.ts for why, and what clock skew between instances means for it).
 */
export async function pgTakeLease(c: PgContext, name: string, holder: string, ttlMs: number): Promise<Lease> {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw c.error(StoreErrorCode.input, `lease "${name}": ttl ${ttlMs} ms is not positive`);
  }
  return c.run(`acquire lease "${name}"`, async () => {
    // A release between our refused upsert and the read finds no row: try again.
    for (let attempt = 0; ; attempt++) {
      const now = c.clock.now();
      const taken = await c.query(
        `INSERT INTO leases (name, holder, expires_ms) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms
           WHERE leases.holder = excluded.holder OR leases.expires_ms <= $4
         RETURNING *`,
        [name, holder, Math.ceil(now + ttlMs), now],
      );
      const row = taken.rows[0] ?? (await c.query('SELECT * FROM leases WHERE name = $1', [name])).rows[0];
      if (row) return leaseFromRow(row);
      if (attempt >= 5) throw c.error(StoreErrorCode.busy, `lease "${name}" keeps changing hands`);
    }
  });
}

export async function pgDropLease(c: PgContext, name: string, holder: string): Promise<void> {
  await c.run(`release lease "${name}"`, () =>
    c.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]),
  );
}

export async function pgSelectLeases(c: PgContext, prefix: string): Promise<Lease[]> {
  return c.run('list leases', async () =>
    (
      await c.query('SELECT * FROM leases WHERE left(name, length($1)) = $1 ORDER BY name', [prefix])
    ).rows.map((r) => leaseFromRow(r)),
  );
}

export async function pgReadCursor(c: PgContext, name: string): Promise<number> {
  return c.run(`read cursor "${name}"`, async () => {
    const row = (await c.query('SELECT seq FROM cursors WHERE name = $1', [name])).rows[0];
    return row ? Number(row.seq) : 0;
  });
}

/** One upsert that only ever moves forward, so two dispatchers cannot move a cursor back. */
export async function pgMoveCursor(c: PgContext, name: string, seq: number): Promise<number> {
  if (!(Number.isSafeInteger(seq) && seq >= 0)) {
    throw c.error(StoreErrorCode.input, `cursor "${name}": seq ${seq} is not a non-negative integer`);
  }
  return c.run(`advance cursor "${name}"`, async () => {
    const row = (
      await c.query(
        `INSERT INTO cursors (name, seq, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
           WHERE excluded.seq > cursors.seq
         RETURNING seq`,
        [name, seq, c.now()],
      )
    ).rows[0];
    return row ? Number(row.seq) : pgReadCursor(c, name);
  });
}

/** An unknown state is a caller's bug: say so, rather than let a CAS quietly never match. */
function checkStates(c: PgContext, what: string, known: Set<string>, from: string[], to: string): void {
  const unknown = [...from, to].find((s) => !known.has(s));
  if (unknown !== undefined) throw c.error(StoreErrorCode.input, `unknown ${what} "${unknown}"`);
}

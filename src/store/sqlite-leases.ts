/**
 * Leases: exclusive ownership of a name until `expires_ms` (epoch milliseconds from the
 * injected clock of the process that took it). Taking one is a single upsert under
 * `BEGIN IMMEDIATE`, so two processes can never both come away holding it. Cursors (named
 * journal positions) live here too: both are small coordination rows.
 */
import { immediate } from './sqlite-connection.ts';
import type { SqliteContext } from './sqlite-context.ts';
import { leaseFromRow } from './sqlite-rows.ts';
import { StoreErrorCode } from './store-errors.ts';
import type { Lease } from './types.ts';

export function takeLease(c: SqliteContext, name: string, holder: string, ttlMs: number): Lease {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw c.error(StoreErrorCode.input, `lease "${name}": ttl ${ttlMs} ms is not positive`);
  }
  return c.run(`acquire lease "${name}"`, () =>
    immediate(c.db, () => {
      // Read the clock under the write lock: a wait for the lock must not age `now`.
      const now = c.clock.now();
      const taken = c
        .sql(
          `INSERT INTO leases (name, holder, expires_ms) VALUES (:name, :holder, :expires)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms
             WHERE leases.holder = excluded.holder OR leases.expires_ms <= :now
           RETURNING *`,
        )
        .get({ name, holder, expires: Math.ceil(now + ttlMs), now });
      // Refused: the row is someone else's live lease (it exists: we hold the write lock).
      return leaseFromRow(
        taken ?? (c.sql('SELECT * FROM leases WHERE name = ?').get(name) as Record<string, unknown>),
      );
    }),
  );
}

export function dropLease(c: SqliteContext, name: string, holder: string): void {
  c.run(`release lease "${name}"`, () => {
    c.sql('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  });
}

export function readCursor(c: SqliteContext, name: string): number {
  return c.run(`read cursor "${name}"`, () => {
    const row = c.sql('SELECT seq FROM cursors WHERE name = ?').get(name);
    return row ? Number(row['seq']) : 0;
  });
}

/** One upsert that only ever moves forward, so two dispatchers cannot move a cursor back. */
export function moveCursor(c: SqliteContext, name: string, seq: number): number {
  if (!(Number.isSafeInteger(seq) && seq >= 0)) {
    throw c.error(StoreErrorCode.input, `cursor "${name}": seq ${seq} is not a non-negative integer`);
  }
  return c.run(`advance cursor "${name}"`, () => {
    const row = c
      .sql(
        `INSERT INTO cursors (name, seq, updated_at) VALUES (:name, :seq, :at)
         ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
           WHERE excluded.seq > cursors.seq
         RETURNING seq`,
      )
      .get({ name, seq, at: new Date(c.clock.now()).toISOString() });
    if (row) return Number(row['seq']);
    return readCursor(c, name);
  });
}

export function selectLeases(c: SqliteContext, prefix: string): Lease[] {
  return c.run('list leases', () =>
    c
      .sql('SELECT * FROM leases WHERE substr(name, 1, length(:prefix)) = :prefix ORDER BY name')
      .all({ prefix })
      .map((r) => leaseFromRow(r)),
  );
}

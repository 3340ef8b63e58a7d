/**
 * Leases: exclusive ownership of a name until `expires_ms` (epoch milliseconds from the
 * injected clock of the process that took it). Taking one is a single upsert under
 * `BEGIN IMMEDIATE`, so two processes can never both come away holding it.
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

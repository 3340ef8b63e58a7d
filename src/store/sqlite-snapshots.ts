/**
 * Inventory snapshots: one row per scan of one server, failed scans included. "Newest" is by
 * `scannedAt` (parsed to milliseconds for ordering), ties broken by the later save, so a slow
 * sweep saving an older read late does not hide a fresher one.
 */
import type { FleetInventory, ServerInventory } from '../inventory/model.ts';
import type { SqliteContext } from './sqlite-context.ts';
import { inventoryFromRow, toJson } from './sqlite-rows.ts';
import { StoreErrorCode } from './store-errors.ts';

export function saveSnapshot(c: SqliteContext, inv: ServerInventory): void {
  const scannedMs = Date.parse(inv.scannedAt);
  if (Number.isNaN(scannedMs)) {
    throw c.error(
      StoreErrorCode.input,
      `inventory of "${inv.server}": scannedAt "${inv.scannedAt}" is not a time`,
    );
  }
  const json = toJson(c.file, `inventory of "${inv.server}"`, inv);
  c.run(`save inventory of "${inv.server}"`, () => {
    c.sql(
      `INSERT INTO inventory_snapshots (server, scanned_at, scanned_ms, failed, inventory)
       VALUES (:server, :scannedAt, :scannedMs, :failed, :json)`,
    ).run({
      server: inv.server ?? null,
      scannedAt: inv.scannedAt,
      scannedMs,
      failed: inv.error ? 1 : 0,
      json,
    });
  });
}

export function latestSnapshots(c: SqliteContext, servers: string[] | undefined): FleetInventory {
  const names = servers
    ? 'SELECT value AS server, key AS ord FROM json_each(:servers)'
    : 'SELECT DISTINCT server, server AS ord FROM inventory_snapshots';
  const found = c.run('read the latest inventory', () =>
    c
      .sql(
        `WITH names AS (${names})
         SELECT s.* FROM names JOIN inventory_snapshots s ON s.id = (
           SELECT t.id FROM inventory_snapshots t WHERE t.server = names.server
           ORDER BY t.scanned_ms DESC, t.id DESC LIMIT 1)
         ORDER BY names.ord`,
      )
      .all(servers ? { servers: JSON.stringify(servers) } : {})
      .map((r) => ({ ms: Number(r['scanned_ms']), inv: inventoryFromRow(c.file, r) })),
  );
  let newest: (typeof found)[number] | undefined;
  for (const f of found) if (!newest || f.ms > newest.ms) newest = f;
  return {
    scannedAt: newest?.inv.scannedAt ?? c.now(),
    servers: found.map((f) => f.inv),
    failed: found.filter((f) => f.inv.error).length,
  };
}

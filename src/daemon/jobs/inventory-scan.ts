/**
 * inventory-scan: sweep the fleet, save every server's snapshot in the store as soon as it is
 * read (failed reads too: the store keeps them, and "newest" still finds the last good one), and
 * report a summary. Partial when some servers could not be read, failed when none could.
 */
import { loadFleetFile } from '../../fleet/load.ts';
import type { ServerInventory } from '../../inventory/model.ts';
import { sweepFleet } from '../../inventory/sweep.ts';
import type { JobContext, JobReport } from '../job-context.ts';

/** Failed servers listed in the journal entry; the count is always complete. */
const LISTED = 50;

export async function inventoryScan(ctx: JobContext): Promise<JobReport> {
  const fleetFile = ctx.config.fleet as string;
  const servers = await loadFleetFile(fleetFile);
  const saves: Promise<void>[] = [];
  const inventory = await sweepFleet(servers, ctx.deps, {
    signal: ctx.signal,
    onServer: (inv: ServerInventory) => {
      saves.push(ctx.store.saveInventory(inv));
    },
  });
  await Promise.all(saves);
  const read = inventory.servers.length - inventory.failed;
  const failures = inventory.servers.filter((s) => s.error);
  const components = inventory.servers.reduce((n, s) => n + s.components.length, 0);
  const summary =
    `${read} of ${servers.length} servers read, ${components} components` +
    (inventory.failed ? `; ${inventory.failed} failed` : '') +
    (inventory.servers.length < servers.length
      ? `; ${servers.length - inventory.servers.length} not reached before the run stopped`
      : '');
  return {
    outcome: servers.length > 0 && read === 0 ? 'failed' : failures.length > 0 ? 'partial' : 'ok',
    summary,
    data: {
      fleet: fleetFile,
      servers: servers.length,
      read,
      failed: inventory.failed,
      components,
      scannedAt: inventory.scannedAt,
      ...(failures.length
        ? {
            failures: failures
              .slice(0, LISTED)
              .map((s) => ({ server: s.server, code: s.error?.code, message: s.error?.message })),
          }
        : {}),
    },
  };
}

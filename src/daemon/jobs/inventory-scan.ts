/**
 * inventory-scan: sweep the fleet, save every server's snapshot in the store as soon as it is
 * read (failed reads too: the store keeps them, and "newest" still finds the last good one), and
 * report a summary. Partial when some servers could not be read, failed when none could. A
 * LastResetTime (host or BMC) that moved since the previous snapshot is journaled as
 * `reset-observed`: the daemon checks the backup copies and image integrity after it.
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
  const before = new Map(
    (await ctx.store.latestInventory(servers.map((s) => s.name))).servers.map((inv) => [inv.server, inv]),
  );
  const saves: Promise<unknown>[] = [];
  const resets: ObservedReset[] = [];
  const inventory = await sweepFleet(servers, ctx.deps, {
    signal: ctx.signal,
    resets: true,
    onServer: (inv: ServerInventory) => {
      saves.push(ctx.store.saveInventory(inv));
      for (const reset of observedResets(before.get(inv.server), inv)) {
        resets.push(reset);
        saves.push(
          ctx.store.append({ actor: ctx.actor, server: inv.server, event: 'reset-observed', data: reset }),
        );
      }
    },
  });
  await Promise.all(saves);
  const read = inventory.servers.length - inventory.failed;
  const failures = inventory.servers.filter((s) => s.error);
  const components = inventory.servers.reduce((n, s) => n + s.components.length, 0);
  const summary =
    `${read} of ${servers.length} servers read, ${components} components` +
    (inventory.failed ? `; ${inventory.failed} failed` : '') +
    (resets.length ? `; ${resets.length} resets observed` : '') +
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
      ...(resets.length ? { resets: resets.slice(0, LISTED) } : {}),
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

export interface ObservedReset {
  server: string;
  /** "system" = the host, "bmc" = the Manager. */
  which: 'system' | 'bmc';
  from: string;
  to: string;
}

/**
 * Resets between two snapshots of one server: a LastResetTime that moved. A first sighting is not
 * a reset. When the previous scan failed (a rebooting BMC does not answer) there is nothing to
 * compare with: a LastResetTime after that failed scan is a reset that ended since.
 */
export function observedResets(previous: ServerInventory | undefined, now: ServerInventory): ObservedReset[] {
  const out: ObservedReset[] = [];
  for (const which of ['system', 'bmc'] as const) {
    const to = now.lastReset?.[which];
    if (to === undefined || previous === undefined) continue;
    const from = previous.lastReset?.[which];
    if (from !== undefined) {
      if (from !== to) out.push({ server: now.server, which, from, to });
    } else if (previous.error && Date.parse(to) > Date.parse(previous.scannedAt)) {
      out.push({ server: now.server, which, from: `unknown (the scan at ${previous.scannedAt} failed)`, to });
    }
  }
  return out;
}

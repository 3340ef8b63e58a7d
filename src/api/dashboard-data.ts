/**
 * The data behind the dashboard page (GET /api/v1/dashboard): the store's newest snapshots
 * planned against the configured catalog, the newest rollouts, and the corrupt images the last
 * backup checks journalled, folded by the dashboard's own pure builder (src/dashboard, shape in
 * src/dashboard/CONTRACT.md). What cannot be computed (no catalog configured, an unreadable fleet
 * file) goes under `problems` instead of failing the whole view.
 */
import {
  buildDashboardData,
  type CorruptionInput,
  type DashboardData,
  type RolloutInput,
} from '../dashboard/index.ts';
import { FirmwardenError } from '../errors.ts';
import type { FleetInventory } from '../inventory/model.ts';
import type { Plan } from '../planner/index.ts';
import { API_DEFAULTS } from './api-config.ts';
import type { ApiContext } from './context.ts';
import { currentPlan, latestFleetInventory } from './fleet-view.ts';

interface Problem {
  code: string;
  message: string;
}

function problemOf(err: unknown): Problem {
  return err instanceof FirmwardenError
    ? { code: err.code, message: err.message }
    : { code: 'FW_API_INTERNAL', message: 'unexpected error; see the server log' };
}

/** The dashboard's data as it is now. */
export async function dashboardView(ctx: ApiContext): Promise<DashboardData> {
  const at = new Date(ctx.deps.clock.now()).toISOString();
  const problems: Problem[] = [];
  let inventory: FleetInventory = { scannedAt: at, servers: [], failed: 0 };
  let notScanned: Array<{ name: string; labels: Record<string, string> }> = [];
  let plan: Plan | undefined;
  try {
    const fleet = await latestFleetInventory(ctx);
    inventory = fleet.inventory;
    const missing = new Set(fleet.notScanned);
    notScanned = fleet.servers
      .filter((s) => missing.has(s.name))
      .map((s) => ({ name: s.name, labels: s.labels }));
    if (inventory.servers.length > 0) plan = (await currentPlan(ctx, fleet)).plan;
  } catch (err) {
    problems.push(problemOf(err));
  }
  // Unfinished rollouts first, then the newest: the builder keeps a few, the rest are not read.
  const records = (await ctx.store.listRollouts())
    .sort(
      (a, b) =>
        Number(finished(a.status)) - Number(finished(b.status)) || b.updatedAt.localeCompare(a.updatedAt),
    )
    .slice(0, API_DEFAULTS.dashboardRollouts);
  const rollouts: RolloutInput[] = await Promise.all(
    records.map(async (rollout) => ({
      rollout,
      servers: await ctx.store.rolloutServers(rollout.id),
      acting: await ctx.store.actingVersions(rollout.id),
    })),
  );
  await ctx.journal.catchUp();
  return buildDashboardData({
    inventory,
    ...(plan ? { plan } : {}),
    rollouts,
    notScanned,
    problems,
    corruption: journalledCorruption(ctx),
    at,
  });
}

function finished(status: string): boolean {
  return status === 'completed' || status === 'aborted';
}

/** Corrupt images the journal says are still corrupt (journal-tail.ts corruption()). */
function journalledCorruption(ctx: ApiContext): CorruptionInput[] {
  return ctx.journal.corruption();
}

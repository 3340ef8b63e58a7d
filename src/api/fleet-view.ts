/**
 * The read side of the API: the fleet file as configured, and the plan of the newest inventory
 * snapshots in the store against the configured catalog and policy. Nothing here contacts a BMC:
 * views are as fresh as the last sweep (POST /api/v1/inventory/refresh, or the daemon's
 * inventory-scan), which each answer says (`inventoryScannedAt`).
 */

import { ConfigError } from '../errors.ts';
import { loadFleetFile, type ResolvedServer } from '../fleet/load.ts';
import { loadPolicyFile } from '../fleet/plan-fleet.ts';
import type { FleetInventory } from '../inventory/model.ts';
import { type Plan, PlanError, type PlanPolicy, plan } from '../planner/index.ts';
import { ApiError } from './api-errors.ts';
import type { ApiContext } from './context.ts';

/**
 * The configured fleet's servers (credentials resolved, never returned by the API). Views take
 * the cached parse (view-cache.ts); `fresh` re-reads everything, for work that talks to BMCs.
 */
export async function loadFleet(ctx: ApiContext, opts: { fresh?: boolean } = {}): Promise<ResolvedServer[]> {
  if (!ctx.config.fleet) {
    throw new ApiError('FW_API_NOT_CONFIGURED', `fleet: not configured in ${ctx.config.file}`);
  }
  return opts.fresh ? loadFleetFile(ctx.config.fleet) : ctx.views.fleet(ctx.config.fleet);
}

/** The fleet's newest snapshots, and the fleet servers never scanned. */
export async function latestFleetInventory(
  ctx: ApiContext,
): Promise<{ servers: ResolvedServer[]; inventory: FleetInventory; notScanned: string[] }> {
  const servers = await loadFleet(ctx);
  const inventory = await ctx.store.latestInventory(servers.map((s) => s.name));
  const seen = new Set(inventory.servers.map((s) => s.server));
  return { servers, inventory, notScanned: servers.filter((s) => !seen.has(s.name)).map((s) => s.name) };
}

export interface CurrentPlan {
  plan: Plan;
  notScanned: string[];
  servers: ResolvedServer[];
}

/**
 * Plans the newest snapshots of the fleet against the configured catalog and policy (`fleet`: a
 * latestFleetInventory the caller already read). Reused while none of them changed.
 */
export async function currentPlan(
  ctx: ApiContext,
  fleet?: Awaited<ReturnType<typeof latestFleetInventory>>,
): Promise<CurrentPlan> {
  const { servers, inventory, notScanned } = fleet ?? (await latestFleetInventory(ctx));
  const catalog = await ctx.catalog.get();
  const policyFile = ctx.settings.policy;
  try {
    const made = await ctx.views.plan(inventory, catalog, policyFile, async () => {
      const policy: PlanPolicy = policyFile ? await loadPolicyFile(policyFile) : {};
      return plan(inventory, catalog, policy);
    });
    return { plan: made, notScanned, servers };
  } catch (err) {
    if (err instanceof PlanError) throw new ConfigError(catalog.source.file, err.message, { cause: err });
    throw err;
  }
}

/**
 * The fleet's acting version: per component line, the lowest version installed on the rollout's
 * servers — what the fleet may rely on. Recomputed from the newest inventory snapshots after every
 * server, by the same planner that decides upgrades, so "at target" means the same everywhere.
 */
import type { Catalog } from '../catalog/index.ts';
import type { FleetInventory } from '../inventory/model.ts';
import { lineName } from '../planner/component-line.ts';
import { type ComponentLine, createPlanner, type Planner, type PlanPolicy } from '../planner/index.ts';
import type { ActingVersionRecord } from '../store/types.ts';

/**
 * Lines that have a catalog target, with their lowest/highest installed version. A rollout passes
 * its planner (made from the same catalog and policy) so the catalog is indexed once per drive,
 * not after every server.
 */
export function actingVersions(
  inventory: FleetInventory,
  catalog: Catalog | Planner,
  policy: PlanPolicy,
  rolloutId: string,
  at: string,
): ActingVersionRecord[] {
  const planner = 'plan' in catalog ? catalog : createPlanner(catalog, policy);
  const lines: ComponentLine[] = Object.values(planner.plan(inventory).compliance.byKind).flatMap(
    (k) => k?.lines ?? [],
  );
  // A rollout limited to some kinds (spec `components`, folded into kinds.allow) converges on
  // those kinds alone: lines of kinds it never updates must not hold its completion hostage.
  const allow = policy.kinds?.allow;
  const deny = policy.kinds?.deny ?? [];
  return lines
    .filter((l) => l.targets.length > 0)
    .filter((l) => (allow === undefined || allow.includes(l.kind)) && !deny.includes(l.kind))
    .map((l) => ({
      rolloutId,
      line: l.key,
      name: lineName(l),
      kind: l.kind,
      ...(l.lowest ? { lowest: l.lowest } : {}),
      ...(l.highest ? { highest: l.highest } : {}),
      target: l.targets.join(' | '),
      converged: l.converged,
      at,
    }));
}

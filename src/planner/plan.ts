/**
 * plan(): inventory + catalog + policy → a decision with a reason for every installed component
 * of every server, the order to apply the actions in, and the fleet's compliance. Pure: no I/O,
 * no clock; the same inputs always give the same plan.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { FleetInventory } from '../inventory/model.ts';
import { indexCatalog } from './catalog-index.ts';
import { summarizeCompliance } from './compliance.ts';
import type { PlanContext } from './component-decision.ts';
import { lineCache } from './component-line.ts';
import { componentMatcher } from './component-matcher.ts';
import type { Decision } from './decision.ts';
import { memoSelect } from './entry-selection.ts';
import { assertNoPrerequisiteCycle } from './execution-order.ts';
import type { Plan } from './plan-model.ts';
import type { PlanPolicy } from './policy.ts';
import { planServer } from './server-plan.ts';
import { memoCompare } from './version-comparer.ts';

/**
 * Plans a fleet against a catalog.
 *
 * @param inventory - a sweep (sweepFleet); unreadable servers get one unreadable-server decision
 * @param catalog - any loaded catalog (native, Dell, HPE)
 * @param policy - kinds, criticality threshold, pins, downgrades; absent: plan every upgrade
 * @throws PlanError when the catalog's prerequisites.after links form a cycle
 */
export function plan(inventory: FleetInventory, catalog: Catalog, policy: PlanPolicy = {}): Plan {
  assertNoPrerequisiteCycle(catalog.entries);
  const index = indexCatalog(catalog.entries);
  const compare = memoCompare();
  const ctx: PlanContext = {
    index,
    policy,
    compare,
    find: componentMatcher(index),
    select: memoSelect(compare),
    lines: lineCache(),
  };
  const planned = inventory.servers.map((server) => planServer(ctx, server));
  const totals: Partial<Record<Decision, number>> = {};
  for (const p of planned) {
    for (const [decision, n] of Object.entries(p.plan.counts) as [Decision, number][]) {
      totals[decision] = (totals[decision] ?? 0) + n;
    }
  }
  const { source } = catalog;
  return {
    inventoryScannedAt: inventory.scannedAt,
    catalog: {
      file: source.file,
      format: source.format,
      ...(source.name === undefined ? {} : { name: source.name }),
      ...(source.dateTime === undefined ? {} : { dateTime: source.dateTime }),
      entries: catalog.entries.length,
    },
    servers: planned.map((p) => p.plan),
    totals,
    compliance: summarizeCompliance(planned, ctx.compare),
  };
}

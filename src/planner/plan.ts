/**
 * plan(): inventory + catalog + policy → a decision with a reason for every installed component
 * of every server, the order to apply the actions in, and the fleet's compliance. Pure: no I/O,
 * no clock; the same inputs always give the same plan.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { FleetInventory } from '../inventory/model.ts';
import { indexCatalog } from './catalog-index.ts';
import { ComplianceTally } from './compliance.ts';
import type { PlanContext } from './component-decision.ts';
import { lineCache } from './component-line.ts';
import { componentMatcher } from './component-matcher.ts';
import type { Decision } from './decision.ts';
import { memoSelect } from './entry-selection.ts';
import { assertNoPrerequisiteCycle } from './execution-order.ts';
import type { Plan, ServerPlan } from './plan-model.ts';
import type { PlanPolicy } from './policy.ts';
import { planServer } from './server-plan.ts';
import { outcomeMemo } from './shared-decision.ts';
import { memoCompare } from './version-comparer.ts';

/** A catalog and policy made ready once, for planning many inventories against them. */
export interface Planner {
  /** Plans a fleet (or one server's fresh scan); the same as plan() with this catalog and policy. */
  plan(inventory: FleetInventory): Plan;
}

/**
 * Checks and indexes a catalog once, for a caller that plans many times against it: a rollout
 * re-plans every server from a fresh scan, and indexing a vendor catalog per server cost more
 * than planning the server. Matches, version comparisons and selections are remembered across
 * calls (they depend only on their inputs); component lines are made per call as plan() makes them.
 *
 * @throws PlanError when the catalog's prerequisites.after links form a cycle
 */
export function createPlanner(catalog: Catalog, policy: PlanPolicy = {}): Planner {
  assertNoPrerequisiteCycle(catalog.entries);
  const index = indexCatalog(catalog.entries);
  const compare = memoCompare();
  const find = componentMatcher(index);
  const select = memoSelect(compare);
  const outcomes = outcomeMemo();
  const { source } = catalog;
  const about: Plan['catalog'] = {
    file: source.file,
    format: source.format,
    ...(source.name === undefined ? {} : { name: source.name }),
    ...(source.dateTime === undefined ? {} : { dateTime: source.dateTime }),
    entries: catalog.entries.length,
  };
  return {
    plan(inventory) {
      const ctx: PlanContext = { index, policy, compare, find, select, lines: lineCache(), outcomes };
      const tally = new ComplianceTally();
      const servers: ServerPlan[] = [];
      const totals: Partial<Record<Decision, number>> = {};
      for (const server of inventory.servers) {
        const planned = planServer(ctx, server);
        tally.add(planned);
        servers.push(planned.plan);
        for (const [decision, n] of Object.entries(planned.plan.counts) as [Decision, number][]) {
          totals[decision] = (totals[decision] ?? 0) + n;
        }
      }
      return {
        inventoryScannedAt: inventory.scannedAt,
        catalog: { ...about },
        servers,
        totals,
        compliance: tally.finish(compare),
      };
    },
  };
}

/**
 * Plans a fleet against a catalog.
 *
 * @param inventory - a sweep (sweepFleet); unreadable servers get one unreadable-server decision
 * @param catalog - any loaded catalog (native, Dell, HPE)
 * @param policy - kinds, criticality threshold, pins, downgrades; absent: plan every upgrade
 * @throws PlanError when the catalog's prerequisites.after links form a cycle
 */
export function plan(inventory: FleetInventory, catalog: Catalog, policy: PlanPolicy = {}): Plan {
  return createPlanner(catalog, policy).plan(inventory);
}

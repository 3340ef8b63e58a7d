/**
 * One assessment per distinct situation, not per installed component. A fleet of 10,000 servers
 * × 20 components is a few thousand situations: the same matches (the matcher's memo hands out
 * one list per distinct component), the same hints (vendor, kind, scheme), the same installed
 * version and Updateable flag. Without a pin, nothing else of the component enters its decision
 * but the fields it repeats (id, URI, name), so a repeated situation copies the first decision's
 * fields, reason text included, instead of comparing, choosing and writing the sentence again:
 * fewer calls, and no freshly built reason kept alive per decision.
 */
import type { CatalogEntry } from '../catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import type { VersionHints } from '../versions/index.ts';
import { type Assessed, assessComponent, type PlanContext, plannedComponent } from './component-decision.ts';
import type { Found } from './component-matcher.ts';
import type { PlanDecision } from './plan-model.ts';
import { pinFor } from './policy-rules.ts';
import { hintsFor } from './version-comparer.ts';

/** A decision without its component, and the entries it points at. */
interface Outcome {
  fields: Omit<PlanDecision, 'component'>;
  target?: CatalogEntry;
  reference?: CatalogEntry;
}

/** Matches → hints → installed version → [Updateable true, false, unreported]. */
export type OutcomeMemo = WeakMap<Found, Map<VersionHints, Map<string, (Outcome | undefined)[]>>>;

/** An empty memo; it may live as long as the planner (its keys are the planner's own memos'). */
export const outcomeMemo = (): OutcomeMemo => new WeakMap();

const slotOf = (updateable: boolean | undefined) => (updateable === true ? 0 : updateable === false ? 1 : 2);

/** assessComponent, shared between components in the same situation (see above). */
export function assessShared(
  ctx: PlanContext,
  memo: OutcomeMemo,
  server: ServerInventory,
  c: InventoryComponent,
): Assessed {
  // A pin depends on the server's labels: such components are decided one by one.
  if (ctx.policy.pins?.length && pinFor(ctx.policy, server, c) !== undefined) {
    return assessComponent(ctx, server, c);
  }
  const hints = hintsFor(server, c);
  const found = ctx.find(server, c);
  let byHints = memo.get(found);
  if (byHints === undefined) {
    byHints = new Map();
    memo.set(found, byHints);
  }
  let byVersion = byHints.get(hints);
  if (byVersion === undefined) {
    byVersion = new Map();
    byHints.set(hints, byVersion);
  }
  let slots = byVersion.get(c.version);
  if (slots === undefined) {
    slots = [undefined, undefined, undefined];
    byVersion.set(c.version, slots);
  }
  const slot = slotOf(c.updateable);
  const known = slots[slot];
  if (known === undefined) {
    const assessed = assessComponent(ctx, server, c);
    // Copied now: the server-level passes add step and line to (or replace) this decision later.
    const { component: _, ...fields } = assessed.decision;
    slots[slot] = {
      fields,
      ...(assessed.target ? { target: assessed.target } : {}),
      ...(assessed.reference ? { reference: assessed.reference } : {}),
    };
    return assessed;
  }
  const decision: PlanDecision = { component: plannedComponent(c), ...known.fields };
  // The only array a decision holds; each decision gets its own, as before.
  if (decision.blockedBy !== undefined) decision.blockedBy = [...decision.blockedBy];
  return {
    component: c,
    hints,
    decision,
    ...(known.target ? { target: known.target } : {}),
    ...(known.reference ? { reference: known.reference } : {}),
  };
}

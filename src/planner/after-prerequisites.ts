/**
 * `prerequisites.after` on one server: an entry listing A may only be applied once A is in
 * place. A is satisfied on this server when every component A applies to already runs A's
 * version or newer, or is planned to get it in this plan (then it is ordered first). A that
 * applies to nothing here is satisfied (and said so). Anything else blocks the action, and
 * blocking one action can block the ones after it, so this runs to a fixpoint.
 */
import type { ServerInventory } from '../inventory/model.ts';
import type { Assessed, PlanContext } from './component-decision.ts';
import { Decision, isAction } from './decision.ts';
import { matchEntry } from './entry-match.ts';

/** For each action (by index into `assessed`), the indices that must run before it. */
export type Before = Map<number, Set<number>>;

interface Verdict {
  blockers: { entryId: string; why: string }[];
  before: Set<number>;
  notes: string[];
}

/** Blocks actions whose `after` entries are not satisfied; returns the ordering edges of the rest. */
export function applyAfterPrerequisites(
  ctx: PlanContext,
  server: ServerInventory,
  assessed: Assessed[],
): Before {
  const hasAfter = assessed.some((a) => a.target?.prerequisites?.after && isAction(a.decision.decision));
  const before: Before = new Map();
  if (!hasAfter) return before;
  for (let changed = true; changed; ) {
    changed = false;
    before.clear();
    assessed.forEach((a, i) => {
      if (!isAction(a.decision.decision) || !a.target?.prerequisites?.after) return;
      const verdict = evaluate(ctx, server, assessed, i);
      if (verdict.blockers.length > 0) {
        const d = a.decision;
        a.decision = {
          ...d,
          decision: Decision.blockedByPrerequisite,
          reason: `${d.reason} is blocked: ${verdict.blockers.map((b) => b.why).join('; ')}`,
          blockedBy: verdict.blockers.map((b) => b.entryId),
        };
        changed = true;
        return;
      }
      if (verdict.before.size > 0) before.set(i, verdict.before);
      if (verdict.notes.length > 0 && !a.decision.reason.includes(verdict.notes[0]!)) {
        a.decision = { ...a.decision, reason: `${a.decision.reason}; ${verdict.notes.join('; ')}` };
      }
    });
  }
  return before;
}

function evaluate(ctx: PlanContext, server: ServerInventory, assessed: Assessed[], i: number): Verdict {
  const verdict: Verdict = { blockers: [], before: new Set(), notes: [] };
  const self = assessed[i]!;
  for (const id of self.target!.prerequisites!.after!) {
    const prerequisite = ctx.index.byId.get(id);
    if (prerequisite === undefined) {
      verdict.blockers.push({ entryId: id, why: `prerequisite ${id} is not in the catalog` });
      continue;
    }
    const need = `${id} (${prerequisite.version})`;
    let applies = 0;
    assessed.forEach((other, j) => {
      if (!matchEntry(prerequisite, server, other.component).matched) return;
      applies++;
      const c = other.component;
      const have = ctx.compare(c.version, prerequisite.version, other.hints).order;
      if (have === 'equal' || have === 'greater') return;
      if (j === i) {
        verdict.blockers.push({
          entryId: id,
          why: `needs ${need} installed first and this component runs ${c.version || '(no version)'}`,
        });
        return;
      }
      const planned = other.target?.version;
      const reaches =
        planned !== undefined &&
        isAction(other.decision.decision) &&
        ['equal', 'greater'].includes(ctx.compare(planned, prerequisite.version, other.hints).order);
      if (reaches) {
        verdict.before.add(j);
        return;
      }
      verdict.blockers.push({
        entryId: id,
        why: `needs ${need} on ${c.name} first, which is ${other.decision.decision}: ${other.decision.reason}`,
      });
    });
    if (applies === 0) verdict.notes.push(`prerequisite ${id} applies to nothing on this server`);
  }
  return verdict;
}

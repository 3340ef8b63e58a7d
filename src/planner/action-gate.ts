/**
 * The last gates before a planned upgrade or downgrade becomes an action: the BMC must call the
 * component updateable, the update must clear the policy's criticality threshold (counting the
 * most critical release it supersedes), and the installed version must meet the target's
 * minimumInstalledVersion. `after` prerequisites need the whole server: after-prerequisites.ts.
 */
import type { CatalogEntry } from '../catalog/model.ts';
import type { InventoryComponent } from '../inventory/model.ts';
import type { VersionHints } from '../versions/index.ts';
import type { Assessed, Done, PlanContext } from './component-decision.ts';
import type { EntryMatch } from './component-matcher.ts';
import { Compliance, Decision } from './decision.ts';
import type { PlanDecision } from './plan-model.ts';
import { CRITICALITY_RANK } from './policy.ts';
import { criticalityExclusion } from './policy-rules.ts';
import { versionText } from './version-comparer.ts';

/** An upgrade or downgrade, unless the BMC, the policy or minimumInstalledVersion stops it. */
export function gateAction(
  ctx: PlanContext,
  planned: Omit<PlanDecision, 'decision' | 'reason'>,
  c: InventoryComponent,
  hints: VersionHints,
  entry: CatalogEntry,
  candidates: EntryMatch[],
  action: typeof Decision.upgrade | typeof Decision.downgrade,
  pinNote: string,
  done: Done,
): Assessed {
  // A downgrade the policy asks for means the component is not where the plan wants it.
  const common = action === Decision.downgrade ? { ...planned, compliance: Compliance.outdated } : planned;
  const verb = action === Decision.upgrade ? 'upgrade' : 'downgrade';
  const move = `${verb} ${versionText(c.version)} → ${entry.version} with ${entry.id} (${entry.criticality})`;
  if (c.updateable === false) {
    return done(
      {
        ...common,
        decision: Decision.notUpdateable,
        reason: `the BMC reports Updateable false; the catalog has ${entry.id} ${entry.version}`,
      },
      entry,
    );
  }
  if (action === Decision.upgrade) {
    // The target carries every fix of the releases it supersedes: the most critical of them counts.
    let rank = -1;
    let criticality = entry.criticality;
    for (const m of candidates) {
      if (ctx.compare(c.version, m.entry.version, hints).order !== 'less') continue;
      if (CRITICALITY_RANK[m.entry.criticality] > rank) {
        rank = CRITICALITY_RANK[m.entry.criticality];
        criticality = m.entry.criticality;
      }
    }
    const out = criticalityExclusion(ctx.policy, criticality);
    if (out)
      return done({ ...common, decision: Decision.excludedByPolicy, reason: `${out} (${move})` }, entry);
  }
  const minimum = entry.prerequisites?.minimumInstalledVersion;
  if (minimum !== undefined) {
    const m = ctx.compare(c.version, minimum, hints);
    if (m.order === 'less' || m.order === 'incomparable') {
      const why =
        m.order === 'less'
          ? `installed ${versionText(c.version)} is below its minimumInstalledVersion ${minimum}: apply an intermediate release first`
          : `cannot tell whether installed ${versionText(c.version)} meets its minimumInstalledVersion ${minimum} (${m.reason})`;
      return done(
        {
          ...common,
          decision: Decision.blockedByPrerequisite,
          reason: `${move} is blocked: ${why}`,
          blockedBy: ['minimumInstalledVersion'],
        },
        entry,
      );
    }
  }
  return done({ ...common, decision: action, reason: `${move}${pinNote}` }, entry);
}

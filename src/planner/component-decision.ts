/**
 * The decision for one installed component, before the server-level passes (`after`
 * prerequisites, execution order): match → pin → choose the highest entry → compare → gate the
 * action (Updateable, criticality, minimumInstalledVersion). Compliance is taken from the version
 * comparison before any policy is applied: a denied kind is still outdated if it is.
 */
import type { CatalogEntry } from '../catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import type { VersionComparison, VersionHints } from '../versions/index.ts';
import { gateAction } from './action-gate.ts';
import type { CatalogIndex } from './catalog-index.ts';
import type { LineCache } from './component-line.ts';
import type { EntryMatch, FindMatches } from './component-matcher.ts';
import { Compliance, Decision } from './decision.ts';
import { type SelectHighest, selectHighest } from './entry-selection.ts';
import type { PlanDecision, PlannedComponent, PlanTarget } from './plan-model.ts';
import { PinMode, type PlanPolicy } from './policy.ts';
import { type ActivePin, entryExclusion, kindExclusion, pinFor } from './policy-rules.ts';
import type { OutcomeMemo } from './shared-decision.ts';
import { type Compare, hintsFor, versionText } from './version-comparer.ts';

/** What every step of planning shares. */
export interface PlanContext {
  index: CatalogIndex;
  policy: PlanPolicy;
  compare: Compare;
  find: FindMatches;
  /** selectHighest over an unfiltered match list from `find` (memoized per list). */
  select: SelectHighest;
  /** Component lines shared within this plan() call. */
  lines: LineCache;
  /** Decisions shared between components in the same situation (shared-decision.ts). */
  outcomes: OutcomeMemo;
}

/** A component's decision and what the server-level passes need to revisit it. */
export interface Assessed {
  component: InventoryComponent;
  hints: VersionHints;
  decision: PlanDecision;
  /** The entry the decision points at. */
  target?: CatalogEntry;
  /** The entry that names the component's line: the target, else the first match. */
  reference?: CatalogEntry;
}

/** Finishes an assessment: the decision, its target and the entry naming its line. */
export type Done = (decision: PlanDecision, target?: CatalogEntry, reference?: CatalogEntry) => Assessed;

/** The inventory fields a decision repeats. */
export function plannedComponent(c: InventoryComponent): PlannedComponent {
  return {
    id: c.id,
    uri: c.uri,
    name: c.name,
    kind: c.kind,
    version: c.version,
    ...(c.softwareId === undefined ? {} : { softwareId: c.softwareId }),
    ...(c.identity.fqdd === undefined ? {} : { fqdd: c.identity.fqdd }),
  };
}

/**
 * The entry fields a decision carries. Made once per entry and shared by every decision that
 * targets it (plain data nobody mutates): a fleet plan has hundreds of thousands of decisions
 * and a few hundred targets.
 */
export function planTarget(e: CatalogEntry): PlanTarget {
  let target = targets.get(e);
  if (target === undefined) {
    target = {
      entryId: e.id,
      name: e.name,
      version: e.version,
      criticality: e.criticality,
      image: e.image,
      requires: e.requires,
      source: e.source,
    };
    targets.set(e, target);
  }
  return target;
}
const targets = new WeakMap<CatalogEntry, PlanTarget>();

const complianceOf = (order: VersionComparison['order'] | undefined): Compliance =>
  order === 'less'
    ? Compliance.outdated
    : order === 'equal' || order === 'greater'
      ? Compliance.compliant
      : Compliance.unknown;

/**
 * The comparison a decision shows, one object per comparison result: the compare memo returns
 * the same result for the same versions, and a fleet repeats them thousands of times.
 */
function comparisonOf(cmp: VersionComparison): NonNullable<PlanDecision['comparison']> {
  let shown = comparisons.get(cmp);
  if (shown === undefined) {
    shown = { order: cmp.order, reason: cmp.reason };
    comparisons.set(cmp, shown);
  }
  return shown;
}
const comparisons = new WeakMap<VersionComparison, NonNullable<PlanDecision['comparison']>>();

/** Decides one installed component of a readable server. */
export function assessComponent(ctx: PlanContext, server: ServerInventory, c: InventoryComponent): Assessed {
  const hints = hintsFor(server, c);
  const base = { component: plannedComponent(c) };
  const found = ctx.find(server, c);
  const only = ctx.policy.entries;
  const kindOut =
    kindExclusion(ctx.policy, c) ??
    entryExclusion(
      ctx.policy,
      found.matches.map((m) => m.entry.id),
    );
  const done = (decision: PlanDecision, target?: CatalogEntry, reference?: CatalogEntry): Assessed => ({
    component: c,
    hints,
    decision,
    ...(target ? { target } : {}),
    ...((reference ?? target) ? { reference: reference ?? target } : {}),
  });

  if (found.matches.length === 0) {
    const miss = found.miss ?? 'no catalog entry matches';
    return done(
      kindOut
        ? {
            ...base,
            decision: Decision.excludedByPolicy,
            reason: `${kindOut} (${miss})`,
            compliance: Compliance.unknown,
          }
        : { ...base, decision: Decision.noCatalogEntry, reason: miss, compliance: Compliance.unknown },
    );
  }
  const firstEntry = found.matches[0]!.entry;

  // An entry selection, then pins, narrow the candidates before the highest is chosen.
  const chosen = only && !kindOut ? found.matches.filter((m) => only.includes(m.entry.id)) : undefined;
  let candidates: EntryMatch[] = chosen ?? found.matches;
  let pinNote = '';
  const pin = pinFor(ctx.policy, server, c);
  if (pin !== undefined && 'conflict' in pin) {
    return done(
      { ...base, decision: Decision.excludedByPolicy, reason: pin.conflict, compliance: Compliance.unknown },
      undefined,
      firstEntry,
    );
  }
  if (pin !== undefined) {
    candidates = candidates.filter((m) => pinAllows(ctx, pin, m.entry.version, hints));
    pinNote = ` (${pin.mode === PinMode.exact ? 'pinned to' : 'pinned at most'} ${pin.pin.version} by ${pin.label}${pin.pin.note ? `: ${pin.pin.note}` : ''})`;
    if (candidates.length === 0)
      return pinnedWithoutEntry(ctx, base, c, hints, pin, found.matches, kindOut, done);
  }

  const selection =
    candidates === found.matches
      ? ctx.select(candidates, hints)
      : selectHighest(
          candidates.map((m) => m.entry),
          hints,
          ctx.compare,
        );
  if ('ambiguous' in selection) {
    const reason = `${selection.ambiguous}; needs a human`;
    return done(
      kindOut
        ? {
            ...base,
            decision: Decision.excludedByPolicy,
            reason: `${kindOut}; ${reason}`,
            compliance: Compliance.unknown,
          }
        : { ...base, decision: Decision.incomparableVersion, reason, compliance: Compliance.unknown },
      undefined,
      firstEntry,
    );
  }
  const entry = selection.entry;
  const matchedBy = candidates.find((m) => m.entry === entry)!.by;
  const cmp = ctx.compare(c.version, entry.version, hints);
  const common = {
    ...base,
    target: planTarget(entry),
    matchedBy,
    comparison: comparisonOf(cmp),
    compliance: complianceOf(cmp.order),
  };
  const installed = versionText(c.version);
  const at = `${entry.id} ${entry.version}`;

  if (kindOut) {
    return done(
      {
        ...common,
        decision: Decision.excludedByPolicy,
        reason: `${kindOut} (installed ${installed}, catalog ${at})`,
      },
      entry,
    );
  }
  switch (cmp.order) {
    case 'incomparable':
      return done(
        {
          ...common,
          decision: Decision.incomparableVersion,
          reason: `installed ${installed} and ${at} cannot be ordered (${cmp.reason}); needs a human`,
        },
        entry,
      );
    case 'equal':
      return done(
        { ...common, decision: Decision.upToDate, reason: `installed ${installed} matches ${at}${pinNote}` },
        entry,
      );
    case 'greater':
      if (!ctx.policy.allowDowngrade) {
        return done(
          {
            ...common,
            decision: Decision.newerThanCatalog,
            reason: `installed ${installed} is newer than ${at}${pinNote}; a downgrade needs policy allowDowngrade`,
          },
          entry,
        );
      }
      return gateAction(ctx, common, c, hints, entry, candidates, Decision.downgrade, pinNote, done);
    case 'less':
      return gateAction(ctx, common, c, hints, entry, candidates, Decision.upgrade, pinNote, done);
  }
}

function pinAllows(ctx: PlanContext, pin: ActivePin, version: string, hints: VersionHints): boolean {
  const order = ctx.compare(version, pin.pin.version, hints).order;
  return order === 'equal' || (pin.mode === PinMode.atMost && order === 'less');
}

/** A pin left no catalog entry: up to date if the installed version is the pinned one. */
function pinnedWithoutEntry(
  ctx: PlanContext,
  base: { component: PlannedComponent },
  c: InventoryComponent,
  hints: VersionHints,
  pin: ActivePin,
  matches: EntryMatch[],
  kindOut: string | undefined,
  done: Done,
): Assessed {
  const cmp = ctx.compare(c.version, pin.pin.version, hints);
  const reference = matches[0]!.entry;
  const offered = [...new Set(matches.map((m) => m.entry.version))].join(', ');
  const compliance = complianceOf(cmp.order);
  const comparison = comparisonOf(cmp);
  if (!kindOut && cmp.order === 'equal') {
    return done(
      {
        ...base,
        decision: Decision.upToDate,
        reason: `installed ${c.version} is the version ${pin.label} pins (the catalog offers ${offered})`,
        comparison,
        compliance,
      },
      undefined,
      reference,
    );
  }
  const wanted = pin.mode === PinMode.exact ? pin.pin.version : `at most ${pin.pin.version}`;
  return done(
    {
      ...base,
      decision: Decision.excludedByPolicy,
      reason: `${kindOut ? `${kindOut}; ` : ''}${pin.label} pins ${wanted}, but no matching catalog entry has it (the catalog offers ${offered}; installed ${versionText(c.version)})`,
      comparison,
      compliance,
    },
    undefined,
    reference,
  );
}

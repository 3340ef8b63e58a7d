/**
 * Several entries may match one component (a catalog holding 2.17.1 and 2.19.1 of one BIOS).
 * The target is the highest version, but only when it is known to be highest: candidates that
 * cannot be ordered against it, or an equal version with a different image, need a human.
 */
import type { CatalogEntry } from '../catalog/model.ts';
import type { VersionHints } from '../versions/index.ts';
import type { EntryMatch } from './component-matcher.ts';
import { type Compare, HintsMemo } from './version-comparer.ts';

export type Selection = { entry: CatalogEntry } | { ambiguous: string };

const sameImage = (a: CatalogEntry, b: CatalogEntry) =>
  (a.image.sha256 ?? a.image.md5) === (b.image.sha256 ?? b.image.md5);

/** The highest-version entry, or why none can be chosen. `entries` must not be empty. */
export function selectHighest(
  entries: readonly CatalogEntry[],
  hints: VersionHints,
  compare: Compare,
): Selection {
  let best = entries[0]!;
  for (const e of entries.slice(1)) {
    if (compare(e.version, best.version, hints).order === 'greater') best = e;
  }
  for (const e of entries) {
    if (e === best) continue;
    const c = compare(best.version, e.version, hints);
    if (c.order === 'incomparable') {
      return {
        ambiguous: `candidate entries ${best.id} (${best.version}) and ${e.id} (${e.version}) cannot be ordered: ${c.reason}`,
      };
    }
    if (c.order === 'less') {
      // Not a total order (a < b, b < c, c < a would need a broken comparator); refuse to guess.
      return { ambiguous: `candidate entries ${best.id} and ${e.id} have no consistent order` };
    }
    if (c.order === 'equal' && !sameImage(best, e)) {
      return {
        ambiguous: `candidate entries ${best.id} and ${e.id} both offer ${best.version} with different images`,
      };
    }
  }
  return { entry: best };
}

/** selectHighest over a component's matches (as componentMatcher returns them). */
export type SelectHighest = (matches: readonly EntryMatch[], hints: VersionHints) => Selection;

/**
 * selectHighest with a memo: componentMatcher hands out one match list per distinct component,
 * so across a fleet the choice among those entries is made once per list and hints, not once per
 * installed component. One per planner (createPlanner), like the compare memo.
 */
export function memoSelect(compare: Compare): SelectHighest {
  const memo = new HintsMemo(() => new WeakMap<readonly EntryMatch[], Selection>());
  return (matches, hints) => {
    const byMatches = memo.get(hints);
    let selection = byMatches.get(matches);
    if (selection === undefined) {
      selection = selectHighest(
        matches.map((m) => m.entry),
        hints,
        compare,
      );
      byMatches.set(matches, selection);
    }
    return selection;
  };
}

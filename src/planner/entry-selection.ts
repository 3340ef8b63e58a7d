/**
 * Several entries may match one component (a catalog holding 2.17.1 and 2.19.1 of one BIOS).
 * The target is the highest version, but only when it is known to be highest: candidates that
 * cannot be ordered against it, or an equal version with a different image, need a human.
 */
import type { CatalogEntry } from '../catalog/model.ts';
import type { VersionHints } from '../versions/index.ts';
import type { Compare } from './version-comparer.ts';

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

/**
 * The git-describe step of the numbered comparison, taken once release numbers and tag
 * pre-release are equal (both versions sit on the same tag). A plain version ("2.14.0") is the
 * tag itself: zero commits past it, no hash, clean.
 */
import { compareNumbers } from './compare-parts.ts';
import type { ParsedVersion } from './parsed-version.ts';

/** A sign when the pair has an order on this tag, or why it has none. */
export type DescribeStep = { sign: number; label: string } | { incomparable: string };

/**
 * Orders two versions on one tag by commits past it. Git counts commits along the build's
 * history, so the count orders builds of one line; it cannot tell two different commits at the
 * same distance apart (two branches, or a rebuilt history), so those have no order. Hashes are
 * compared as written: two abbreviations of one commit of different lengths stay unordered rather
 * than guessed equal. A "-dirty" build holds uncommitted changes: it orders against other
 * distances, but against the clean build of its own commit it has no order.
 */
export function compareDescribe(a: ParsedVersion, b: ParsedVersion): DescribeStep {
  if (a.build !== undefined || b.build !== undefined || a.respin !== undefined || b.respin !== undefined) {
    return { incomparable: 'build number or respin letter vs git commit' };
  }
  const ca = commitsPastTag(a);
  const cb = commitsPastTag(b);
  if (ca === undefined || cb === undefined) {
    // No count: the distance from the tag is unknown; only the very same build compares.
    if (ca !== cb || a.commit !== b.commit) return { incomparable: 'no commit count after the tag' };
    return sameCommit(a, b);
  }
  if (ca !== cb) return { sign: compareNumbers(ca, cb), label: 'commits past the tag' };
  if (a.commit !== undefined && b.commit !== undefined && a.commit !== b.commit) {
    return { incomparable: `different commits ${ca} past the same tag` };
  }
  return sameCommit(a, b);
}

/** Commits past the tag: a plain version is the tag (0); undefined when git printed only a hash. */
function commitsPastTag(p: ParsedVersion): number | undefined {
  if (p.commits !== undefined) return p.commits;
  return p.commit === undefined ? 0 : undefined;
}

function sameCommit(a: ParsedVersion, b: ParsedVersion): DescribeStep {
  if ((a.dirty === true) !== (b.dirty === true)) {
    return { incomparable: 'uncommitted changes (-dirty) on one side only' };
  }
  return { sign: 0, label: 'git describe' };
}

/**
 * The public comparison: version strings in, an order and its reason out. The planner issues an
 * "upgrade" decision only through isUpgrade, so an incomparable pair is never silently upgraded.
 */
import { compareParsed } from './compare-parsed.ts';
import type { VersionHints } from './hints.ts';
import { VersionOrder } from './order.ts';
import { parseVersion } from './parse-version.ts';
import type { ParsedVersion, VersionFormat } from './parsed-version.ts';

/** A comparison with the sentence the planner prints for it. */
export interface VersionComparison {
  /** How the first version relates to the second. */
  order: VersionOrder;
  /** Why, e.g. "dotted numeric 7.00.00.184 > 7.00.00.183" or "HPE ROM family U30 vs U32: incomparable". */
  reason: string;
  /** The format the first string was recognized as. */
  formatA: VersionFormat;
  /** The format the second string was recognized as. */
  formatB: VersionFormat;
}

/**
 * Compares two firmware version strings and explains the result.
 *
 * @param a - the first version (usually the installed one)
 * @param b - the second version (usually the catalog's)
 * @param hints - Redfish VersionScheme, vendor and component kind; applied to both strings
 */
export function compareVersionsDetailed(a: string, b: string, hints: VersionHints = {}): VersionComparison {
  return compareParsedVersions(parseVersion(a, hints), parseVersion(b, hints));
}

/**
 * compareVersionsDetailed over versions already parsed (with the same hints): for callers that
 * parse each distinct string once and compare it against many (the planner's memo).
 */
export function compareParsedVersions(pa: ParsedVersion, pb: ParsedVersion): VersionComparison {
  const { order, reason } = compareParsed(pa, pb);
  return { order, reason, formatA: pa.format, formatB: pb.format };
}

/**
 * Compares two firmware version strings: 'less' when `a` is older than `b`, 'greater' when newer,
 * 'equal' when they name the same release, 'incomparable' when no reliable order exists.
 */
export function compareVersions(a: string, b: string, hints: VersionHints = {}): VersionOrder {
  return compareVersionsDetailed(a, b, hints).order;
}

/**
 * True only when `target` is known to be newer than `installed`. Equal, older and incomparable
 * (unknown installed version, other product family, opaque codes) are all false.
 */
export function isUpgrade(installed: string, target: string, hints: VersionHints = {}): boolean {
  return compareVersions(installed, target, hints) === VersionOrder.less;
}

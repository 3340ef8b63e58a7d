/** Comparators for the pieces of a parsed version. Each returns a sign: -1, 0 or 1. */

/** Compares two numbers. */
export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares release numbers part by part, a missing part counting as 0: "1.2" = "1.2.0" (how
 * Dell, HPE and Lenovo tools treat them) while "1.2.3" < "1.2.3.1".
 */
export function compareRelease(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const sign = compareNumbers(a[i] ?? 0, b[i] ?? 0);
    if (sign !== 0) return sign;
  }
  return 0;
}

/**
 * Pre-release precedence as SemVer 2.0.0 §11: a version with a pre-release sorts before the same
 * version without one; identifiers compare left to right, numeric ones by value and before
 * alphanumeric ones, alphanumeric ones in ASCII order; a shorter list that is a prefix sorts first.
 */
export function comparePrerelease(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const sign = compareIdentifier(a[i] ?? '', b[i] ?? '');
    if (sign !== 0) return sign;
  }
  return compareNumbers(a.length, b.length);
}

function compareIdentifier(a: string, b: string): number {
  const aNumeric = /^\d+$/u.test(a);
  const bNumeric = /^\d+$/u.test(b);
  if (aNumeric && bNumeric) return compareDigitStrings(a, b);
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares digit strings of any length by value (no rounding past 2^53). */
export function compareDigitStrings(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/u, '');
  const y = b.replace(/^0+(?=.)/u, '');
  if (x.length !== y.length) return compareNumbers(x.length, y.length);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Compares optional respin letters: none < "a" < "b" ("3.7" < "3.7a" < "3.7b"). */
export function compareRespin(a: string | undefined, b: string | undefined): number {
  return compareNumbers(a === undefined ? 0 : a.charCodeAt(0), b === undefined ? 0 : b.charCodeAt(0));
}

/**
 * Compares Lenovo build tags as base-36 digits of equal length ("3e4d" < "3e6f"); tags of
 * different lengths have no known order and give undefined.
 */
export function compareBuildTags(a: string, b: string): number | undefined {
  if (a.length !== b.length) return undefined;
  return a < b ? -1 : a > b ? 1 : 0;
}

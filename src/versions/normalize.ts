/** Text clean-up shared by every version parser, and the test for "this is not a version at all". */

/**
 * Folds the spellings BMCs use for one version into one text: NFKC (no-break spaces and
 * full-width digits from some OEM web stacks), whitespace runs to one space, trimmed, lowercase.
 */
export function normalizeVersionText(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/** Drops one leading "v" before a digit ("v2.90" → "2.90"); "vdv10184" (an Intel drive code) stays. */
export function stripLeadingV(text: string): string {
  return /^v\d/u.test(text) ? text.slice(1) : text;
}

/**
 * Words BMCs put in Version when they could not read one. Seen on: Dell ("N/A"), HPE iLO
 * ("Not Available", "Not Found" for an absent System ROM bootblock), Supermicro and OpenBMC
 * ("Unknown", "NA", "null" from templated JSON).
 */
const PLACEHOLDER_WORDS: ReadonlySet<string> = new Set([
  'n/a',
  'na',
  'none',
  'null',
  'nil',
  'undefined',
  'unknown',
  'not available',
  'not applicable',
  'not found',
  'not supported',
  'not installed',
  'tbd',
]);

/**
 * Says why a normalized string carries no version ("empty", "placeholder ...", ...), or returns
 * undefined when it may hold one. An unknown version must never look equal to a real one: an
 * empty or garbled Version is one of DESIGN.md's corruption signals.
 */
export function placeholderReason(normalized: string): string | undefined {
  if (normalized === '') return 'empty';
  // Control and private-use characters, or U+FFFD from a bad decode: a garbled read, not a version.
  if (/[\p{C}\uFFFD]/u.test(normalized)) return 'garbled characters';
  if (PLACEHOLDER_WORDS.has(normalized)) return `placeholder "${normalized}"`;
  if (!/[\p{L}\p{N}]/u.test(normalized)) return 'no letters or digits';
  // All-zero dotted numbers ("0", "0.0.0", "00.00.00") are what several BMCs report for a device
  // whose version they cannot read (OpenBMC, Supermicro); no vendor ships a release 0.0.0.
  if (/^v?0+(?:\.0+)*$/u.test(normalized)) return 'all-zero placeholder';
  return undefined;
}

/**
 * Parses a decimal digit string when it fits a JavaScript number exactly. Longer runs (a
 * timestamp glued into a version) are not release numbers: the caller then treats the whole
 * string as opaque instead of comparing rounded values.
 */
export function toSafeInt(digits: string, radix: 10 | 16 = 10): number | undefined {
  const value = Number.parseInt(digits, radix);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** toSafeInt for every part, or undefined when any part does not fit. */
export function toSafeInts(parts: readonly string[], radix: 10 | 16 = 10): number[] | undefined {
  const values: number[] = [];
  for (const part of parts) {
    const value = toSafeInt(part, radix);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

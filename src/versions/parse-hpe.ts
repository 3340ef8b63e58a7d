/**
 * HPE version strings that carry more than a number.
 * - System ROM: "U30 v2.90 (07/20/2023)". "U30" is the ROM family (one platform, e.g. DL380
 *   Gen10); the version orders releases within a family; the date is informational (HPE re-dates
 *   rebuilds, and families are released in parallel). Two families never compare. Older tools
 *   print "P89 2.30 09/13/2016".
 * - iLO with a product prefix: "iLO 5 2.78", "iLO 5 v2.44" (ComputerSystem/Manager views, DCIM
 *   exports). The prefix is the iLO generation: "iLO 5 x" vs "iLO 6 y" never compare, but
 *   "iLO 5 2.78" equals a bare "2.78" (the FirmwareInventory member reports the bare form).
 * The iLO date suffix ("2.96 Aug 17 2023") needs no HPE rule: parse-version.ts strips trailing
 * dates from any dotted version.
 */
import { splitTrailingDate } from './dates.ts';
import { stripLeadingV, toSafeInts } from './normalize.ts';
import { type VersionFields, VersionFormat } from './parsed-version.ts';

const ROM = /^([a-z]\d{2}) v?(\d+(?:\.\d+)+)(?: (.+))?$/u;
const ILO_PREFIX = /^ilo ?(\d) (.+)$/u;

/** Reads a normalized text as an HPE System ROM version, or returns undefined. */
export function parseHpeRom(text: string): VersionFields | undefined {
  const m = ROM.exec(text);
  if (!m) return undefined;
  const [, family = '', numbers = '', tail] = m;
  let date: string | undefined;
  if (tail !== undefined) {
    // Reuse the trailing-date reader: it wants "<something> <date>".
    const split = splitTrailingDate(`x ${tail}`);
    if (split.date === undefined || split.core !== 'x') return undefined;
    date = split.date;
  }
  const releaseText = numbers.split('.');
  const release = toSafeInts(releaseText);
  if (!release) return undefined;
  return {
    format: VersionFormat.hpeRom,
    family: family.toUpperCase(),
    release,
    releaseText,
    ...(date === undefined ? {} : { date }),
  };
}

/**
 * Splits an "iLO N" product prefix off a normalized text. Returns the family ("iLO 5") and the
 * rest with its "v" stripped, or undefined when there is no prefix.
 */
export function splitIloPrefix(text: string): { family: string; rest: string } | undefined {
  const m = ILO_PREFIX.exec(text);
  if (!m) return undefined;
  const [, generation = '', rest = ''] = m;
  return { family: `iLO ${generation}`, rest: stripLeadingV(rest) };
}

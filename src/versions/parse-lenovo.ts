/**
 * Lenovo build ids. XCC, UEFI and LXPM firmware carries a build id such as "TEI3E4D" (XCC) or
 * "CDI3A4E" (UEFI), reported as SoftwareId and often glued to the version: "TEI3E4D-4.12".
 *
 * The rule firmwarden uses: the first three letters are the product code (which firmware for
 * which platform generation); the remaining four characters are a build tag that Lenovo
 * advances with each build, digits before letters (base 36), so within one product code a tag
 * of the same length compares character by character ("3E4D" < "3E6F"). Different product
 * codes are different firmware and never compare. When a version follows the id, the version
 * decides and the tag only breaks a tie; if version and tag disagree, the pair is incomparable.
 *
 * A bare 7-character id is only read as a Lenovo build id under the lenovo vendor hint: the same
 * shape is a plain code elsewhere (drive firmware, other vendors' part numbers).
 */
import { Vendor } from '../vocab.ts';
import type { VersionHints } from './hints.ts';
import { stripLeadingV, toSafeInts } from './normalize.ts';
import { type VersionFields, VersionFormat } from './parsed-version.ts';

const BUILD_ID = /^([a-z]{3})(\d[0-9a-z]{3})(?:[- ](v?\d+(?:\.\d+)*))?$/u;

/** Reads a normalized text as a Lenovo build id with optional version, or returns undefined. */
export function parseLenovoBuild(text: string, hints: VersionHints): VersionFields | undefined {
  const m = BUILD_ID.exec(text);
  if (!m) return undefined;
  const [, product = '', tag = '', version] = m;
  if (version === undefined && hints.vendor !== Vendor.lenovo) return undefined;
  const releaseText = version === undefined ? [] : stripLeadingV(version).split('.');
  const release = toSafeInts(releaseText);
  if (!release) return undefined;
  return {
    format: VersionFormat.lenovoBuild,
    family: product.toUpperCase(),
    buildTag: tag,
    release,
    releaseText,
  };
}

/**
 * Dotted decimal versions, the common shape across vendors: Dell iDRAC "7.00.00.184", Broadcom NIC
 * "20.14.54", Lenovo bundles "227.1.115.0", with optional tails:
 * - a respin letter, "3.7a" (a rebuild of 3.7, newer than it: Supermicro BMC/BIOS, HPE Smart
 *   Array). One letter only: "2.48.89b32e0d" is a git hash, not a respin; and only after at
 *   least two numbers: "0x" or "5a" alone are codes, not respins.
 * - a "~" pre-release, "1.2.3~rc1" (Debian-style tilde: before the release).
 * - a "-" build number, "51.16.0-5150" / "12.10.7-0001" (Dell PERC and catalog vendorVersion).
 *   A purely numeric suffix is a build number, not a SemVer pre-release; "-rc.1" is left to
 *   parse-semver.ts.
 * - a " Build N" build number, "16.5.0 Build 53": HPE iLO 5 reports its Intelligent Platform
 *   Abstraction Data this way (FirmwareInventory Version "15.1.0 Build 33", Synergy 480 Gen10,
 *   quoted in Comcast/fishymetrics PR #82). It is the same kind of build counter as Dell's "-N":
 *   compared by value, so "Build 053" = "Build 53" (as "-0001" = "-1"), and never against a
 *   version that has no build number.
 */
import { toSafeInt, toSafeInts } from './normalize.ts';
import { type VersionFields, VersionFormat } from './parsed-version.ts';

const DOTTED = /^(\d+(?:\.\d+)*)([a-z])?(?:~([0-9a-z]+(?:\.[0-9a-z]+)*)|-(\d+)| build (\d+))?$/u;

/** Reads a normalized, "v"-stripped, date-free text as a dotted version, or returns undefined. */
export function parseDotted(text: string): VersionFields | undefined {
  const m = DOTTED.exec(text);
  if (!m) return undefined;
  const [, numbers = '', respin, tilde, dashBuild, wordBuild] = m;
  const build = dashBuild ?? wordBuild;
  const releaseText = numbers.split('.');
  const release = toSafeInts(releaseText);
  if (!release || (respin !== undefined && release.length < 2)) return undefined;
  const fields: VersionFields = { format: VersionFormat.dotted, release, releaseText };
  let buildNumber: number | undefined;
  if (build !== undefined) {
    buildNumber = toSafeInt(build);
    if (buildNumber === undefined) return undefined;
  }
  return {
    ...fields,
    ...(respin === undefined ? {} : { respin }),
    ...(tilde === undefined ? {} : { prerelease: splitTildePrerelease(tilde) }),
    ...(buildNumber === undefined ? {} : { build: buildNumber }),
  };
}

/**
 * Splits a pre-release tag into identifiers: "rc1" → ["rc", "1"], "beta.10" → ["beta", "10"].
 * Tilde tags are written without dots, so the letter/digit boundary separates identifiers, which
 * makes "rc10" sort after "rc9".
 */
export function splitTildePrerelease(tag: string): string[] {
  return tag.split('.').flatMap((id) => id.match(/\d+|[a-z]+/gu) ?? []);
}

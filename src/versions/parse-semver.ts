/**
 * Strings that really are Semantic Versioning 2.0.0: "1.0.0-rc.1", "2.1.0-beta.2",
 * "1.4.2+build.7". OpenBMC and some NIC/GPU firmware report these. Recognized only when the
 * shape leaves no doubt (a pre-release identifier with a letter, or build metadata), or when the
 * service declares VersionScheme SemVer: without that, "52.26.0-5179" is a Dell build number
 * (parse-dotted.ts), not a pre-release of 52.26.0 as semver would read it.
 */
import semver from 'semver';
import { type VersionFields, VersionFormat } from './parsed-version.ts';

/**
 * Reads a normalized, "v"-stripped text as strict SemVer, or returns undefined. With
 * `declaredSemVer` false, a purely numeric pre-release is refused (it is a build number).
 */
export function parseSemver(text: string, declaredSemVer: boolean): VersionFields | undefined {
  // Strict parse: semver's loose mode accepts "01.2.3" and other shapes that are not semver.
  const parsed = semver.parse(text, { loose: false });
  if (!parsed) return undefined;
  const prerelease = parsed.prerelease.map(String);
  const hasLetters = prerelease.some((id) => /[a-z-]/u.test(id));
  const hasMetadata = parsed.build.length > 0;
  if (!declaredSemVer && !hasLetters && !hasMetadata) return undefined;
  const release = [parsed.major, parsed.minor, parsed.patch];
  return {
    format: VersionFormat.semver,
    release,
    releaseText: release.map(String),
    ...(prerelease.length > 0 ? { prerelease } : {}),
    ...(hasMetadata ? { metadata: parsed.build.join('.') } : {}),
  };
}

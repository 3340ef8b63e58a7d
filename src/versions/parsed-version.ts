/** The structured reading of one version string, kept so callers can explain every decision. */

/** Which format a version string was recognized as. */
export const VersionFormat = {
  /** Dotted integers with optional respin letter, "~" pre-release or "-"/" Build " build number: "7.00.00.184", "3.7a", "51.16.0-5150", "16.5.0 Build 53", "1.2.3~rc1". Also HPE iLO "2.96 Aug 17 2023" and "iLO 5 2.78". */
  dotted: 'dotted',
  /** Real Semantic Versioning with a pre-release that has letters or build metadata: "1.0.0-rc.1", or any semver under the SemVer scheme hint. */
  semver: 'semver',
  /** `git describe` output: tag, commits past it, commit hash, "-dirty" ("2.14.0-dev-1066-g5d3a29a8c", OpenBMC). */
  gitDescribe: 'git-describe',
  /** "0x"-prefixed hex (HPE SPLD/CPLD "0x31"). Only comparable with other hex. */
  hex: 'hex',
  /** Dotted fixed-width hex bytes (Dell PSU "00.1B.53"). */
  hexDotted: 'hex-dotted',
  /** HPE System ROM: family, version, release date ("U30 v2.90 (07/20/2023)"). */
  hpeRom: 'hpe-rom',
  /** Lenovo build id, optionally with its version ("TEI3E4D-4.12"; bare "TEI3E4D" with the lenovo hint). */
  lenovoBuild: 'lenovo-build',
  /** A code with no known order (drive firmware "MA8F", "GXA5"): only equal to itself. */
  opaque: 'opaque',
  /** Empty, placeholder or garbled ("", "N/A", "Unknown", "0.0.0"): comparable with nothing. */
  unknown: 'unknown',
} as const;
export type VersionFormat = (typeof VersionFormat)[keyof typeof VersionFormat];

/** A version string taken apart. Fields that do not apply to the format are absent. */
export interface ParsedVersion {
  /** The string exactly as given. */
  readonly raw: string;
  /** Unicode-normalized, trimmed, whitespace collapsed and lowercased: the text the rules matched on. */
  readonly normalized: string;
  readonly format: VersionFormat;
  /** Why the string got this format when that is not obvious (placeholder word, drive code, ...). */
  readonly note?: string;
  /**
   * The product line the number belongs to: HPE ROM family "U30", HPE "iLO 5", Lenovo product
   * code "TEI". Numbers of two different families are never compared.
   */
  readonly family?: string;
  /** Release numbers, most significant first (hex parts already converted). Empty when there is no number. */
  readonly release: readonly number[];
  /** The release parts as written, lowercased ("00", "1b", "53"): shape checks and messages. */
  readonly releaseText: readonly string[];
  /** Pre-release identifiers: "~rc1" → ["rc", "1"], "-rc.1" → ["rc", "1"]. A pre-release sorts before its release. */
  readonly prerelease?: readonly string[];
  /** Respin letter after the last number ("3.7a" → "a"): a newer rebuild of the same release. */
  readonly respin?: string;
  /** Build number after '-' or " Build " (Dell "51.16.0-5150" → 5150, HPE "16.5.0 Build 53" → 53): compared after the release. */
  readonly build?: number;
  /** Commits past the git tag ("2.14.0-dev-1066-g5d3a29a8c" → 1066; 0 for "2.14.0-dirty"); absent when git printed no count. */
  readonly commits?: number;
  /** Abbreviated git commit hash without its "g" ("5d3a29a8c"): names a commit, orders nothing. */
  readonly commit?: string;
  /** Built from a tree with uncommitted changes ("-dirty"): not the same image as the clean commit. */
  readonly dirty?: boolean;
  /** Lenovo build tag after the product code ("TEI3E4D" → "3e4d"). */
  readonly buildTag?: string;
  /** Release date found in the string, ISO yyyy-mm-dd. Informational: never part of the order. */
  readonly date?: string;
  /** Semver build metadata after '+'. Ignored for precedence, as SemVer 2.0.0 §10 says. */
  readonly metadata?: string;
}

/** A parser's answer: everything but the input echo, which parseVersion adds. */
export type VersionFields = Omit<ParsedVersion, 'raw' | 'normalized'>;

/**
 * What a caller knows about a version string beyond its text: the Redfish VersionScheme of the
 * SoftwareInventory member, the BMC vendor and the component kind.
 */
import type { ComponentKind, Vendor } from '../vocab.ts';

/**
 * Redfish SoftwareInventory.VersionScheme values (SoftwareInventory v1_9_0+). Often absent, and
 * services are inconsistent about it, so only SemVer changes how a string is read.
 */
export const VersionScheme = {
  /** Semantic Versioning 2.0.0: a numeric suffix after '-' is a pre-release, not a build number. */
  semVer: 'SemVer',
  /** Integers separated by periods. Detection by shape already covers it. */
  dotIntegerNotation: 'DotIntegerNotation',
  /** Vendor-defined. Detection by shape and vendor rules. */
  oem: 'OEM',
} as const;
export type VersionScheme = (typeof VersionScheme)[keyof typeof VersionScheme];

/** Optional context that sharpens how version strings are read. Applies to both sides of a comparison. */
export interface VersionHints {
  /** Redfish VersionScheme as the service reported it (SemVer | DotIntegerNotation | OEM); matched case-insensitively. */
  scheme?: string;
  /** BMC vendor; 'lenovo' lets a bare build id ("TEI3E4D") be ordered. */
  vendor?: Vendor;
  /** Component kind; 'drive' makes drive firmware codes opaque, 'psu' reads "00.24.7A" as hex bytes. */
  kind?: ComponentKind;
}

/** True when the hint names the SemVer scheme (services differ in case: "SemVer", "semver"). */
export function isSemVerScheme(hints: VersionHints): boolean {
  return hints.scheme?.toLowerCase() === VersionScheme.semVer.toLowerCase();
}

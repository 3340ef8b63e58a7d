export {
  compareParsedVersions,
  compareVersions,
  compareVersionsDetailed,
  isUpgrade,
  type VersionComparison,
} from './compare-versions.ts';
export { type VersionHints, VersionScheme } from './hints.ts';
export { VersionOrder } from './order.ts';
export { parseVersion } from './parse-version.ts';
export { type ParsedVersion, VersionFormat } from './parsed-version.ts';

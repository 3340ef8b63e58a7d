/**
 * Why firmwarden does not feed vendor versions to semver.coerce (DESIGN.md, "Redfish facts that
 * matter"): coerce keeps the first one to three numbers it finds, so it drops the parts that
 * decide, reads family names as versions and turns opaque codes into numbers.
 */
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { compareVersions, VersionOrder } from '../../src/versions/index.ts';

function coerceOrder(a: string, b: string): VersionOrder | 'null' {
  const x = semver.coerce(a);
  const y = semver.coerce(b);
  if (!x || !y) return 'null';
  const sign = semver.compare(x, y);
  return sign < 0 ? VersionOrder.less : sign > 0 ? VersionOrder.greater : VersionOrder.equal;
}

describe('semver.coerce gets vendor versions wrong', () => {
  it.each([
    {
      name: 'Dell iDRAC leading zeros: coerce gives null',
      a: '7.00.00.184',
      b: '7.00.00.183',
      ours: VersionOrder.greater,
    },
    { name: 'fourth part dropped', a: '1.2.3', b: '1.2.3.1', ours: VersionOrder.less },
    { name: 'respin letter dropped', a: '1.2.3', b: '1.2.3a', ours: VersionOrder.less },
    { name: 'tilde pre-release dropped', a: '1.2.3~rc1', b: '1.2.3', ours: VersionOrder.less },
    { name: 'Dell build number dropped', a: '52.26.0-5179', b: '52.26.0-5150', ours: VersionOrder.greater },
    {
      name: 'HPE ROM family read as the major',
      a: 'U32 v1.10 (01/01/2024)',
      b: 'U30 v2.90 (07/20/2023)',
      ours: VersionOrder.incomparable,
    },
    { name: 'iLO generation read as the version', a: 'iLO 5 2.78', b: 'iLO 5 2.96', ours: VersionOrder.less },
    {
      name: 'Lenovo build id digit read as the version',
      a: 'TEI3E4D-4.12',
      b: 'TEI3E6F-4.14',
      ours: VersionOrder.less,
    },
    { name: 'hex read as 0.0.0', a: '0x31', b: '0x30', ours: VersionOrder.greater },
    { name: 'drive codes turned into numbers', a: 'MA8F', b: 'GXA5', ours: VersionOrder.incomparable },
  ])('$name: $a vs $b', ({ a, b, ours }) => {
    expect(compareVersions(a, b)).toBe(ours);
    expect(coerceOrder(a, b)).not.toBe(ours);
  });

  it('semver itself reads a Dell build number as a pre-release', () => {
    // semver: 52.26.0-5179 < 52.26.0. firmwarden: a build of 52.26.0, not ordered against the bare release.
    expect(semver.lt('52.26.0-5179', '52.26.0')).toBe(true);
    expect(compareVersions('52.26.0-5179', '52.26.0')).toBe(VersionOrder.incomparable);
  });

  it('semver itself orders git-describe commit counts as text', () => {
    // "dev-999-g…" is one alphanumeric pre-release identifier to semver: ASCII order puts it after "dev-1066-g…".
    expect(semver.gt('2.14.0-dev-999-gabc1234', '2.14.0-dev-1066-g5d3a29a8c')).toBe(true);
    expect(compareVersions('2.14.0-dev-999-gabc1234', '2.14.0-dev-1066-g5d3a29a8c')).toBe(VersionOrder.less);
  });
});

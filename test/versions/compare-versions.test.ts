import { describe, expect, it } from 'vitest';
import { compareVersions, compareVersionsDetailed, isUpgrade } from '../../src/versions/index.ts';
import { ORDER_OF, TABLES } from './cases.ts';

describe.each(Object.entries(TABLES))('compareVersions: %s', (_heading, cases) => {
  it.each(cases)('$name: $a $expected $b', ({ a, b, expected, hints }) => {
    expect(compareVersions(a, b, hints)).toBe(ORDER_OF[expected]);
  });
});

describe('compareVersionsDetailed', () => {
  it.each([
    {
      name: 'dotted numbers',
      a: '7.00.00.184',
      b: '7.00.00.183',
      reason: 'dotted numeric 7.00.00.184 > 7.00.00.183',
      formats: ['dotted', 'dotted'],
    },
    {
      name: 'HPE ROM families',
      a: 'U30 v2.90 (07/20/2023)',
      b: 'U32 v1.10 (01/01/2024)',
      reason: 'HPE ROM family U30 vs U32: incomparable',
      formats: ['hpe-rom', 'hpe-rom'],
    },
    {
      name: 'Dell build number',
      a: '52.26.0-5150',
      b: '52.26.0-5179',
      reason: 'build number 52.26.0-5150 < 52.26.0-5179',
      formats: ['dotted', 'dotted'],
    },
    {
      name: 'hex vs dotted',
      a: '0x31',
      b: '3.1',
      reason: 'hex 0x31 vs dotted numeric 3.1: hex compares only with hex: incomparable',
      formats: ['hex', 'dotted'],
    },
    {
      name: 'git describe, same tag',
      a: '2.14.0-dev-1066-g5d3a29a8c',
      b: '2.14.0-dev-1234-gdeadbee',
      reason: 'commits past the tag 2.14.0-dev-1066-g5d3a29a8c < 2.14.0-dev-1234-gdeadbee',
      formats: ['git-describe', 'git-describe'],
    },
    {
      name: 'git describe, other release',
      a: '2.15.0-dev-12-gabc1234',
      b: '2.14.0',
      reason: 'git describe/dotted numeric 2.15.0-dev-12-gabc1234 > 2.14.0',
      formats: ['git-describe', 'dotted'],
    },
    {
      name: 'HPE Build N',
      a: '16.5.0 Build 53',
      b: '16.5.0 Build 60',
      reason: 'build number 16.5.0 Build 53 < 16.5.0 Build 60',
      formats: ['dotted', 'dotted'],
    },
  ])('$name: reason and formats', ({ a, b, reason, formats }) => {
    const result = compareVersionsDetailed(a, b);
    expect(result.reason).toBe(reason);
    expect([result.formatA, result.formatB]).toEqual(formats);
  });

  it.each([
    {
      name: 'unknown installed names the placeholder',
      a: 'N/A',
      b: '1.0',
      mention: '"N/A" is not a version',
    },
    {
      name: 'date is said to be ignored',
      a: '2.96 Aug 17 2023',
      b: '2.96',
      mention: 'release dates are not compared',
    },
    { name: 'one-sided family is said', a: 'iLO 5 2.78', b: '2.78', mention: 'iLO 5 on one side only' },
    {
      name: 'one-sided build is said',
      a: '51.16.0-5150',
      b: '51.16.0',
      mention: 'build number on one side only',
    },
    {
      name: 'same distance, other commit is said',
      a: '2.14.0-dev-1234-gdeadbee',
      b: '2.14.0-dev-1234-gabc1234',
      mention: 'different commits 1234 past the same tag',
    },
    {
      name: 'dirty on one side is said',
      a: '2.14.0-dev-1234-gdeadbee-dirty',
      b: '2.14.0-dev-1234-gdeadbee',
      mention: 'uncommitted changes (-dirty) on one side only',
    },
    {
      name: 'missing count is said',
      a: 'v2.14.0-gabcdef0',
      b: '2.14.0',
      mention: 'no commit count after the tag',
    },
  ])('$name', ({ a, b, mention }) => {
    expect(compareVersionsDetailed(a, b).reason).toContain(mention);
  });
});

describe('isUpgrade', () => {
  it.each([
    { name: 'older installed', installed: '7.00.00.183', target: '7.00.00.184', upgrade: true },
    { name: 'same release', installed: '1.2', target: '1.2.0', upgrade: false },
    { name: 'downgrade', installed: '2.10.0', target: '2.9.0', upgrade: false },
    { name: 'unknown installed version', installed: 'Unknown', target: '1.0.0', upgrade: false },
    { name: 'empty installed version', installed: '', target: '1.0.0', upgrade: false },
    { name: 'all-zero placeholder installed', installed: '0.0.0', target: '1.0.0', upgrade: false },
    { name: 'other ROM family', installed: 'U30 v2.80', target: 'U32 v2.90', upgrade: false },
    { name: 'other iLO generation', installed: 'iLO 5 2.78', target: 'iLO 6 1.55', upgrade: false },
    { name: 'opaque drive codes', installed: 'MA8F', target: 'MA8G', upgrade: false },
    { name: 'build number on one side', installed: '51.16.0', target: '51.16.0-5150', upgrade: false },
    { name: 'Dell PERC newer build', installed: '52.26.0-5150', target: '52.26.0-5179', upgrade: true },
    {
      name: 'HPE ROM same family',
      installed: 'U30 v2.80 (10/16/2023)',
      target: 'U30 v2.90 (07/20/2023)',
      upgrade: true,
    },
    { name: 'pre-release to release', installed: '1.2.3~rc1', target: '1.2.3', upgrade: true },
    {
      name: 'OpenBMC later dev build',
      installed: '2.14.0-dev-1066-g5d3a29a8c',
      target: '2.14.0-dev-1234-gdeadbee',
      upgrade: true,
    },
    {
      name: 'OpenBMC dirty build to its clean commit',
      installed: '2.14.0-dev-1234-gdeadbee-dirty',
      target: '2.14.0-dev-1234-gdeadbee',
      upgrade: false,
    },
    { name: 'HPE IPAD later build', installed: '16.5.0 Build 53', target: '16.5.0 Build 60', upgrade: true },
  ])('$name: $installed → $target is $upgrade', ({ installed, target, upgrade }) => {
    expect(isUpgrade(installed, target)).toBe(upgrade);
  });

  it('uses the hints (Lenovo bare build ids)', () => {
    expect(isUpgrade('TEI3E4D', 'TEI3E6F', { vendor: 'lenovo' })).toBe(true);
    expect(isUpgrade('TEI3E4D', 'TEI3E6F')).toBe(false);
  });
});

function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort((x, y) => {
    const order = compareVersions(x, y);
    return order === 'less' ? -1 : order === 'greater' ? 1 : 0;
  });
}

describe('sorting a fleet of versions', () => {
  it('orders OpenBMC images along the dev and release lines', () => {
    const sorted = [
      '2.13.0-dev-811-g1b6a87a2b',
      '2.13.0',
      '2.14.0-dev-999-gabc1234',
      '2.14.0-dev-1066-g5d3a29a8c',
      '2.14.0-rc1-3-g7654321',
      '2.14.0',
      '2.14.0-2-g1234567',
      '2.15.0-dev-2242-gd2c1a8f13',
    ];
    expect(sortVersions([...sorted].reverse())).toEqual(sorted);
    // Text order would put "dev-999" after "dev-1066" and "rc1" after the release.
    expect(sortVersions([...sorted].sort())).toEqual(sorted);
  });

  it('orders Dell iDRAC versions as the vendor does', () => {
    const shuffled = ['7.00.00.184', '6.10.30.00', '7.00.00.183', '6.00.30.00', '7.10.50.00', '6.00.02.00'];
    expect(sortVersions(shuffled)).toEqual([
      '6.00.02.00',
      '6.00.30.00',
      '6.10.30.00',
      '7.00.00.183',
      '7.00.00.184',
      '7.10.50.00',
    ]);
  });
});

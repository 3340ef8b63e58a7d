/**
 * Order properties over every value of the comparison tables: the planner relies on
 * compare(a, b) and compare(b, a) telling the same story, and on sorted lists staying sorted.
 */
import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion, type VersionHints, VersionOrder } from '../../src/versions/index.ts';
import { ALL_CASES } from './cases.ts';

const INVERSE: Record<VersionOrder, VersionOrder> = {
  less: VersionOrder.greater,
  greater: VersionOrder.less,
  equal: VersionOrder.equal,
  incomparable: VersionOrder.incomparable,
};

/** Table values grouped by the hints they were compared under (hints change the reading). */
function valuesByHints(): { label: string; hints: VersionHints; values: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const { a, b, hints } of ALL_CASES) {
    const key = JSON.stringify(hints ?? {});
    const values = groups.get(key) ?? new Set<string>();
    values.add(a).add(b);
    groups.set(key, values);
  }
  return [...groups].map(([key, values]) => ({ label: key, hints: JSON.parse(key), values: [...values] }));
}

/** Every chain a ≤ b ≤ c whose end points do not compare as the chain says. */
function transitivityViolations(values: readonly string[], hints: VersionHints = {}): string[] {
  const violations: string[] = [];
  const matrix = new Map<string, VersionOrder>();
  for (const a of values) for (const b of values) matrix.set(`${a}\u0001${b}`, compareVersions(a, b, hints));
  const cmp = (x: string, y: string) => matrix.get(`${x}\u0001${y}`) ?? VersionOrder.incomparable;
  const le = (o: VersionOrder) => o === VersionOrder.less || o === VersionOrder.equal;
  for (const a of values) {
    for (const b of values) {
      const ab = cmp(a, b);
      if (!le(ab)) continue;
      for (const c of values) {
        const bc = cmp(b, c);
        if (!le(bc)) continue;
        const want =
          ab === VersionOrder.equal && bc === VersionOrder.equal ? VersionOrder.equal : VersionOrder.less;
        const ac = cmp(a, c);
        if (ac !== want) violations.push(`${a} ${ab} ${b} ${bc} ${c}, but ${a} ${ac} ${c}`);
      }
    }
  }
  return violations;
}

describe('symmetry: compare(b, a) is the inverse of compare(a, b)', () => {
  it.each(valuesByHints())('over all table values with hints $label', ({ hints, values }) => {
    const broken: string[] = [];
    for (const a of values) {
      for (const b of values) {
        const ab = compareVersions(a, b, hints);
        const ba = compareVersions(b, a, hints);
        if (ba !== INVERSE[ab]) broken.push(`${a} ${ab} ${b} but ${b} ${ba} ${a}`);
      }
    }
    expect(broken).toEqual([]);
    expect(values.length).toBeGreaterThan(1);
  });
});

describe('reflexivity', () => {
  it.each(valuesByHints())(
    'every version equals itself, unknown ones compare with nothing ($label)',
    ({ hints, values }) => {
      for (const v of values) {
        const expected =
          parseVersion(v, hints).format === 'unknown' ? VersionOrder.incomparable : VersionOrder.equal;
        expect(compareVersions(v, v, hints), JSON.stringify(v)).toBe(expected);
      }
    },
  );
});

describe('transitivity', () => {
  it('holds over all family-less dotted and semver table values', () => {
    const values = [
      ...new Set(ALL_CASES.filter((c) => c.hints === undefined).flatMap((c) => [c.a, c.b])),
    ].filter((v) => {
      const p = parseVersion(v);
      return p.family === undefined && (p.format === 'dotted' || p.format === 'semver');
    });
    expect(values.length).toBeGreaterThan(50);
    expect(transitivityViolations(values)).toEqual([]);
  });

  it.each([
    {
      name: 'HPE ROM family U30 with bare and dated versions',
      values: [
        'U30 v2.90 (07/20/2023)',
        'U30 v2.80 (10/16/2023)',
        'U30 v2.90 (08/01/2023)',
        '2.90',
        '2.96 Aug 17 2023',
        'U30 v1.10',
      ],
    },
    {
      name: 'HPE iLO 5',
      values: ['iLO 5 2.78', 'iLO 5 v2.44', '2.78', '2.96 Aug 17 2023', 'iLO 5 v2.96 Aug 17 2023'],
    },
    {
      name: 'Dell PSU',
      values: ['00.1B.53', '00.1B.54', '00.1B.FF', '00.20.00', '00.1C.00', '00.24.7A', '00.24.75'],
    },
    {
      name: 'Dell PERC builds',
      values: ['51.16.0-5150', '52.26.0-5150', '52.26.0-5179', '52.26.0', '52.27.0', '51.16.1'],
    },
    { name: 'hex', values: ['0x31', '0x30', '0x1A', '0x0b', '0x100', '0xff'] },
    {
      name: 'OpenBMC git describe with plain and semver tags',
      values: [
        '2.13.0',
        '2.14.0-dev-999-gabc1234',
        '2.14.0-dev-1066-g5d3a29a8c',
        '2.14.0-dev-1234-gdeadbee',
        '2.14.0-dev-1234-gabc1234',
        '2.14.0-dev-1234-gdeadbee-dirty',
        '2.14.0-rc1-5-g1234567',
        '2.14.0-rc.1',
        '2.14.0',
        '2.14.0-dirty',
        '2.14.0-3-g7654321',
        'v2.14.0-gabcdef0',
        '2.14.0-gabcdef0',
        '2.15.0-dev-12-gabc1234',
      ],
    },
    {
      name: 'HPE Build N with Dell build numbers',
      values: [
        '15.2.0 Build 41',
        '16.5.0 Build 53',
        '16.5.0 Build 053',
        '16.5.0-53',
        '16.5.0 Build 60',
        '16.5.0',
        '16.6',
      ],
    },
    {
      name: 'Lenovo XCC (lenovo hint)',
      values: ['TEI3E4D-4.12', 'TEI3E5A-4.12', 'TEI3E6F-4.14', 'TEI3E4D', 'TEI3E6F', 'TEI4A0A', 'TEI39ZZ'],
      hints: { vendor: 'lenovo' } as VersionHints,
    },
  ])('holds within one family: $name', ({ values, hints }) => {
    expect(transitivityViolations(values, hints)).toEqual([]);
  });

  it('does not hold across families bridged by a bare version (by design)', () => {
    // "iLO 5 2.78" = "2.78" (pairs.tsv) and "2.78" = "iLO 6 2.78", yet iLO 5 and iLO 6 never compare.
    expect(compareVersions('iLO 5 2.78', '2.78')).toBe('equal');
    expect(compareVersions('2.78', 'iLO 6 2.78')).toBe('equal');
    expect(compareVersions('iLO 5 2.78', 'iLO 6 2.78')).toBe('incomparable');
  });

  it('does not hold across two commits bridged by their tag (by design)', () => {
    // "-0-g<hash>" (git describe --long at the tag) is the tag itself, but two different commits
    // both claiming to be the tag (another repository, a moved tag) have no order.
    expect(compareVersions('2.14.0-0-g5d3a29a8c', '2.14.0')).toBe('equal');
    expect(compareVersions('2.14.0', '2.14.0-0-gabc1234')).toBe('equal');
    expect(compareVersions('2.14.0-0-g5d3a29a8c', '2.14.0-0-gabc1234')).toBe('incomparable');
  });
});

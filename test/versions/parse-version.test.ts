import { describe, expect, it } from 'vitest';
import { type ParsedVersion, parseVersion, type VersionHints } from '../../src/versions/index.ts';

describe('parseVersion', () => {
  it.each<{ name: string; input: string; hints?: VersionHints; expected: Partial<ParsedVersion> }>([
    {
      name: 'Dell iDRAC dotted',
      input: '7.00.00.184',
      expected: { format: 'dotted', release: [7, 0, 0, 184], releaseText: ['7', '00', '00', '184'] },
    },
    {
      name: 'Dell PERC build number',
      input: '51.16.0-5150',
      expected: { format: 'dotted', release: [51, 16, 0], build: 5150 },
    },
    { name: 'respin letter', input: '3.7a', expected: { format: 'dotted', release: [3, 7], respin: 'a' } },
    {
      name: 'tilde pre-release',
      input: '1.2.3~rc1',
      expected: { format: 'dotted', prerelease: ['rc', '1'] },
    },
    {
      name: 'semver pre-release',
      input: '1.0.0-rc.1',
      expected: { format: 'semver', release: [1, 0, 0], prerelease: ['rc', '1'] },
    },
    { name: 'semver metadata', input: '1.4.2+build.7', expected: { format: 'semver', metadata: 'build.7' } },
    {
      name: 'numeric suffix under SemVer scheme',
      input: '52.26.0-5179',
      hints: { scheme: 'SemVer' },
      expected: { format: 'semver', prerelease: ['5179'] },
    },
    {
      name: 'HPE Build N',
      input: '16.5.0 Build 053',
      expected: { format: 'dotted', release: [16, 5, 0], build: 53 },
    },
    {
      name: 'OpenBMC git describe',
      input: '2.14.0-dev-1066-g5d3a29a8c',
      expected: {
        format: 'git-describe',
        release: [2, 14, 0],
        prerelease: ['dev'],
        commits: 1066,
        commit: '5d3a29a8c',
      },
    },
    {
      name: 'git describe --dirty, rc tag',
      input: '2.6.0-rc1-103-g3cce45a-dirty',
      expected: {
        format: 'git-describe',
        prerelease: ['rc', '1'],
        commits: 103,
        commit: '3cce45a',
        dirty: true,
      },
    },
    {
      name: 'git describe without count',
      input: 'v2.14.0-gABCDEF0',
      expected: { format: 'git-describe', release: [2, 14, 0], commit: 'abcdef0' },
    },
    {
      name: 'git describe --dirty at the tag',
      input: '2.14.0-dirty',
      expected: { format: 'git-describe', release: [2, 14, 0], commits: 0, dirty: true },
    },
    {
      name: 'text before a git tag',
      input: 'op-build-v1.19-320-gf959966-dirty',
      expected: { format: 'opaque' },
    },
    { name: 'HPE SPLD hex', input: '0x31', expected: { format: 'hex', release: [0x31] } },
    {
      name: 'HPE System ROM',
      input: 'U30 v2.90 (07/20/2023)',
      expected: { format: 'hpe-rom', family: 'U30', release: [2, 90], date: '2023-07-20' },
    },
    {
      name: 'HPE ROM, older tool format',
      input: 'P89 2.30 09/13/2016',
      expected: { family: 'P89', date: '2016-09-13' },
    },
    {
      name: 'HPE iLO 5 dated',
      input: '2.96 Aug 17 2023',
      expected: { format: 'dotted', release: [2, 96], date: '2023-08-17' },
    },
    {
      name: 'HPE iLO product prefix',
      input: 'iLO 5 v2.44',
      expected: { format: 'dotted', family: 'iLO 5', release: [2, 44] },
    },
    {
      name: 'Lenovo build id with version',
      input: 'TEI3E4D-4.12',
      expected: { format: 'lenovo-build', family: 'TEI', buildTag: '3e4d', release: [4, 12] },
    },
    {
      name: 'Lenovo bare build id under lenovo hint',
      input: 'TEI3E4D',
      hints: { vendor: 'lenovo' },
      expected: { format: 'lenovo-build', family: 'TEI', buildTag: '3e4d', release: [] },
    },
    { name: 'Lenovo bare build id without hint', input: 'TEI3E4D', expected: { format: 'opaque' } },
    {
      name: 'Dell PSU hex bytes',
      input: '00.1B.53',
      expected: { format: 'hex-dotted', release: [0, 0x1b, 0x53] },
    },
    { name: 'drive firmware code', input: 'MA8F', expected: { format: 'opaque', release: [] } },
    {
      name: 'drive kind makes codes opaque',
      input: '4.1a',
      hints: { kind: 'drive' },
      expected: { format: 'opaque' },
    },
    { name: 'empty', input: '', expected: { format: 'unknown', note: 'empty' } },
    { name: 'placeholder word', input: ' N/A ', expected: { format: 'unknown', normalized: 'n/a' } },
    {
      name: 'all-zero placeholder',
      input: '0.0.0',
      expected: { format: 'unknown', note: 'all-zero placeholder' },
    },
    { name: 'invalid date stays in the text', input: '2.96 Foo 17 2023', expected: { format: 'opaque' } },
    {
      name: 'part too large for an exact number',
      input: '1.12345678901234567890',
      expected: { format: 'opaque' },
    },
  ])('$name: $input', ({ input, hints, expected }) => {
    const parsed = parseVersion(input, hints);
    expect(parsed).toMatchObject(expected);
    expect(parsed.raw).toBe(input);
  });

  it('never throws and always returns a format', () => {
    for (const input of [
      '',
      ' ',
      '\u0000',
      '...',
      'v',
      'vv1',
      '1..2',
      '.1',
      '1.',
      '-1',
      '~',
      '0x',
      'iLO 5',
      'U30 v',
      '-dirty',
      '-g1234567',
      '1.2-g123',
      '1.2.3 build',
    ]) {
      expect(parseVersion(input).format, JSON.stringify(input)).toMatch(/^(unknown|opaque)$/);
    }
  });

  it('is JSON-serializable, so a plan can carry it', () => {
    const parsed = parseVersion('U30 v2.90 (07/20/2023)');
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(parsed);
  });
});

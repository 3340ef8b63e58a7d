/**
 * Comparison tables shared by the version tests: each row names the format it covers. The
 * property tests (symmetry, transitivity) run over every value that appears here.
 */
import type { VersionHints } from '../../src/versions/index.ts';
import { VersionOrder } from '../../src/versions/index.ts';

/** '<' less, '=' equal, '>' greater, '~' incomparable (the notation of pairs.tsv). */
export type Expect = '<' | '=' | '>' | '~';

export interface Case {
  name: string;
  a: string;
  b: string;
  expected: Expect;
  hints?: VersionHints;
}

export const ORDER_OF: Record<Expect, VersionOrder> = {
  '<': VersionOrder.less,
  '=': VersionOrder.equal,
  '>': VersionOrder.greater,
  '~': VersionOrder.incomparable,
};

const c = (name: string, a: string, b: string, expected: Expect, hints?: VersionHints): Case =>
  hints === undefined ? { name, a, b, expected } : { name, a, b, expected, hints };

const LENOVO: VersionHints = { vendor: 'lenovo' };
const PSU: VersionHints = { vendor: 'dell', kind: 'psu' };
const DRIVE: VersionHints = { kind: 'drive' };
const SEMVER: VersionHints = { scheme: 'SemVer' };

export const DOTTED: Case[] = [
  c('numeric not string order', '2.10.0', '2.9.0', '>'),
  c('Dell iDRAC 9 four parts, leading zeros', '7.00.00.184', '7.00.00.183', '>'),
  c('leading zeros compare by value', '001.002.003', '1.2.3', '='),
  c('longer with same prefix is newer', '1.2.3', '1.2.3.1', '<'),
  c('trailing zero part is the same release', '1.2', '1.2.0', '='),
  c('two trailing zero parts', '1.2.0.0', '1.2', '='),
  c('non-zero fourth part', '1.2.0.1', '1.2', '>'),
  c('HPE/Broadcom NIC', '20.14.54', '20.14.6', '>'),
  c('Dell iDRAC two-digit parts', '6.00.30.00', '6.00.02.00', '>'),
  c('Lenovo bundle', '227.1.115.0', '227.0.3.1', '>'),
  c('minor 10 after 9', '1.10', '1.9', '>'),
  c('parts are integers, not decimal fractions', '2.90', '2.9', '>'),
  c('single number', '5', '6', '<'),
  c('single number and trailing zero', '5', '5.0', '='),
  c('major beats everything after it', '10.0.0', '9.99.99', '>'),
  c('zero major', '0.0.1', '0.1', '<'),
  c('identical', '4.40.00.00', '4.40.00.00', '='),
];

export const BUILD_NUMBERS: Case[] = [
  c('Dell PERC build number', '52.26.0-5179', '52.26.0-5150', '>'),
  c('Dell catalog vendorVersion', '12.10.7-0001', '12.10.6-0001', '>'),
  c('release decides before build', '51.16.0-5150', '52.26.0-5179', '<'),
  c('build leading zeros by value', '12.10.7-0001', '12.10.7-1', '='),
  c('same release, later build', '12.10.7-0002', '12.10.7-0001', '>'),
  c('build number on one side only', '51.16.0-5150', '51.16.0', '~'),
  c('smaller build of a newer release', '52.26.0-5000', '52.25.9-9999', '>'),
  c('one-sided build, release decides', '51.16.0-5150', '51.16.1', '<'),
];

/**
 * " Build N": HPE iLO 5 Intelligent Platform Abstraction Data ("15.1.0 Build 33" in
 * Comcast/fishymetrics PR #82). The build is a counter like Dell's "-N": by value, padding aside.
 */
export const BUILD_WORD: Case[] = [
  c('HPE IPAD later build', '16.5.0 Build 53', '16.5.0 Build 60', '<'),
  c('build by value, not text', '16.5.0 Build 9', '16.5.0 Build 10', '<'),
  c('release decides before build', '15.2.0 Build 41', '16.5.0 Build 33', '<'),
  c('padded build number is the same build', '16.5.0 Build 053', '16.5.0 Build 53', '='),
  c('word case and spacing', '16.5.0  BUILD 53', '16.5.0 build 53', '='),
  c('same counter as the dash build', '16.5.0 Build 53', '16.5.0-53', '='),
  c('Build N on one side only', '16.5.0 Build 53', '16.5.0', '~'),
  c('one-sided Build N, release decides', '16.5.0 Build 53', '16.6', '<'),
  c('Build N vs respin letter', '16.5.0 Build 1', '16.5.0a', '~'),
  c('identical', '15.1.0 Build 33', '15.1.0 Build 33', '='),
];

/**
 * `git describe` versions. OpenBMC sets its image version from `git describe --dirty`
 * (openbmc/openbmc meta-phosphor/recipes-core/os-release/os-release.bbappend) and bmcweb reports
 * it as Version / FirmwareVersion: "2.6.0-rc1-103-g3cce45a" (openbmc/openbmc-test-automation issue
 * #1513), "v2.4-248-ga5c52ff" (xcat2/xcat2-task-management issue #553), "2.14.0-dev-1066-g5d3a29a8c"
 * on the current dev line. "op-build-v1.19-320-gf959966-dirty" is OpenPOWER host firmware
 * (xcat2/xcat-core PR #4802).
 */
export const GIT_DESCRIBE: Case[] = [
  c('OpenBMC: release numbers decide', '2.14.0-dev-1234-gdeadbee', '2.15.1-dev-12-gabc1234', '<'),
  c('OpenBMC: next dev line', '2.14.0-dev-1234-gdeadbee', '2.15.0-dev-12-gabc1234', '<'),
  c('same tag, commit count decides', '2.14.0-dev-1066-g5d3a29a8c', '2.14.0-dev-1234-gdeadbee', '<'),
  c('commit count by value, not text', '2.14.0-dev-999-gabc1234', '2.14.0-dev-1066-g5d3a29a8c', '<'),
  c('same tag and count, different hash', '2.14.0-dev-1234-gdeadbee', '2.14.0-dev-1234-gabc1234', '~'),
  c('identical', '2.14.0-dev-1066-g5d3a29a8c', '2.14.0-dev-1066-g5d3a29a8c', '='),
  c('hash case', '2.14.0-dev-1234-gDEADBEE', '2.14.0-dev-1234-gdeadbee', '='),
  c('hash abbreviations are not matched up', '2.14.0-dev-1234-gdeadbee', '2.14.0-dev-1234-gdeadbee1', '~'),
  c('dev line before its release', '2.14.0-dev-1234-gdeadbee', '2.14.0', '<'),
  c('dev line after the previous release', '2.14.0-dev-1234-gdeadbee', '2.13.0', '>'),
  c('rc tag after dev tag', '2.6.0-rc1-103-g3cce45a', '2.6.0-dev-900-gabc1234', '>'),
  c('bmcweb rc builds by count', '2.6.0-rc1-103-g3cce45a', '2.6.0-rc1-134-gabc1234', '<'),
  c('rc builds before the release', '2.6.0-rc1-134-gabc1234', '2.6.0', '<'),
  c('rc1 builds before the rc2 tag', '2.6.0-rc1-134-gabc1234', '2.6.0-rc2-1-g1234567', '<'),
  c('rc9 before rc10', '2.6.0-rc9-5-g1234567', '2.6.0-rc10-1-g7654321', '<'),
  c('tag pre-release reads like semver', '2.6.0-rc1-2-g3cce45a', '2.6.0-rc.1', '>'),
  c('zero commits past the tag is the tag', '2.6.0-rc1-0-g3cce45a', '2.6.0-rc.1', '='),
  c('commits past a release tag', 'v2.4-248-ga5c52ff', '2.4', '>'),
  c('commits past a release tag, before the next', 'v2.4-248-ga5c52ff', '2.4.1', '<'),
  c('leading v on the tag', 'v2.4-248-ga5c52ff', '2.4-248-ga5c52ff', '='),
  c('no count: unknown distance from the tag', 'v2.14.0-gabcdef0', '2.14.0', '~'),
  c('no count, different hashes', 'v2.14.0-gabcdef0', 'v2.14.0-g1234567', '~'),
  c('no count, same hash', 'v2.14.0-gabcdef0', '2.14.0-gabcdef0', '='),
  c('no count, release numbers decide', 'v2.14.0-gabcdef0', 'v2.15.0-g1234567', '<'),
  c('no count vs counted build', 'v2.14.0-gabcdef0', '2.14.0-5-gabcdef0', '~'),
  c('no count vs older release', 'v2.14.0-gabcdef0', '2.13.9', '>'),
  c(
    'OpenBMC dirty vs clean of one commit',
    '2.14.0-dev-1234-gdeadbee-dirty',
    '2.14.0-dev-1234-gdeadbee',
    '~',
  ),
  c('OpenBMC dirty identical', '2.14.0-dev-1234-gdeadbee-dirty', '2.14.0-dev-1234-gdeadbee-dirty', '='),
  c('dirty builds ordered by count', '2.14.0-dev-1234-gdeadbee-dirty', '2.14.0-dev-1240-gabc1234', '<'),
  c(
    'dirty, same count, different hash',
    '2.14.0-dev-1234-gdeadbee-dirty',
    '2.14.0-dev-1234-gabc1234-dirty',
    '~',
  ),
  c(
    'dirty ordered by release numbers',
    '2.14.0-dev-1234-gdeadbee-dirty',
    '2.15.0-dev-12-gabc1234-dirty',
    '<',
  ),
  c('dirty at the tag vs the tag', '2.14.0-dirty', '2.14.0', '~'),
  c('dirty at the tag before later commits', '2.14.0-dirty', '2.14.0-1-gabc1234', '<'),
  c('dirty at the tag after an older release', 'v2.14.0-dirty', '2.13.0', '>'),
  c('dirty, no count', 'v2.14.0-gabcdef0-dirty', 'v2.14.0-gabcdef0', '~'),
  c('git commit vs Dell build number', '2.14.0-5-gabc1234', '2.14.0-5', '~'),
  c('git commit vs respin letter', '2.14.0-1-gabc1234', '2.14.0a', '~'),
  c('git commit vs Build N', '2.14.0-5-gabc1234', '2.14.0 Build 5', '~'),
  c('text before the tag stays opaque', 'op-build-v1.19-320-gf959966', 'op-build-v1.19-321-gabc1234', '~'),
  c(
    'SemVer scheme still reads git describe',
    '2.14.0-dev-999-gabc1234',
    '2.14.0-dev-1066-g5d3a29a8c',
    '<',
    SEMVER,
  ),
];

export const RESPINS: Case[] = [
  c('respin is newer', '3.7a', '3.7', '>'),
  c('respins in letter order', '1.2.3a', '1.2.3b', '<'),
  c('respin older than next release', '1.2.3a', '1.2.4', '<'),
  c('late respin still older than next release', '1.2.3z', '1.2.10', '<'),
  c('respin letter case', '3.7A', '3.7a', '='),
  c('respin vs build number', '1.2.3a', '1.2.3-5', '~'),
  c('respin with padded release', '3.7a', '3.7.0a', '='),
  c('uppercase respin on a short part', '1.2.3A', '1.2.3b', '<'),
];

export const PRERELEASES: Case[] = [
  c('tilde pre-release before release', '1.2.3~rc1', '1.2.3', '<'),
  c('tilde rc1 < rc2', '1.2.3~rc1', '1.2.3~rc2', '<'),
  c('tilde rc9 < rc10 (numeric)', '1.2.3~rc9', '1.2.3~rc10', '<'),
  c('tilde beta < rc', '1.2.3~beta1', '1.2.3~rc1', '<'),
  c('tilde pre-release after previous release', '1.2.3~rc1', '1.2.2', '>'),
  c('pre-release before respin', '1.2.3~rc1', '1.2.3a', '<'),
  c('semver pre-release before release', '1.0.0-rc.1', '1.0.0', '<'),
  c('semver alpha < alpha.1', '1.0.0-alpha', '1.0.0-alpha.1', '<'),
  c('semver numeric id < alphanumeric id', '1.0.0-alpha.1', '1.0.0-alpha.beta', '<'),
  c('semver beta.2 < beta.11', '1.0.0-beta.2', '1.0.0-beta.11', '<'),
  c('semver beta < rc', '1.0.0-beta.11', '1.0.0-rc.1', '<'),
  c('semver pre-release after older release', '1.0.0-rc.1', '0.9.9', '>'),
  c('semver build metadata ignored', '1.0.0+build.5', '1.0.0', '='),
  c('tilde and semver tags read alike', '1.0.0-rc.1', '1.0.0~rc1', '='),
  c('semver with leading v', 'v1.0.0-rc.1', 'v1.0.0', '<'),
  c('SemVer scheme: numeric suffix is a pre-release', '52.26.0-5179', '52.26.0', '<', SEMVER),
  c('SemVer scheme: numeric pre-releases', '1.0.0-1', '1.0.0-2', '<', SEMVER),
  c('SemVer scheme matched case-insensitively', '1.0.0-1', '1.0.0', '<', { scheme: 'semver' }),
  c('SemVer scheme: plain versions unchanged', '2.10.0', '2.9.0', '>', SEMVER),
  c('DotIntegerNotation scheme: build number stays a build', '52.26.0-5179', '52.26.0-5150', '>', {
    scheme: 'DotIntegerNotation',
  }),
];

export const HEX: Case[] = [
  c('HPE SPLD', '0x31', '0x30', '>'),
  c('hex value, mixed case and width', '0x1A', '0x0b', '>'),
  c('hex leading zero and case', '0x0A', '0xa', '='),
  c('hex prefix case', '0X31', '0x31', '='),
  c('hex three digits', '0x100', '0xff', '>'),
  c('hex vs decimal', '0x10', '10', '~'),
  c('hex vs dotted', '0x31', '1.2.3', '~'),
];

export const HPE: Case[] = [
  c('System ROM same family by version', 'U30 v2.90 (07/20/2023)', 'U30 v2.80 (10/16/2023)', '>'),
  c('System ROM different families', 'U30 v2.90 (07/20/2023)', 'U32 v1.10 (01/01/2024)', '~'),
  c('System ROM date is not the order', 'U30 v2.90 (07/20/2023)', 'U30 v2.90 (08/01/2023)', '='),
  c('System ROM against bare version', 'U30 v2.90 (07/20/2023)', '2.90', '='),
  c('System ROM older tool format', 'P89 2.30 09/13/2016', 'P89 v2.76 (10/21/2019)', '<'),
  c('System ROM case', 'u30 v2.90', 'U30 V2.90', '='),
  c('System ROM families across generations', 'A43 v1.38 (10/30/2020)', 'U30 v2.90 (07/20/2023)', '~'),
  c('iLO 5 build date ignored', '2.96 Aug 17 2023', '2.96', '='),
  c('iLO 5 dated versions', '2.96 Aug 17 2023', '2.78 Feb 02 2023', '>'),
  c('iLO product prefix stripped', 'iLO 5 2.78', '2.78', '='),
  c('iLO prefix with v', 'iLO 5 v2.44', 'iLO 5 2.78', '<'),
  c('iLO 5 vs iLO 6', 'iLO 5 2.78', 'iLO 6 1.55', '~'),
  c('iLO generations, same number', 'iLO 5 2.78', 'iLO 6 2.78', '~'),
  c('iLO prefix and date', 'iLO 5 v2.96 Aug 17 2023', '2.96', '='),
  c('iLO vs ROM family', 'iLO 5 2.78', 'U30 v2.78', '~'),
  c('leading v', 'v2.90', '2.90', '='),
];

export const LENOVO_CASES: Case[] = [
  c('build id with version, newer', 'TEI3E4D-4.12', 'TEI3E6F-4.14', '<'),
  c('different product codes', 'TEI3E4D-4.12', 'CDI3A4E-4.12', '~'),
  c('build id prefix stripped against bare version', 'TEI3E4D-4.12', '4.12', '='),
  c('identical build ids', 'TEI3E4D-4.12', 'TEI3E4D-4.12', '='),
  c('version and build tag disagree', 'TEI3E8H-4.10', 'TEI3E4D-4.12', '~'),
  c('same version, later build', 'TEI3E4D-4.12', 'TEI3E5A-4.12', '<'),
  c('bare build ids under lenovo hint', 'TEI3E4D', 'TEI3E6F', '<', LENOVO),
  c('bare build ids, other product code', 'TEI3E4D', 'CDI3E6F', '~', LENOVO),
  c('bare build ids without the hint are opaque', 'TEI3E4D', 'TEI3E6F', '~'),
  c('bare build id has no version', 'TEI3E4D', '4.12', '~', LENOVO),
  c('bare against versioned build id', 'TEI3E4D', 'TEI3E6F-4.14', '<', LENOVO),
  c('base 36 carries into the next digit', 'TEI3Z9Z', 'TEI4A0A', '<', LENOVO),
  c('digits sort before letters', 'TEI39ZZ', 'TEI3A00', '<', LENOVO),
  c('build id case', 'tei3e4d-4.12', 'TEI3E4D-4.12', '='),
];

export const DELL_PSU: Case[] = [
  c('Dell PSU hex middle part', '00.1B.53', '00.1B.54', '<'),
  c('hex part carries past 9F', '00.1B.FF', '00.20.00', '<'),
  c('hex letters in the middle', '00.1B.53', '00.1C.00', '<'),
  c('hex parts case', '00.1b.53', '00.1B.53', '='),
  c('uppercase trailing byte is hex', '00.24.7A', '00.24.75', '>'),
  c('PSU hint reads lowercase trailing byte as hex', '00.24.7a', '00.24.75', '>', PSU),
  c('hex-dotted vs other shape', '00.1B.53', '1.2.3', '~'),
  c('hex-dotted vs 0x hex', '00.1B.53', '0x1B', '~'),
  c('lowercase trailing letter without hint is a respin', '10.2a', '10.21', '<'),
];

export const OPAQUE: Case[] = [
  c('identical drive code', 'MA8F', 'MA8F', '='),
  c('drive codes have no order', 'MA8F', 'MA8G', '~'),
  c('different drive code lines', 'GXA5', 'HPD4', '~'),
  c('drive code case', 'ma8f', 'MA8F', '='),
  c('opaque vs dotted', 'MA8F', '1.2.3', '~'),
  c('drive kind: respin-looking code is opaque', '4.1a', '4.1', '~', DRIVE),
  c('drive kind: plain dotted still ordered', '1.0.5', '1.0.6', '<', DRIVE),
  c('drive kind: HPE drive codes', 'HPD4', 'HPD5', '~', DRIVE),
  c('git hash suffix', '2.48.89b32e0d', '2.48.89b32e0e', '~'),
  c(
    'Intel BIOS id',
    'SE5C620.86B.02.01.0012.C0001.070720200218',
    'SE5C620.86B.02.01.0013.C0001.070720200218',
    '~',
  ),
];

export const GARBAGE: Case[] = [
  c('empty vs real', '', '1.2.3', '~'),
  c('empty vs empty', '', '', '~'),
  c('N/A vs N/A', 'N/A', 'N/A', '~'),
  c('Unknown vs real', 'Unknown', '1.0', '~'),
  c('all-zero placeholder vs itself', '0.0.0', '0.0.0', '~'),
  c('all-zero placeholder vs real', '0.0.0', '1.0.0', '~'),
  c('whitespace only', '   ', '1.0', '~'),
  c('placeholder vs opaque code', 'n/a', 'MA8F', '~'),
  c('garbled control character', '1.2.3\u0000', '1.2.3', '~'),
  c('punctuation only', '---', '---', '~'),
  c('HPE Not Available', 'Not Available', '2.78', '~'),
  c('replacement character', '2.7\uFFFD', '2.7', '~'),
];

export const NORMALIZATION: Case[] = [
  c('surrounding whitespace', ' 1.2.3 ', '1.2.3', '='),
  c('uppercase leading V', 'V1.2.3', '1.2.3', '='),
  c('no-break space before a date', '2.96\u00a0Aug 17 2023', '2.96', '='),
  c('whitespace runs in a prefix', 'iLO  5   2.78', 'ilo 5 2.78', '='),
  c('tab and newline', '\t7.00.00.184\n', '7.00.00.184', '='),
];

/** Every table, by the heading its tests run under. */
export const TABLES: Record<string, Case[]> = {
  'dotted numbers': DOTTED,
  'build numbers': BUILD_NUMBERS,
  '"Build N" build numbers': BUILD_WORD,
  'git describe (OpenBMC)': GIT_DESCRIBE,
  'respin letters': RESPINS,
  'pre-releases and semver': PRERELEASES,
  'hex (0x)': HEX,
  'HPE System ROM and iLO': HPE,
  'Lenovo build ids': LENOVO_CASES,
  'Dell PSU hex-dotted': DELL_PSU,
  'opaque codes': OPAQUE,
  'unknown and garbage': GARBAGE,
  normalization: NORMALIZATION,
};

export const ALL_CASES: Case[] = Object.values(TABLES).flat();

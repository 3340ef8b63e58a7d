/**
 * The comparison rules over parsed versions, each with the reason the planner prints. Every rule
 * is antisymmetric: swapping the arguments inverts the order (tested over all table values).
 */

import { compareDescribe } from './compare-describe.ts';
import {
  compareBuildTags,
  compareNumbers,
  comparePrerelease,
  compareRelease,
  compareRespin,
} from './compare-parts.ts';
import { orderFromSign, orderSymbol, VersionOrder } from './order.ts';
import { type ParsedVersion, VersionFormat } from './parsed-version.ts';

/** An order and the sentence that justifies it. */
export interface Decision {
  order: VersionOrder;
  reason: string;
}

/** Compares two parsed versions; see the rule functions below for which pairs are comparable. */
export function compareParsed(a: ParsedVersion, b: ParsedVersion): Decision {
  if (a.format === VersionFormat.unknown || b.format === VersionFormat.unknown) return compareUnknown(a, b);
  if (a.format === VersionFormat.opaque || b.format === VersionFormat.opaque) return compareOpaque(a, b);
  if (a.format === VersionFormat.hex || b.format === VersionFormat.hex) return compareHex(a, b);
  if (a.format === VersionFormat.hexDotted || b.format === VersionFormat.hexDotted) {
    return compareHexDotted(a, b);
  }
  if (isBareBuildId(a) || isBareBuildId(b)) return compareBareBuildIds(a, b);
  return compareNumbered(a, b);
}

/** An unknown version is comparable with nothing, not even an identical placeholder. */
function compareUnknown(a: ParsedVersion, b: ParsedVersion): Decision {
  const bad = a.format === VersionFormat.unknown ? a : b;
  return incomparable(`"${show(bad)}" is not a version (${bad.note ?? 'unknown'})`);
}

/** Opaque codes (drive firmware "MA8F") are equal when identical, otherwise without order. */
function compareOpaque(a: ParsedVersion, b: ParsedVersion): Decision {
  if (a.format === b.format) {
    if (a.normalized === b.normalized) return { order: VersionOrder.equal, reason: `same code ${show(a)}` };
    return incomparable(`codes ${show(a)} and ${show(b)} have no known order`);
  }
  return incomparable(`${describe(a)} vs ${describe(b)}`);
}

/** "0x" hex only compares with hex (HPE CPLD "0x31" > "0x30"). */
function compareHex(a: ParsedVersion, b: ParsedVersion): Decision {
  if (a.format !== b.format)
    return incomparable(`${describe(a)} vs ${describe(b)}: hex compares only with hex`);
  return decided('hex', a, b, compareRelease(a.release, b.release));
}

/**
 * Dotted hex bytes (Dell PSU) compare part by part by value. A plain dotted version of exactly
 * the same shape ("00.20.00" against "00.1B.53") is read as hex too: digit-only parts of equal
 * width order the same in base 10 and 16. Any other pairing has no reliable order.
 */
function compareHexDotted(a: ParsedVersion, b: ParsedVersion): Decision {
  if (a.format === b.format) return decided('hex-dotted', a, b, compareRelease(a.release, b.release));
  const [hexed, other] = a.format === VersionFormat.hexDotted ? [a, b] : [b, a];
  if (!sameShapePlainDotted(hexed, other))
    return incomparable(`${describe(a)} vs ${describe(b)}: different shapes`);
  const asHex = (p: ParsedVersion) =>
    p === hexed ? p.release : p.releaseText.map((t) => Number.parseInt(t, 16));
  return decided('hex-dotted', a, b, compareRelease(asHex(a), asHex(b)), ['parts read as hex']);
}

function sameShapePlainDotted(hexed: ParsedVersion, other: ParsedVersion): boolean {
  if (other.format !== VersionFormat.dotted || other.family !== undefined) return false;
  if (other.respin !== undefined || other.prerelease !== undefined || other.build !== undefined) return false;
  if (other.releaseText.length !== hexed.releaseText.length) return false;
  return other.releaseText.every((t, i) => t.length === hexed.releaseText[i]?.length);
}

function isBareBuildId(p: ParsedVersion): boolean {
  return p.format === VersionFormat.lenovoBuild && p.release.length === 0;
}

/** A Lenovo build id without a version orders only against a build id of the same product code. */
function compareBareBuildIds(a: ParsedVersion, b: ParsedVersion): Decision {
  if (a.format !== b.format)
    return incomparable(`${describe(a)} vs ${describe(b)}: a bare build id has no version`);
  if (a.family !== b.family) return incomparable(`Lenovo product code ${a.family} vs ${b.family}`);
  const sign = compareBuildTags(a.buildTag ?? '', b.buildTag ?? '');
  if (sign === undefined)
    return incomparable(`Lenovo build tags of ${show(a)} and ${show(b)} differ in length`);
  return decided('Lenovo build id', a, b, sign);
}

/**
 * Dotted, semver, git describe, HPE ROM and versioned Lenovo ids: same family (or a family on one
 * side only), then release numbers, pre-release, commits past a git tag (compare-describe.ts),
 * respin letter, build number, Lenovo build tag.
 */
function compareNumbered(a: ParsedVersion, b: ParsedVersion): Decision {
  if (a.family !== undefined && b.family !== undefined && a.family !== b.family) {
    return incomparable(`${familyLabel(a, b)} ${a.family} vs ${b.family}`);
  }
  const notes = numberedNotes(a, b);
  const tag = lenovoTagSign(a, b);
  const release = compareRelease(a.release, b.release);
  if (release !== 0) {
    if (tag !== undefined && tag !== 0 && tag !== release) {
      return incomparable(`Lenovo version and build id disagree: ${show(a)} vs ${show(b)}`);
    }
    return decided(formatsLabel(a, b), a, b, release, notes);
  }
  const pre = comparePrerelease(a.prerelease, b.prerelease);
  if (pre !== 0) return decided('pre-release', a, b, pre, notes);
  if (a.format === VersionFormat.gitDescribe || b.format === VersionFormat.gitDescribe) {
    const step = compareDescribe(a, b);
    if ('incomparable' in step) return incomparable(`${step.incomparable}: ${show(a)} vs ${show(b)}`);
    return decided(step.sign === 0 ? formatsLabel(a, b) : step.label, a, b, step.sign, notes);
  }
  if (
    (a.respin !== undefined && b.build !== undefined) ||
    (b.respin !== undefined && a.build !== undefined)
  ) {
    return incomparable(`respin letter vs build number: ${show(a)} vs ${show(b)}`);
  }
  const respin = compareRespin(a.respin, b.respin);
  if (respin !== 0) return decided('respin letter', a, b, respin, notes);
  if ((a.build === undefined) !== (b.build === undefined)) {
    return incomparable(`build number on one side only: ${show(a)} vs ${show(b)}`);
  }
  if (a.build !== undefined && b.build !== undefined && a.build !== b.build) {
    return decided('build number', a, b, compareNumbers(a.build, b.build), notes);
  }
  if (tag === undefined && bothLenovo(a, b) && a.buildTag !== b.buildTag) {
    return incomparable(`Lenovo build tags of ${show(a)} and ${show(b)} differ in length`);
  }
  if (tag !== undefined && tag !== 0) return decided('Lenovo build id', a, b, tag, notes);
  return decided(formatsLabel(a, b), a, b, 0, notes);
}

function bothLenovo(a: ParsedVersion, b: ParsedVersion): boolean {
  return a.format === VersionFormat.lenovoBuild && b.format === VersionFormat.lenovoBuild;
}

/** The build-tag order of two Lenovo ids of one product code, when it is defined. */
function lenovoTagSign(a: ParsedVersion, b: ParsedVersion): number | undefined {
  if (!bothLenovo(a, b)) return undefined;
  return compareBuildTags(a.buildTag ?? '', b.buildTag ?? '');
}

function numberedNotes(a: ParsedVersion, b: ParsedVersion): string[] {
  const notes: string[] = [];
  const lone = a.family === undefined ? b.family : b.family === undefined ? a.family : undefined;
  if (lone !== undefined) notes.push(`${lone} on one side only`);
  if (a.date !== undefined || b.date !== undefined) notes.push('release dates are not compared');
  if (a.metadata !== undefined || b.metadata !== undefined) notes.push('semver build metadata ignored');
  return notes;
}

function familyLabel(a: ParsedVersion, b: ParsedVersion): string {
  if (a.format === VersionFormat.hpeRom && b.format === VersionFormat.hpeRom) return 'HPE ROM family';
  if (bothLenovo(a, b)) return 'Lenovo product code';
  if (a.family?.startsWith('iLO') && b.family?.startsWith('iLO')) return 'HPE product';
  return 'family';
}

const FORMAT_LABELS: Record<VersionFormat, string> = {
  dotted: 'dotted numeric',
  semver: 'semver',
  'git-describe': 'git describe',
  hex: 'hex',
  'hex-dotted': 'hex-dotted',
  'hpe-rom': 'HPE ROM',
  'lenovo-build': 'Lenovo build id',
  opaque: 'opaque code',
  unknown: 'unknown',
};

function formatsLabel(a: ParsedVersion, b: ParsedVersion): string {
  const x = FORMAT_LABELS[a.format];
  const y = FORMAT_LABELS[b.format];
  return x === y ? x : `${x}/${y}`;
}

function describe(p: ParsedVersion): string {
  return `${FORMAT_LABELS[p.format]} ${show(p)}`;
}

/** The input as the user wrote it, whitespace tidied: messages quote what the BMC said. */
function show(p: ParsedVersion): string {
  return p.raw.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

function decided(
  label: string,
  a: ParsedVersion,
  b: ParsedVersion,
  sign: number,
  notes: string[] = [],
): Decision {
  const order = orderFromSign(sign);
  const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return { order, reason: `${label} ${show(a)} ${orderSymbol(order)} ${show(b)}${tail}` };
}

function incomparable(why: string): Decision {
  return { order: VersionOrder.incomparable, reason: `${why}: incomparable` };
}

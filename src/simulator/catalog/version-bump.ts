/**
 * Makes a version string newer in the vendor's own notation, for simulated catalogs: the number
 * that orders releases is raised ("2.96 Aug 17 2023" → "2.97 Aug 17 2023", "U30 v2.90 (...)" →
 * "U30 v2.91 (...)", Lenovo "TEI3E6S-4.30" → "TEI3E6T-4.31", "01.01.06" → "01.01.07"). Each
 * candidate is checked with firmwarden's own comparison; a version no candidate can beat (opaque
 * codes like "HT66") yields undefined.
 */
import { compareVersions, VersionOrder } from '../../versions/index.ts';
import type { ComponentKind, Vendor } from '../../vocab.ts';

const B36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Adds `n` to the number text keeping its width ("06" + 1 → "07", "9" + 1 → "10"). */
function addTo(num: string, n: number): string {
  return String(Number(num) + n).padStart(num.length, '0');
}

/** Raises the last part of the first dotted number ("12.10.7-0001" → "12.10.8-0001"). */
function bumpFirstDotted(v: string, n: number): string | undefined {
  const m = /\d+(?:\.\d+)+/.exec(v);
  if (m === null) return undefined;
  const parts = m[0].split('.');
  parts[parts.length - 1] = addTo(parts.at(-1) as string, n);
  return v.slice(0, m.index) + parts.join('.') + v.slice(m.index + m[0].length);
}

/** Raises the last run of digits ("0x2F" is handled as hex below). */
function bumpLastDigits(v: string, n: number): string | undefined {
  const m = /(\d+)(?!.*\d)/.exec(v);
  if (m === null) return undefined;
  return v.slice(0, m.index) + addTo(m[1] as string, n) + v.slice(m.index + (m[1] as string).length);
}

/** "0x2F" → "0x30". */
function bumpHex(v: string, n: number): string | undefined {
  const m = /^0x([0-9a-f]+)$/i.exec(v);
  if (m === null) return undefined;
  const next = (Number.parseInt(m[1] as string, 16) + n).toString(16).toUpperCase();
  return `0x${next.padStart((m[1] as string).length, '0')}`;
}

/** Lenovo "<product><tag>-<version>": the build tag advances with the version. */
function bumpLenovo(v: string, n: number): string | undefined {
  const m = /^([A-Z]{3})([0-9A-Z]{4})([- ])(.+)$/.exec(v);
  if (m === null) return undefined;
  const [, product, tag, sep, version] = m as unknown as [string, string, string, string, string];
  let value = 0;
  for (const ch of tag) value = value * 36 + B36.indexOf(ch);
  value += n;
  let next = '';
  for (let i = 0; i < tag.length; i++) {
    next = (B36[value % 36] as string) + next;
    value = Math.floor(value / 36);
  }
  const bumped = bumpFirstDotted(version, n) ?? bumpLastDigits(version, n);
  return bumped === undefined ? undefined : `${product}${next}${sep}${bumped}`;
}

/** OpenBMC git-describe versions: "2.15.0-dev-2242-gd2c1a8f13" → "2.15.1". */
function bumpDescribe(v: string, n: number): string | undefined {
  const m = /^(\d+\.\d+\.\d+)-.*\bg[0-9a-f]{7,}$/.exec(v);
  return m === null ? undefined : bumpFirstDotted(m[1] as string, n);
}

/**
 * A version newer than every one of `installed` (by firmwarden's comparison, with vendor and kind
 * hints), `n` steps above the newest; undefined when none can be made.
 */
export function bumpVersion(
  installed: readonly string[],
  vendor: Vendor,
  kind: ComponentKind,
  n = 1,
): string | undefined {
  const hints = { vendor, kind };
  const newest = [...installed]
    .sort((a, b) => (compareVersions(a, b, hints) === VersionOrder.less ? -1 : 1))
    .at(-1);
  if (newest === undefined) return undefined;
  const candidates = [
    bumpLenovo(newest, n),
    bumpDescribe(newest, n),
    bumpHex(newest, n),
    bumpFirstDotted(newest, n),
    bumpLastDigits(newest, n),
  ];
  return candidates.find(
    (c): c is string =>
      c !== undefined && installed.every((i) => compareVersions(i, c, hints) === VersionOrder.less),
  );
}

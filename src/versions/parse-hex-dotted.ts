/**
 * Dotted hex bytes: Dell PSU firmware "00.1B.53", "00.24.7A" (seen on iDRAC 9 PSU inventory).
 * Every part is hex of one fixed width (2 to 4 digits) and at least one has a hex letter; each
 * part compares by its hex value, so "00.1B.53" < "00.1B.54" and "00.1B.FF" < "00.20.00".
 *
 * Ambiguity with respins: "00.24.7a" could be 0.24.7 respin "a" or the byte 0x7A. The only
 * letter sitting at the very end is read as hex when the caller says the component is a PSU
 * or the letter was written uppercase (Dell prints PSU bytes uppercase; respins are lowercase),
 * and as a respin otherwise. A letter anywhere else ("1B") can only be hex.
 */
import { ComponentKind } from '../vocab.ts';
import type { VersionHints } from './hints.ts';
import { toSafeInts } from './normalize.ts';
import { type VersionFields, VersionFormat } from './parsed-version.ts';

/** Reads a normalized text as dotted hex bytes, or returns undefined. `raw` is the input as given (its case matters). */
export function parseHexDotted(text: string, raw: string, hints: VersionHints): VersionFields | undefined {
  const parts = text.split('.');
  if (parts.length < 2) return undefined;
  const width = parts[0]?.length ?? 0;
  if (width < 2 || width > 4) return undefined;
  if (!parts.every((part) => part.length === width && /^[0-9a-f]+$/u.test(part))) return undefined;
  const letters = text.replace(/[^a-f]/gu, '');
  if (letters.length === 0) return undefined;
  if (letters.length === 1 && /\d[a-f]$/u.test(text)) {
    const psu = hints.kind === ComponentKind.psu;
    const uppercase = /[A-F]\s*$/u.test(raw);
    if (!psu && !uppercase) return undefined;
  }
  const release = toSafeInts(parts, 16);
  if (!release) return undefined;
  return { format: VersionFormat.hexDotted, release, releaseText: parts };
}

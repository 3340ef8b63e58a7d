/**
 * "0x"-prefixed hex versions: HPE SPLD/CPLD ("0x31"), programmable logic and some PSU/backplane
 * firmware. The value is the order; "0x1A" > "0x0b" whatever the case or width. A hex value is
 * never compared with a decimal one: "0x10" and "10" do not name the same thing.
 */
import { toSafeInt } from './normalize.ts';
import { type VersionFields, VersionFormat } from './parsed-version.ts';

/** Reads a normalized text as "0x" hex, or returns undefined. */
export function parseHex(text: string): VersionFields | undefined {
  const m = /^0x([0-9a-f]+)$/u.exec(text);
  const digits = m?.[1];
  if (digits === undefined) return undefined;
  const value = toSafeInt(digits, 16);
  if (value === undefined) return undefined;
  return { format: VersionFormat.hex, release: [value], releaseText: [digits] };
}

/**
 * Turns catalog bytes into text. Dell publishes Catalog.xml in UTF-8 with a BOM (the 11G one) and
 * in UTF-16 (current ones, BOM FF FE); tools that re-save a catalog often keep
 * encoding="utf-16" in the declaration while writing UTF-8. The bytes decide (XML 1.0 Appendix F:
 * BOM first, then the first-bytes pattern); the declaration is only consulted for 8-bit files,
 * and an encoding firmwarden does not know is refused rather than guessed.
 */
import { CatalogError } from '../errors.ts';
import { CatalogErrorCode } from './catalog-errors.ts';

/** Encodings a catalog may come in. */
export const TextEncoding = {
  utf8: 'utf-8',
  utf16le: 'utf-16le',
  utf16be: 'utf-16be',
  /** ISO-8859-1 (decoded as its windows-1252 superset, as WHATWG TextDecoder does). */
  latin1: 'iso-8859-1',
} as const;
export type TextEncoding = (typeof TextEncoding)[keyof typeof TextEncoding];

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  /** A byte order mark was present (and is not part of `text`). */
  bom: boolean;
}

/** Names an XML declaration may use for each supported encoding (lowercase). */
const DECLARED: Record<string, 'utf8' | 'utf16' | 'latin1'> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'us-ascii': 'utf8',
  ascii: 'utf8',
  'utf-16': 'utf16',
  'utf-16le': 'utf16',
  'utf-16be': 'utf16',
  'ucs-2': 'utf16',
  unicode: 'utf16',
  'iso-8859-1': 'latin1',
  'iso_8859-1': 'latin1',
  latin1: 'latin1',
  'windows-1252': 'latin1',
  cp1252: 'latin1',
};

/**
 * Decodes catalog bytes: BOM (UTF-8, UTF-16 LE/BE), else the UTF-16 zero-byte pattern, else the
 * XML declaration's encoding. Throws FW_ERR_CATALOG_ENCODING on UTF-32, unknown declared encodings
 * and invalid byte sequences.
 */
export function decodeCatalogText(bytes: Uint8Array, file: string): DecodedText {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (
    (b0 === 0x00 && b1 === 0x00) ||
    (b0 === 0xff && b1 === 0xfe && bytes[2] === 0x00 && bytes[3] === 0x00)
  ) {
    throw encodingError(file, 'UTF-32 is not supported (use UTF-8 or UTF-16)');
  }
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) {
    return { text: decode(bytes.subarray(3), 'utf-8', file), encoding: TextEncoding.utf8, bom: true };
  }
  if (b0 === 0xff && b1 === 0xfe)
    return { text: decodeUtf16(bytes.subarray(2), 'le', file), encoding: TextEncoding.utf16le, bom: true };
  if (b0 === 0xfe && b1 === 0xff)
    return { text: decodeUtf16(bytes.subarray(2), 'be', file), encoding: TextEncoding.utf16be, bom: true };
  // No BOM: an ASCII character followed (LE) or preceded (BE) by a zero byte is UTF-16.
  if (b0 !== undefined && b0 !== 0 && b1 === 0)
    return { text: decodeUtf16(bytes, 'le', file), encoding: TextEncoding.utf16le, bom: false };
  if (b0 === 0 && b1 !== undefined && b1 !== 0)
    return { text: decodeUtf16(bytes, 'be', file), encoding: TextEncoding.utf16be, bom: false };

  const declared = declaredEncoding(bytes);
  if (declared === undefined)
    return { text: decode(bytes, 'utf-8', file), encoding: TextEncoding.utf8, bom: false };
  const family = DECLARED[declared];
  if (family === undefined) {
    throw encodingError(
      file,
      `unsupported encoding "${declared}" in the XML declaration (supported: UTF-8, UTF-16 LE/BE, ISO-8859-1)`,
    );
  }
  if (family === 'latin1')
    return { text: decode(bytes, 'windows-1252', file), encoding: TextEncoding.latin1, bom: false };
  // 'utf16' declared over single-byte text: the file was re-encoded to UTF-8 and the declaration kept.
  return { text: decode(bytes, 'utf-8', file), encoding: TextEncoding.utf8, bom: false };
}

/** The encoding pseudo-attribute of an XML declaration at the very start, lowercase. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 200));
  const decl = /^<\?xml\s[^?]*?\bencoding\s*=\s*(["'])([A-Za-z0-9._-]+)\1/.exec(head);
  return decl?.[2]?.toLowerCase();
}

function decode(bytes: Uint8Array, label: string, file: string): string {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (err) {
    throw encodingError(file, `not valid ${label.toUpperCase()} text`, err);
  }
}

function decodeUtf16(bytes: Uint8Array, order: 'le' | 'be', file: string): string {
  if (bytes.length % 2 !== 0)
    throw encodingError(file, `odd number of bytes for UTF-16${order.toUpperCase()}`);
  if (order === 'le') return decode(bytes, 'utf-16le', file);
  // Swap to little-endian rather than rely on ICU's utf-16be decoder (small-icu builds lack it).
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 2) {
    swapped[i] = bytes[i + 1]!;
    swapped[i + 1] = bytes[i]!;
  }
  return decode(swapped, 'utf-16le', file);
}

function encodingError(file: string, message: string, cause?: unknown): CatalogError {
  return new CatalogError(file, message, { cause, code: CatalogErrorCode.encoding });
}

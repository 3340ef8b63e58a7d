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
  const decoder = createCatalogDecoder(bytes, file);
  const text = decoder.write(bytes) + decoder.end();
  return { text, encoding: decoder.encoding, bom: decoder.bom };
}

/**
 * Decodes catalog bytes chunk by chunk, so a large catalog is never held whole as bytes and as
 * text at once. Chunks may split a character anywhere (also a UTF-16 code unit); the BOM is
 * dropped. Invalid sequences throw FW_ERR_CATALOG_ENCODING as soon as they are seen.
 */
export interface CatalogTextDecoder {
  readonly encoding: TextEncoding;
  /** A byte order mark was present (and is not part of the text). */
  readonly bom: boolean;
  /** Text decoded from this chunk (and what the previous one left incomplete). */
  write(bytes: Uint8Array): string;
  /** The rest; throws when the input ended inside a character. */
  end(): string;
}

/**
 * A decoder for the catalog that starts with `head`: the first bytes of the file (at least
 * HEAD_BYTES of them unless the file is shorter), which decide the encoding. `head` is only
 * inspected; pass it to write() as the first chunk.
 */
export function createCatalogDecoder(head: Uint8Array, file: string): CatalogTextDecoder {
  const { encoding, bom, bomBytes } = detectEncoding(head, file);
  const swap = encoding === TextEncoding.utf16be;
  const utf16 = swap || encoding === TextEncoding.utf16le;
  const label = encoding === TextEncoding.latin1 ? 'windows-1252' : utf16 ? 'utf-16le' : 'utf-8';
  const decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  let toSkip = bomBytes;
  let total = 0;
  // UTF-16BE: the first byte of a code unit that a chunk boundary split off its second.
  let carry: number | undefined;
  const decode = (bytes: Uint8Array, stream: boolean): string => {
    try {
      return decoder.decode(bytes, { stream });
    } catch (err) {
      throw encodingError(file, `not valid ${(utf16 ? encoding : label).toUpperCase()} text`, err);
    }
  };
  return {
    encoding,
    bom,
    write(chunk) {
      let bytes = chunk;
      if (toSkip > 0) {
        const skipped = Math.min(toSkip, bytes.length);
        bytes = bytes.subarray(skipped);
        toSkip -= skipped;
      }
      total += bytes.length;
      if (swap) {
        const out = swapToLittleEndian(bytes, carry);
        carry = out.carry;
        bytes = out.bytes;
      }
      return decode(bytes, true);
    },
    end() {
      if (utf16 && total % 2 !== 0) {
        throw encodingError(file, `odd number of bytes for UTF-16${swap ? 'BE' : 'LE'}`);
      }
      return decode(new Uint8Array(0), false);
    },
  };
}

/** How many leading bytes createCatalogDecoder needs to see (the XML declaration fits in them). */
export const HEAD_BYTES = 200;

function detectEncoding(
  bytes: Uint8Array,
  file: string,
): { encoding: TextEncoding; bom: boolean; bomBytes: number } {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (
    (b0 === 0x00 && b1 === 0x00) ||
    (b0 === 0xff && b1 === 0xfe && bytes[2] === 0x00 && bytes[3] === 0x00)
  ) {
    throw encodingError(file, 'UTF-32 is not supported (use UTF-8 or UTF-16)');
  }
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf)
    return { encoding: TextEncoding.utf8, bom: true, bomBytes: 3 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: TextEncoding.utf16le, bom: true, bomBytes: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: TextEncoding.utf16be, bom: true, bomBytes: 2 };
  // No BOM: an ASCII character followed (LE) or preceded (BE) by a zero byte is UTF-16.
  if (b0 !== undefined && b0 !== 0 && b1 === 0)
    return { encoding: TextEncoding.utf16le, bom: false, bomBytes: 0 };
  if (b0 === 0 && b1 !== undefined && b1 !== 0)
    return { encoding: TextEncoding.utf16be, bom: false, bomBytes: 0 };

  const declared = declaredEncoding(bytes);
  if (declared === undefined) return { encoding: TextEncoding.utf8, bom: false, bomBytes: 0 };
  const family = DECLARED[declared];
  if (family === undefined) {
    throw encodingError(
      file,
      `unsupported encoding "${declared}" in the XML declaration (supported: UTF-8, UTF-16 LE/BE, ISO-8859-1)`,
    );
  }
  if (family === 'latin1') return { encoding: TextEncoding.latin1, bom: false, bomBytes: 0 };
  // 'utf16' declared over single-byte text: the file was re-encoded to UTF-8 and the declaration kept.
  return { encoding: TextEncoding.utf8, bom: false, bomBytes: 0 };
}

/** The encoding pseudo-attribute of an XML declaration at the very start, lowercase. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, HEAD_BYTES));
  const decl = /^<\?xml\s[^?]*?\bencoding\s*=\s*(["'])([A-Za-z0-9._-]+)\1/.exec(head);
  return decl?.[2]?.toLowerCase();
}

/**
 * Big-endian UTF-16 bytes swapped to little-endian (ICU's utf-16be decoder is missing from
 * small-icu builds), with the odd byte a chunk ended on carried to the next one.
 */
function swapToLittleEndian(
  bytes: Uint8Array,
  carry: number | undefined,
): { bytes: Uint8Array; carry: number | undefined } {
  const input = carry === undefined ? bytes : concatByte(carry, bytes);
  const even = input.length - (input.length % 2);
  const out = new Uint8Array(even);
  for (let i = 0; i < even; i += 2) {
    out[i] = input[i + 1]!;
    out[i + 1] = input[i]!;
  }
  return { bytes: out, carry: even === input.length ? undefined : input[even] };
}

function concatByte(first: number, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(rest.length + 1);
  out[0] = first;
  out.set(rest, 1);
  return out;
}

function encodingError(file: string, message: string, cause?: unknown): CatalogError {
  return new CatalogError(file, message, { cause, code: CatalogErrorCode.encoding });
}

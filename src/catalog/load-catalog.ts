/**
 * loadCatalog: reads one catalog file and returns it in firmwarden's model, whatever its format.
 * The format is detected from the content, not the file name: XML → Dell Catalog.xml; JSON
 * with {version, entries} → native; JSON keyed by .fwpkg file names → HPE fwrepo.json; anything
 * else is read as native YAML. Loading only reads files; it never writes.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CatalogError } from '../errors.ts';
import type { Catalog } from './catalog.ts';
import { CatalogErrorCode } from './catalog-errors.ts';
import { parseDellCatalog } from './dell-catalog.ts';
import { looksLikeHpeFwrepo, parseHpeFwrepo, parseSha256Sums } from './hpe-catalog.ts';
import { assertLocalImages } from './local-images.ts';
import { nativeCatalogFrom, parseJsonText, parseNativeYaml } from './native-catalog.ts';
import { type CatalogTextDecoder, createCatalogDecoder, HEAD_BYTES } from './text-decoding.ts';

/** Defaults in one place. */
export const CATALOG_DEFAULTS = {
  /**
   * Largest catalog file accepted. Dell's full enterprise Catalog.xml is tens of MB in UTF-16.
   * A Dell catalog is streamed (memory follows the imported entries, not the file), but JSON and
   * YAML catalogs are held whole, so the cap still guards memory, not disk.
   */
  maxBytes: 128 * 1024 * 1024,
  /** Bytes read from the file at a time. */
  chunkBytes: 256 * 1024,
} as const;

export interface LoadCatalogOptions {
  /**
   * Base URL for packages the catalog gives relative to itself (Dell baseLocation="", HPE
   * repositories), or a mirror to use instead of Dell's baseLocation. Without it, such packages
   * become `image.file` paths relative to the catalog file.
   */
  baseUrl?: string;
  /** Refuse files larger than this (bytes). Default CATALOG_DEFAULTS.maxBytes. */
  maxBytes?: number;
}

/** Reads, detects and imports a catalog file. Errors are CatalogError naming `path`. */
export async function loadCatalog(path: string, options: LoadCatalogOptions = {}): Promise<Catalog> {
  const maxBytes = options.maxBytes ?? CATALOG_DEFAULTS.maxBytes;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CatalogError(path, 'not a regular file');
    if (info.size > maxBytes) throw tooLarge(path, info.size, maxBytes);
  } catch (err) {
    throw readError(path, err);
  }
  const absolute = resolve(path);
  return parseCatalogChunks(readChunks(path, maxBytes), {
    file: path,
    baseDir: dirname(absolute),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    readSha256Sums: () => readSha256Sums(absolute),
  });
}

/** The file's bytes in chunks, refusing more than `maxBytes` (the file may grow after stat). */
async function* readChunks(path: string, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  const stream = createReadStream(path, { highWaterMark: CATALOG_DEFAULTS.chunkBytes });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(path, total, maxBytes);
      yield chunk;
    }
  } catch (err) {
    throw readError(path, err);
  } finally {
    stream.destroy();
  }
}

function readError(path: string, err: unknown): CatalogError {
  if (err instanceof CatalogError) return err;
  return new CatalogError(
    path,
    `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    {
      cause: err,
    },
  );
}

export interface ParseCatalogOptions {
  /** Name used in messages and entry.source.file. */
  file: string;
  /** Directory image.file paths are relative to. */
  baseDir: string;
  baseUrl?: string;
  /** Supplies SHA256SUMS digests for HPE catalogs (loadCatalog reads them beside the file). */
  readSha256Sums?: () => Promise<ReadonlyMap<string, string>>;
  /**
   * The http(s) URL the bytes were fetched from: a native catalog may then name no local file
   * (use parseRemoteCatalog, which also resolves Dell/HPE relative packages against the URL).
   */
  url?: string;
}

/** Detects the format of catalog bytes and imports them. Pure apart from `readSha256Sums`. */
export async function parseCatalogBytes(bytes: Uint8Array, options: ParseCatalogOptions): Promise<Catalog> {
  return parseCatalogChunks(
    (function* () {
      for (let i = 0; i < bytes.length; i += CATALOG_DEFAULTS.chunkBytes) {
        yield bytes.subarray(i, i + CATALOG_DEFAULTS.chunkBytes);
      }
    })(),
    options,
  );
}

/**
 * Decodes the first chunks until the first non-blank character tells the format. XML (a Dell
 * catalog) goes on as a stream of decoded text; JSON and YAML are read whole.
 */
async function parseCatalogChunks(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ParseCatalogOptions,
): Promise<Catalog> {
  const catalog = await importChunks(source, options);
  // Vendor imports build package paths with safePackagePath already; checked once more here so no
  // format can name a file outside the catalog's folder (remote catalogs: parseRemoteCatalog).
  if (options.url === undefined)
    assertLocalImages(catalog, { baseDir: catalog.source.baseDir, remote: false });
  catalog.source = {
    ...catalog.source,
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  };
  return catalog;
}

async function importChunks(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ParseCatalogOptions,
): Promise<Catalog> {
  const { file, baseDir } = options;
  const chunks =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]());
  try {
    const head: Uint8Array[] = [];
    let headBytes = 0;
    let done = false;
    while (headBytes < HEAD_BYTES) {
      const next = await chunks.next();
      if (next.done) {
        done = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
    const first = Buffer.concat(head);
    const decoder = createCatalogDecoder(first, file);
    // A second BOM left in the text (a tool that added one to a file that had one) is dropped too.
    let text = decoder.write(first).replace(/^\uFEFF/, '');
    let start = /\S/.exec(text);
    while (start === null && !done) {
      const next = await chunks.next();
      if (next.done) done = true;
      else text += decoder.write(next.value);
      start = /\S/.exec(text);
    }
    if (done) text += decoder.end();
    start = /\S/.exec(text);
    if (start === null) throw new CatalogError(file, 'empty catalog', { code: CatalogErrorCode.format });
    const base = {
      file,
      baseDir,
      encoding: decoder.encoding,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    };
    if (start[0] === '<') return await parseDellCatalog(textChunks(text, done, decoder, chunks), base);
    while (!done) {
      const next = await chunks.next();
      if (next.done) {
        done = true;
        text += decoder.end();
      } else text += decoder.write(next.value);
    }
    return await parseTextCatalog(text, start[0], base, options);
  } finally {
    await chunks.return?.();
  }
}

/** The decoded text so far, then the rest of the chunks decoded one by one. */
async function* textChunks(
  text: string,
  done: boolean,
  decoder: CatalogTextDecoder,
  chunks: AsyncIterator<Uint8Array>,
): AsyncGenerator<string> {
  yield text;
  if (done) return;
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    yield decoder.write(next.value);
  }
  yield decoder.end();
}

async function* toAsync<T>(it: Iterator<T>): AsyncGenerator<T> {
  for (;;) {
    const next = it.next();
    if (next.done) return;
    yield next.value;
  }
}

/** A native JSON/YAML catalog or an HPE fwrepo.json, from its whole text. */
async function parseTextCatalog(
  text: string,
  first: string,
  base: { file: string; baseDir: string; encoding: string; baseUrl?: string },
  options: ParseCatalogOptions,
): Promise<Catalog> {
  const { file, baseDir } = base;
  const native = { ...base, remote: options.url !== undefined };
  if (first === '{' || first === '[') {
    const doc = parseJsonText(text, file);
    if (isNative(doc)) return nativeCatalogFrom(doc, native);
    if (looksLikeHpeFwrepo(doc)) {
      const sha256Sums = (await options.readSha256Sums?.()) ?? new Map<string, string>();
      return parseHpeFwrepo(doc, { ...base, inFwrepodata: basename(baseDir) === 'fwrepodata', sha256Sums });
    }
    throw new CatalogError(
      file,
      'unrecognized JSON catalog: expected a native catalog ({"version": 1, "entries": [...]}) or an HPE fwrepo.json (keyed by .fwpkg file name)',
      { code: CatalogErrorCode.format },
    );
  }
  return parseNativeYaml(text, native);
}

export interface RemoteCatalogOptions {
  /** The http(s) URL the bytes came from (messages, entry.source.file). */
  url: string;
  /** An operator's mirror for Dell/HPE package paths (wins over Dell's baseLocation). */
  baseUrl?: string;
  /** A folder of this host recorded as the catalog's baseDir (no image is read from it). */
  baseDir: string;
}

/**
 * Parses a catalog fetched over HTTP(S). Dell/HPE packages given relative to the catalog are
 * downloaded from beside it on the same server, unless a baseUrl names a mirror; no entry may
 * name a local file (a catalog from the network must not read files of this host).
 */
export async function parseRemoteCatalog(bytes: Uint8Array, options: RemoteCatalogOptions): Promise<Catalog> {
  const parse = (baseUrl?: string) =>
    parseCatalogBytes(bytes, {
      file: options.url,
      url: options.url,
      baseDir: options.baseDir,
      ...(baseUrl ? { baseUrl } : {}),
    });
  let catalog = await parse(options.baseUrl);
  // A second pass, not a default baseUrl: for Dell an explicit baseUrl would override baseLocation.
  if (!options.baseUrl && catalog.entries.some((e) => e.image.file !== undefined))
    catalog = await parse(new URL('.', options.url).href);
  assertLocalImages(catalog, { baseDir: options.baseDir, remote: true });
  return catalog;
}

function isNative(doc: unknown): boolean {
  return (
    doc !== null && typeof doc === 'object' && !Array.isArray(doc) && ('entries' in doc || 'version' in doc)
  );
}

function tooLarge(path: string, size: number, max: number): CatalogError {
  return new CatalogError(path, `${size} bytes is larger than the ${max}-byte limit (maxBytes)`, {
    code: CatalogErrorCode.tooLarge,
  });
}

/**
 * SHA256SUMS lines for an HPE repository: beside fwrepo.json, then in the repository root
 * (the parent of fwrepodata/). Missing files are not an error.
 */
async function readSha256Sums(catalogPath: string): Promise<ReadonlyMap<string, string>> {
  const sums = new Map<string, string>();
  const dir = dirname(catalogPath);
  const candidates = basename(dir) === 'fwrepodata' ? [join(dirname(dir), 'SHA256SUMS')] : [];
  candidates.push(join(dir, 'SHA256SUMS'));
  for (const candidate of candidates) {
    try {
      for (const [k, v] of parseSha256Sums(await readFile(candidate, 'utf8'))) sums.set(k, v);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return sums;
}

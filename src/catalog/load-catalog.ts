/**
 * loadCatalog: reads one catalog file and returns it in firmwarden's model, whatever its format.
 * The format is detected from the content, not the file name: XML → Dell Catalog.xml; JSON
 * with {version, entries} → native; JSON keyed by .fwpkg file names → HPE fwrepo.json; anything
 * else is read as native YAML. Loading only reads files; it never writes.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CatalogError } from '../errors.ts';
import type { Catalog } from './catalog.ts';
import { CatalogErrorCode } from './catalog-errors.ts';
import { parseDellCatalog } from './dell-catalog.ts';
import { looksLikeHpeFwrepo, parseHpeFwrepo, parseSha256Sums } from './hpe-catalog.ts';
import { nativeCatalogFrom, parseJsonText, parseNativeYaml } from './native-catalog.ts';
import { decodeCatalogText } from './text-decoding.ts';

/** Defaults in one place. */
export const CATALOG_DEFAULTS = {
  /**
   * Largest catalog file accepted. Dell's full enterprise Catalog.xml is tens of MB in UTF-16;
   * xml2js holds the whole tree (peak RSS about 20x the file: 34 MB → 750 MB in
   * bench/catalog.ts), so the cap guards memory, not disk.
   */
  maxBytes: 128 * 1024 * 1024,
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
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CatalogError(path, 'not a regular file');
    if (info.size > maxBytes) throw tooLarge(path, info.size, maxBytes);
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof CatalogError) throw err;
    throw new CatalogError(
      path,
      `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  // The file may have grown between stat and read.
  if (bytes.length > maxBytes) throw tooLarge(path, bytes.length, maxBytes);
  const absolute = resolve(path);
  return parseCatalogBytes(bytes, {
    file: path,
    baseDir: dirname(absolute),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    readSha256Sums: () => readSha256Sums(absolute),
  });
}

export interface ParseCatalogOptions {
  /** Name used in messages and entry.source.file. */
  file: string;
  /** Directory image.file paths are relative to. */
  baseDir: string;
  baseUrl?: string;
  /** Supplies SHA256SUMS digests for HPE catalogs (loadCatalog reads them beside the file). */
  readSha256Sums?: () => Promise<ReadonlyMap<string, string>>;
}

/** Detects the format of catalog bytes and imports them. Pure apart from `readSha256Sums`. */
export async function parseCatalogBytes(bytes: Uint8Array, options: ParseCatalogOptions): Promise<Catalog> {
  const { file, baseDir } = options;
  const decoded = decodeCatalogText(bytes, file);
  const text = decoded.text.replace(/^\uFEFF/, '');
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) throw new CatalogError(file, 'empty catalog', { code: CatalogErrorCode.format });
  const base = {
    file,
    baseDir,
    encoding: decoded.encoding,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  };
  if (first === '<') return parseDellCatalog(text, base);
  if (first === '{' || first === '[') {
    const doc = parseJsonText(text, file);
    if (isNative(doc)) return nativeCatalogFrom(doc, base);
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
  return parseNativeYaml(text, base);
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

/**
 * Writes any loaded catalog (native, Dell, HPE) as a native catalog document, e.g. to freeze an
 * imported vendor catalog into a reviewed, version-controlled file. Entries keep their `source`
 * so a plan can still say which Dell element an image came from.
 */
import { relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { CatalogError } from '../errors.ts';
import type { Catalog } from './catalog.ts';
import { CatalogErrorCode } from './catalog-errors.ts';
import { localPackagePath } from './local-images.ts';
import type { CatalogEntry, NativeCatalogFile } from './model.ts';

export interface NativeDocumentOptions {
  /** Catalog name written into the document (default: the catalog's own). */
  name?: string;
  /**
   * Directory the document will be written to. Relative `image.file` paths are rebased from the
   * catalog's baseDir to it, so they keep pointing at the same files; an image that would then
   * lie outside it is refused (CatalogError FW_ERR_CATALOG_INVALID).
   */
  directory?: string;
}

/** The catalog as a native document object (validates against NativeCatalogFileSchema). */
export function toNativeDocument(catalog: Catalog, options: NativeDocumentOptions = {}): NativeCatalogFile {
  const name = options.name ?? catalog.source.name;
  const entries = catalog.entries.map((entry) => rebase(entry, catalog.source.baseDir, options.directory));
  return { version: 1, ...(name === undefined ? {} : { name }), entries };
}

/** Serializes the catalog as native JSON (2-space indent) or YAML. */
export function stringifyCatalog(
  catalog: Catalog,
  format: 'json' | 'yaml',
  options: NativeDocumentOptions = {},
): string {
  const doc = toNativeDocument(catalog, options);
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc, { lineWidth: 0 });
}

function rebase(entry: CatalogEntry, fromDir: string, toDir: string | undefined): CatalogEntry {
  const file = entry.image.file;
  if (file === undefined || toDir === undefined) return entry;
  const rebased = relative(resolve(toDir), resolve(fromDir, file)).split(sep).join('/');
  // A native catalog names images inside its own folder only (local-images.ts): a document
  // written elsewhere could not be loaded again.
  if (localPackagePath(rebased) === undefined) {
    throw new CatalogError(
      toDir,
      `entry "${entry.id}": image.file ${JSON.stringify(file)} would lie outside the folder the catalog is written to; write it beside its images (or give the catalog image URLs)`,
      { code: CatalogErrorCode.invalid },
    );
  }
  return { ...entry, image: { ...entry.image, file: rebased } };
}

/**
 * Which local files a catalog may name as images. A catalog is input from elsewhere (a vendor, a
 * mirror, a URL the daemon polls); the images it names are copied into the store and their
 * digests recorded in the journal, so a catalog that could name any file would let whoever wrote
 * it read files of this host. The rules:
 * - a catalog read from a local file names images inside its own folder only: `image.file` is a
 *   relative path without "..", and a `file://` URL must point inside the folder too; at sync time
 *   the real path (symlinks followed) must still be inside it;
 * - a catalog fetched over HTTP(S) names no local file at all.
 * Dell and HPE imports build their paths with the same safePackagePath.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { containedPath } from '../contained-path.ts';
import type { Catalog } from './catalog.ts';
import { type CatalogIssue, CatalogValidationError, formatPath } from './catalog-errors.ts';
import { ImageErrorCode, ImageStoreError } from './image-errors.ts';
import { safePackagePath } from './import-helpers.ts';
import type { CatalogEntry } from './model.ts';

/** Where the catalog itself came from, as far as its image references are concerned. */
export interface CatalogOrigin {
  /** The folder of a local catalog (absolute). */
  baseDir: string;
  /** The catalog was fetched over HTTP(S): it may name no local file. */
  remote: boolean;
}

/** `path` as a relative path inside the catalog's folder, or undefined (absolute, "..", scheme). */
export function localPackagePath(path: string): string | undefined {
  // safePackagePath strips a leading slash (vendor paths are relative to a base); here an
  // absolute path is a different file, not a relative one.
  if (/^[\\/]/.test(path) || isAbsolute(path)) return undefined;
  // "./images/a.bin" is how people write a path beside the catalog; any other "." is refused.
  return safePackagePath(path.replace(/^(?:\.[\\/])+/, ''));
}

/**
 * One issue per image reference the origin does not allow, at `entries[i].image.file|url`.
 * Lexical only (pure); syncCatalog checks real paths before it opens anything.
 */
export function localImageIssues(
  entries: readonly Pick<CatalogEntry, 'id' | 'image'>[],
  origin: CatalogOrigin,
  locate: (path: readonly PropertyKey[]) => number | undefined = () => undefined,
): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  entries.forEach((entry, i) => {
    const { file, url } = entry.image;
    const local = url?.toLowerCase().startsWith('file:') ? 'url' : file !== undefined ? 'file' : undefined;
    if (local === undefined) return;
    const at = ['entries', i, 'image', local];
    const line = locate(at);
    const path = formatPath(at);
    const issue = (message: string) =>
      issues.push({ path, message, ...(line === undefined ? {} : { line }) });
    if (origin.remote) {
      issue(
        `entry "${entry.id}": a catalog fetched over HTTP(S) cannot name local files; give image.url as an http(s) URL`,
      );
      return;
    }
    if (local === 'file' && localPackagePath(file as string) === undefined) {
      issue(
        `entry "${entry.id}": ${JSON.stringify(file)} is not inside the catalog's folder: image.file must be a relative path below it (no "..", "." or empty segments, not absolute)`,
      );
    }
    if (local === 'url' && !lexicallyInside(origin.baseDir, fileUrlPath(url as string))) {
      issue(
        `entry "${entry.id}": ${JSON.stringify(url)} is not inside the catalog's folder: a file:// image must sit in the catalog's folder`,
      );
    }
  });
  return issues;
}

/** Throws CatalogValidationError naming the catalog file, the entries and fields at fault. */
export function assertLocalImages(catalog: Catalog, origin: CatalogOrigin): void {
  const issues = localImageIssues(catalog.entries, origin);
  if (issues.length > 0) throw new CatalogValidationError(catalog.source.file, issues);
}

/**
 * The local file an entry's image is read from, checked: its real path must be inside the real
 * catalog folder. Throws ImageStoreError FW_ERR_IMAGE_PATH otherwise (nothing is opened).
 */
export async function checkedLocalImage(catalog: Catalog, entry: CatalogEntry): Promise<string> {
  const { file, url } = entry.image;
  const label = url ?? (file as string);
  if (catalog.source.url !== undefined) {
    throw new ImageStoreError(
      ImageErrorCode.path,
      label,
      `entry "${entry.id}": a catalog fetched over HTTP(S) (${catalog.source.url}) cannot name local files`,
    );
  }
  const baseDir = catalog.source.baseDir;
  const path = url !== undefined ? fileUrlPath(url) : resolve(baseDir, file as string);
  let inside = false;
  let real = path ?? label;
  try {
    if (path !== undefined) ({ inside, real } = await containedPath(baseDir, path));
  } catch (err) {
    throw new ImageStoreError(ImageErrorCode.source, label, `cannot resolve: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!inside) {
    throw new ImageStoreError(
      ImageErrorCode.path,
      label,
      `entry "${entry.id}" in ${catalog.source.file}: leads outside the catalog's folder (symlinks are followed)`,
    );
  }
  return real;
}

/** The path of a file:// URL; undefined for one naming another host (file://server/share). */
function fileUrlPath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

function lexicallyInside(root: string, path: string | undefined): boolean {
  if (path === undefined) return false;
  const rel = relative(resolve(root), resolve(path));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Real-path containment: does a path, once every symlink is followed, stay inside a folder?
 * Catalog image files (inside the catalog's folder) and files named through the API (inside the
 * config folder) are checked this way BEFORE they are opened, so a symlink that leads out is
 * refused without reading what it points at. A lexical check (path.relative) alone would not see
 * the symlink.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Where a path really leads, and whether that is inside the folder `root` (or `root` itself). */
export interface Containment {
  /** `path` with every existing symlink resolved (missing tail components appended as given). */
  real: string;
  /** The real `root`. */
  realRoot: string;
  /** `real` is `realRoot` or below it. */
  inside: boolean;
  /** `real` is `realRoot` itself. */
  isRoot: boolean;
}

/** Resolves `path` (relative to `root` when relative) and `root` to real paths and compares them. */
export async function containedPath(root: string, path: string): Promise<Containment> {
  const realRoot = await realpathLenient(resolve(root));
  const real = await realpathLenient(resolve(root, path));
  const rel = relative(realRoot, real);
  const isRoot = rel === '';
  const inside = isRoot || !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
  return { real, realRoot, inside, isRoot };
}

/**
 * realpath of the deepest part of `path` that exists, with the rest appended: a file that does not
 * exist yet (a store folder, an image not downloaded) is still judged by where its parent leads.
 */
async function realpathLenient(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    const parent = dirname(path);
    if (parent === path) return path;
    return join(await realpathLenient(parent), basename(path));
  }
}

/**
 * What is new in a catalog (pure): each entry reduced to a short fingerprint of its version and
 * image digest, and two such indexes compared by entry id. The index is small enough to journal
 * with the run that saw the catalog change, so the next change is compared with what was recorded.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { CatalogEntry } from '../catalog/model.ts';

/** Entry id → "<version> <digest prefix>". */
export type EntryFingerprints = Record<string, string>;

/** Digest characters kept per entry: enough to tell images apart, short enough to journal. */
const DIGEST_PREFIX = 16;

export function entryFingerprint(entry: CatalogEntry): string {
  const { sha256, md5 } = entry.image;
  const digest =
    sha256 !== undefined ? sha256.slice(0, DIGEST_PREFIX) : `md5:${md5?.slice(0, DIGEST_PREFIX)}`;
  return `${entry.version} ${digest}`;
}

export function fingerprintCatalog(catalog: Catalog): EntryFingerprints {
  const index: EntryFingerprints = {};
  for (const e of catalog.entries) index[e.id] = entryFingerprint(e);
  return index;
}

/** One new or changed entry, as journalled. */
export interface EntryChange {
  id: string;
  vendor: string;
  kind: string;
  version: string;
  /** The version recorded before (changed entries only). */
  was?: string;
}

export interface CatalogChanges {
  added: EntryChange[];
  changed: EntryChange[];
  removed: string[];
}

/** Entries of `catalog` that `previous` lacks or records differently, and ids it no longer has. */
export function catalogChanges(previous: EntryFingerprints, catalog: Catalog): CatalogChanges {
  const added: EntryChange[] = [];
  const changed: EntryChange[] = [];
  const seen = new Set<string>();
  for (const e of catalog.entries) {
    seen.add(e.id);
    const before = previous[e.id];
    const change = { id: e.id, vendor: e.vendor, kind: e.kind, version: e.version };
    if (before === undefined) added.push(change);
    else if (before !== entryFingerprint(e)) changed.push({ ...change, was: before.split(' ')[0] as string });
  }
  const removed = Object.keys(previous).filter((id) => !seen.has(id));
  return { added, changed, removed };
}

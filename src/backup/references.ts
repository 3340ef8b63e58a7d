/**
 * What a component's image should be: the catalog entry that applies to it (the planner's
 * matching: identity and model) at the version it runs, with the digest every copy and every
 * read-back is checked against. Also the key a component keeps across updates, for baselines.
 */

import type { CatalogEntry } from '../catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import { componentMatcher, indexCatalog } from '../planner/index.ts';
import { vendorDriver } from '../vendors/detect.ts';
import { compareVersions } from '../versions/index.ts';

/** The catalog's word on one installed image. */
export interface Reference {
  entry: CatalogEntry;
  version: string;
  sha256?: string;
  md5?: string;
  size?: number;
  /** A file name for uploads. */
  fileName: string;
}

export type FindReference = (
  server: ServerInventory,
  c: InventoryComponent,
  version: string,
) => Reference | undefined;

/** A reference finder over a catalog (index built once). */
export function referenceFinder(entries: readonly CatalogEntry[]): FindReference {
  const match = componentMatcher(indexCatalog(entries));
  return (server, c, version) => {
    if (version === '') return undefined;
    const hints = { vendor: server.vendor, kind: c.kind };
    const hit = match(server, c).matches.find(
      (m) => m.entry.version === version || compareVersions(m.entry.version, version, hints) === 'equal',
    );
    if (hit === undefined) return undefined;
    const image = hit.entry.image;
    const fileName = (image.file ?? image.url ?? `${hit.entry.id}.bin`).split(/[\\/]/).pop() as string;
    return {
      entry: hit.entry,
      version: hit.entry.version,
      ...(image.sha256 ? { sha256: image.sha256.toLowerCase() } : {}),
      ...(image.md5 ? { md5: image.md5.toLowerCase() } : {}),
      ...(image.size !== undefined ? { size: image.size } : {}),
      fileName,
    };
  };
}

/** True when digests agree with the reference (every digest it gives). */
export function digestMatches(ref: Reference, d: { sha256: string; md5: string }): boolean {
  return (
    (ref.sha256 === undefined || ref.sha256 === d.sha256) && (ref.md5 === undefined || ref.md5 === d.md5)
  );
}

/** The digest a reference names, for messages. */
export function refDigest(ref: Reference): string {
  return ref.sha256 ? `sha256 ${ref.sha256}` : `md5 ${ref.md5}`;
}

/**
 * A key that survives updates: the Dell FQDD, else kind and name where Ids are image hashes
 * (OpenBMC), else the member Id.
 */
export function componentKey(server: ServerInventory, c: InventoryComponent): string {
  return vendorDriver(server.vendor).componentKey(c);
}

/**
 * An index over catalog entries so that matching 10,000 servers × 20 components against a large
 * vendor catalog does not test every entry against every component. It only narrows the search:
 * every candidate it returns still goes through matchEntry, and entries with a name pattern are
 * candidates for every component of their vendor.
 */

import type { CatalogEntry } from '../catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import { vendorDriver } from '../vendors/detect.ts';
import type { Vendor } from '../vocab.ts';

interface VendorIndex {
  bySoftwareId: Map<string, CatalogEntry[]>;
  /** "vendor:device" */
  byPci: Map<string, CatalogEntry[]>;
  byHpeTarget: Map<string, CatalogEntry[]>;
  byHpeDeviceClass: Map<string, CatalogEntry[]>;
  /** Entries with a namePattern (checked against every component). */
  withName: CatalogEntry[];
}

/** Entries by id and by the keys components are matched on. */
export interface CatalogIndex {
  byId: ReadonlyMap<string, CatalogEntry>;
  /** True when some entry of this vendor matches by name (then names are part of a cache key). */
  hasNamePatterns(vendor: Vendor): boolean;
  /** Entries that may match this component (a superset of the matches), in catalog order. */
  candidates(server: ServerInventory, c: InventoryComponent): CatalogEntry[];
  /** Every entry of a vendor, for explaining a miss. */
  ofVendor(vendor: Vendor): readonly CatalogEntry[];
}

function push(map: Map<string, CatalogEntry[]>, key: string, entry: CatalogEntry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [entry]);
  else if (list.at(-1) !== entry) list.push(entry);
}

/** Builds the index; catalog order is kept so ties resolve the same way every time. */
export function indexCatalog(entries: readonly CatalogEntry[]): CatalogIndex {
  const byId = new Map<string, CatalogEntry>();
  const order = new Map<CatalogEntry, number>();
  const vendors = new Map<Vendor, VendorIndex>();
  const all = new Map<Vendor, CatalogEntry[]>();
  entries.forEach((entry, i) => {
    if (!byId.has(entry.id)) byId.set(entry.id, entry);
    order.set(entry, i);
    let v = vendors.get(entry.vendor);
    if (v === undefined) {
      v = {
        bySoftwareId: new Map(),
        byPci: new Map(),
        byHpeTarget: new Map(),
        byHpeDeviceClass: new Map(),
        withName: [],
      };
      vendors.set(entry.vendor, v);
      all.set(entry.vendor, []);
    }
    all.get(entry.vendor)!.push(entry);
    const m = entry.match;
    for (const id of m.softwareIds ?? []) push(v.bySoftwareId, id.toLowerCase(), entry);
    for (const p of m.pci ?? []) push(v.byPci, `${p.vendorId}:${p.deviceId}`, entry);
    for (const t of m.hpeTargets ?? []) push(v.byHpeTarget, t, entry);
    if (m.hpeDeviceClass !== undefined) push(v.byHpeDeviceClass, m.hpeDeviceClass, entry);
    if (m.namePattern !== undefined) v.withName.push(entry);
  });

  return {
    byId,
    hasNamePatterns: (vendor) => (vendors.get(vendor)?.withName.length ?? 0) > 0,
    ofVendor: (vendor) => all.get(vendor) ?? [],
    candidates(server, c) {
      const v = vendors.get(server.vendor);
      if (v === undefined) return [];
      const found = new Set<CatalogEntry>();
      const add = (list: CatalogEntry[] | undefined) => {
        for (const e of list ?? []) found.add(e);
      };
      const ids = new Set([c.softwareId, vendorDriver(server.vendor).catalogMatch.softwareId(c)]);
      for (const id of ids) if (id) add(v.bySoftwareId.get(id.toLowerCase()));
      const pci = c.identity.pci;
      if (pci?.vendorId !== undefined && pci.deviceId !== undefined) {
        add(v.byPci.get(`${pci.vendorId}:${pci.deviceId}`));
      }
      for (const t of c.identity.hpeTargets ?? []) add(v.byHpeTarget.get(t.toLowerCase()));
      if (c.identity.hpeDeviceClass !== undefined) {
        add(v.byHpeDeviceClass.get(c.identity.hpeDeviceClass.toLowerCase()));
      }
      add(v.withName);
      return [...found].sort((a, b) => order.get(a)! - order.get(b)!);
    },
  };
}

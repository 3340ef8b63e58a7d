/**
 * Finds the catalog entries that apply to one installed component on one server, and when none
 * does, says why in one sentence ("3 dell entries have ComponentID 159, none is for PowerEdge
 * R710 (system id 0235)"). Results are memoized on everything matching reads, because a fleet is
 * mostly the same few components over and over.
 */

import type { CatalogEntry } from '../catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import { vendorDriver } from '../vendors/detect.ts';
import type { CatalogIndex } from './catalog-index.ts';
import { describeIdentity } from './component-identity.ts';
import { type MatchResult, matchEntry } from './entry-match.ts';
import { describeServerModel } from './model-filter.ts';

export interface EntryMatch {
  entry: CatalogEntry;
  /** "ComponentID 159, SystemID 0235" */
  by: string;
}

export interface Found {
  /** Entries that apply, in catalog order. */
  matches: EntryMatch[];
  /** Why nothing applies (set when matches is empty). */
  miss?: string;
}

export type FindMatches = (server: ServerInventory, c: InventoryComponent) => Found;

/** A memoizing matcher over one catalog index. */
export function componentMatcher(index: CatalogIndex): FindMatches {
  // Keyed by the server's part (vendor, model) and then the component's, so the server's part is
  // built once per server rather than once per component of 200,000.
  const memo = new Map<string, Map<string, Found>>();
  let lastServer: ServerInventory | undefined;
  let byComponent = new Map<string, Found>();
  return (server, c) => {
    if (server !== lastServer) {
      const key = `${server.vendor}\u0000${server.systemId ?? ''}\u0000${server.model ?? ''}`;
      let next = memo.get(key);
      if (next === undefined) {
        next = new Map();
        memo.set(key, next);
      }
      byComponent = next;
      lastServer = server;
    }
    const key = componentKey(index, server, c);
    let found = byComponent.get(key);
    if (found === undefined) {
      found = findMatches(index, server, c);
      byComponent.set(key, found);
    }
    return found;
  };
}

/** Everything matching reads of the component (the server's part is keyed apart). */
function componentKey(index: CatalogIndex, server: ServerInventory, c: InventoryComponent): string {
  const { pci, hpeTargets, hpeDeviceClass } = c.identity;
  const keyless =
    !c.softwareId && !c.identity.dellComponentId && !pci && !hpeTargets?.length && !hpeDeviceClass;
  // Names differ per component (Dell NIC names carry MACs); they only matter to name patterns
  // and to the message about a component that reports nothing else.
  const name = keyless || index.hasNamePatterns(server.vendor) ? c.name : '';
  return `${c.kind}\u0000${c.softwareId ?? ''}\u0000${vendorDriver(server.vendor).catalogMatch.softwareId(c) ?? ''}\u0000${
    pci ? `${pci.vendorId}:${pci.deviceId}:${pci.subsystemVendorId}:${pci.subsystemId}` : ''
  }\u0000${hpeTargets?.join(',') ?? ''}\u0000${hpeDeviceClass ?? ''}\u0000${name}`;
}

function findMatches(index: CatalogIndex, server: ServerInventory, c: InventoryComponent): Found {
  const matches: EntryMatch[] = [];
  const misses: Extract<MatchResult, { matched: false }>[] = [];
  for (const entry of index.candidates(server, c)) {
    const r = matchEntry(entry, server, c);
    if (r.matched) matches.push({ entry, by: r.by });
    else misses.push(r);
  }
  if (matches.length > 0) return { matches };
  return { matches, miss: explainMiss(index, server, c, misses) };
}

function explainMiss(
  index: CatalogIndex,
  server: ServerInventory,
  c: InventoryComponent,
  misses: Extract<MatchResult, { matched: false }>[],
): string {
  const identity = describeIdentity(server.vendor, c, false);
  if (index.ofVendor(server.vendor).length === 0) return `the catalog has no ${server.vendor} entries`;
  const byModel = misses.filter((m) => m.stage === 'model');
  const byIdentity = misses.filter((m) => m.stage === 'identity' && !m.byName);
  if (byModel.length > 0) {
    const first = byModel[0]!.reason;
    if (byModel.length === 1) return `no entry for this model: ${first}`;
    return `${byModel.length} ${server.vendor} entries match ${identity}, none for ${describeServerModel(server)} (e.g. ${first})`;
  }
  if (byIdentity.length > 0) {
    const first = byIdentity[0]!.reason;
    const more = byIdentity.length > 1 ? ` (and ${byIdentity.length - 1} more refused)` : '';
    return `no ${server.vendor} entry applies: ${first}${more}`;
  }
  const rules = vendorDriver(server.vendor).catalogMatch;
  if (rules.idOrPciOnly && rules.softwareId(c) === undefined && c.identity.pci === undefined) {
    return `the component reports no ${rules.softwareIdLabel} and no PCI ids: nothing to match a ${server.vendor} entry by`;
  }
  return `no ${server.vendor} entry matches ${identity}`;
}

/**
 * Does a catalog entry apply to an installed component on a given server? This is where tools
 * flash the wrong image, so the rules are strict and every refusal says why:
 * - the vendor must agree;
 * - one matcher decides, chosen by vendor: Dell by ComponentID (SoftwareId), falling back to PCI
 *   ids when iDRAC reports none; HPE by Oem.Hpe.Targets GUIDs, then DeviceClass; others by
 *   SoftwareId, PCI ids, then name pattern. The decisive matcher is the first the entry specifies
 *   and the component can be checked against;
 * - every other matcher the entry specifies and the component reports must agree as well (a Dell
 *   ComponentID match whose PCI ids are not among the entry's is refused);
 * - an HPE entry with Targets never matches a component that reports none;
 * - a match by name pattern alone also needs the component kinds to agree;
 * - the server's model must be among the entry's supportedModels (model-filter.ts).
 */

import type { CatalogEntry } from '../catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import { vendorDriver } from '../vendors/detect.ts';
import type { Vendor } from '../vocab.ts';
import { pciText } from './component-identity.ts';
import { checkModel } from './model-filter.ts';

/** Why an entry does not apply, by the first check it failed. */
export type MatchStage = 'vendor' | 'identity' | 'model';

export type MatchResult =
  | { matched: true; by: string }
  | { matched: false; stage: MatchStage; reason: string; byName?: boolean };

type MatcherName = 'softwareIds' | 'pci' | 'hpeTargets' | 'hpeDeviceClass' | 'namePattern';

/** match: agrees; mismatch: disagrees; unknown: the component does not report the field. */
interface Evaluation {
  state: 'match' | 'mismatch' | 'unknown';
  text: string;
}

/** Which matcher decides, in order, per vendor. */
const PRIORITY: Record<Vendor, readonly MatcherName[]> = {
  dell: ['softwareIds', 'pci', 'namePattern', 'hpeTargets', 'hpeDeviceClass'],
  hpe: ['hpeTargets', 'hpeDeviceClass', 'softwareIds', 'pci', 'namePattern'],
  lenovo: ['softwareIds', 'pci', 'namePattern', 'hpeTargets', 'hpeDeviceClass'],
  supermicro: ['softwareIds', 'pci', 'namePattern', 'hpeTargets', 'hpeDeviceClass'],
  openbmc: ['softwareIds', 'pci', 'namePattern', 'hpeTargets', 'hpeDeviceClass'],
  generic: ['softwareIds', 'pci', 'namePattern', 'hpeTargets', 'hpeDeviceClass'],
};

const patterns = new Map<string, RegExp>();
function compiled(source: string): RegExp {
  let re = patterns.get(source);
  if (re === undefined) {
    re = new RegExp(source, 'i');
    patterns.set(source, re);
  }
  return re;
}

const lower = (s: string) => s.toLowerCase();

function evaluate(
  name: MatcherName,
  entry: CatalogEntry,
  server: ServerInventory,
  c: InventoryComponent,
): Evaluation | undefined {
  const m = entry.match;
  switch (name) {
    case 'softwareIds': {
      if (m.softwareIds === undefined) return undefined;
      const rules = vendorDriver(server.vendor).catalogMatch;
      const label = rules.softwareIdLabel;
      const id = rules.softwareId(c);
      if (id === undefined) return { state: 'unknown', text: `the component reports no ${label}` };
      const ok = m.softwareIds.some((s) => lower(s) === lower(id));
      return ok
        ? { state: 'match', text: `${label} ${id}` }
        : { state: 'mismatch', text: `${label} ${id} is not among the entry's (${list(m.softwareIds)})` };
    }
    case 'pci': {
      if (m.pci === undefined) return undefined;
      const p = c.identity.pci;
      if (p?.vendorId === undefined || p.deviceId === undefined) {
        return { state: 'unknown', text: 'the component reports no PCI ids' };
      }
      const ok = m.pci.some(
        (e) =>
          e.vendorId === p.vendorId &&
          e.deviceId === p.deviceId &&
          (e.subsystemVendorId === undefined || e.subsystemVendorId === p.subsystemVendorId) &&
          (e.subsystemId === undefined || e.subsystemId === p.subsystemId),
      );
      return ok
        ? { state: 'match', text: `PCI ${pciText(c)}` }
        : { state: 'mismatch', text: `PCI ${pciText(c)} is not among the entry's PCI ids` };
    }
    case 'hpeTargets': {
      if (m.hpeTargets === undefined) return undefined;
      const targets = c.identity.hpeTargets ?? [];
      if (targets.length === 0) return { state: 'unknown', text: 'the component reports no Oem.Hpe.Targets' };
      const hit = targets.find((t) => m.hpeTargets!.includes(lower(t)));
      return hit !== undefined
        ? { state: 'match', text: `HPE target ${hit}` }
        : { state: 'mismatch', text: `HPE targets ${list(targets)} share none with the entry's` };
    }
    case 'hpeDeviceClass': {
      if (m.hpeDeviceClass === undefined) return undefined;
      const dc = c.identity.hpeDeviceClass;
      if (dc === undefined) return { state: 'unknown', text: 'the component reports no Oem.Hpe.DeviceClass' };
      return lower(dc) === m.hpeDeviceClass
        ? { state: 'match', text: `HPE DeviceClass ${dc}` }
        : { state: 'mismatch', text: `HPE DeviceClass ${dc} is not the entry's ${m.hpeDeviceClass}` };
    }
    case 'namePattern': {
      if (m.namePattern === undefined) return undefined;
      return compiled(m.namePattern).test(c.name)
        ? { state: 'match', text: `name "${c.name}" ~ /${m.namePattern}/` }
        : { state: 'mismatch', text: `name "${c.name}" does not match /${m.namePattern}/` };
    }
  }
}

function list(values: readonly string[], max = 4): string {
  const more = values.length - max;
  return values.slice(0, max).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** Checks vendor, identity and model, in that order; the first failure is the reason. */
export function matchEntry(entry: CatalogEntry, server: ServerInventory, c: InventoryComponent): MatchResult {
  if (entry.vendor !== server.vendor) {
    return {
      matched: false,
      stage: 'vendor',
      reason: `${entry.id} is for ${entry.vendor}, not ${server.vendor}`,
    };
  }
  const identity = matchIdentity(entry, server, c);
  if (!identity.matched) return identity;
  const model = checkModel(entry, server);
  if (!model.ok) return { matched: false, stage: 'model', reason: model.reason };
  return { matched: true, by: model.by ? `${identity.by}, ${model.by}` : identity.by };
}

/** The identity part of {@link matchEntry}: decisive matcher plus cross-checks. */
export function matchIdentity(
  entry: CatalogEntry,
  server: ServerInventory,
  c: InventoryComponent,
): MatchResult {
  const evaluations: [MatcherName, Evaluation][] = [];
  for (const name of PRIORITY[server.vendor]) {
    const e = evaluate(name, entry, server, c);
    if (e !== undefined) evaluations.push([name, e]);
  }
  const fail = (reason: string): MatchResult => ({ matched: false, stage: 'identity', reason });
  const mismatch = evaluations.find(([, e]) => e.state === 'mismatch');
  if (mismatch !== undefined) {
    // A name alone that does not match says little: name-pattern entries are tried on every
    // component, so such a refusal is left out of "nothing matches" explanations.
    const nameOnly = mismatch[0] === 'namePattern' && !evaluations.some(([, e]) => e.state === 'match');
    return { ...fail(`${entry.id}: ${mismatch[1].text}`), ...(nameOnly ? { byName: true } : {}) };
  }
  if (vendorDriver(server.vendor).catalogMatch.requiresHpeTargets) {
    const targets = evaluations.find(([n]) => n === 'hpeTargets');
    if (targets?.[1].state === 'unknown') return fail(`${entry.id}: ${targets[1].text}`);
  }
  const decisive = evaluations.find(([, e]) => e.state === 'match');
  if (decisive === undefined) {
    const why = evaluations.map(([, e]) => e.text).join('; ');
    return fail(`${entry.id}: nothing to compare (${why || 'the entry has no matcher for this vendor'})`);
  }
  if (decisive[0] === 'namePattern' && entry.kind !== c.kind) {
    return fail(`${entry.id}: matched by name only and the entry is ${entry.kind}, the component ${c.kind}`);
  }
  return { matched: true, by: decisive[1].text };
}

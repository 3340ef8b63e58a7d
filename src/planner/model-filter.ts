/**
 * The catalog's model filter: an entry restricted to some server models (Dell SupportedSystems
 * Model@systemID, native supportedModels) applies only to servers that report one of them. A
 * server whose model is unknown never gets a model-restricted image: guessing is how a BIOS for
 * the wrong board gets flashed.
 */

import type { CatalogEntry } from '../catalog/model.ts';
import type { ServerInventory } from '../inventory/model.ts';
import { vendorDriver } from '../vendors/detect.ts';
import type { Vendor } from '../vocab.ts';

/** How a server relates to an entry's supportedModels. */
export type ModelCheck = { ok: true; by?: string } | { ok: false; reason: string };

/**
 * System ids as catalogs write them: Dell SystemIDs are 4 hex digits ("0235"; iDRAC may report
 * 565 or "0x235"), compared without case; others compared trimmed and without case.
 */
export function normalizeSystemId(vendor: Vendor, id: string): string {
  const trimmed = id.trim().toUpperCase();
  return vendorDriver(vendor).catalogMatch.normalizeSystemId?.(trimmed) ?? trimmed;
}

const normalizeName = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** Checks the server against the entry's supportedModels (absent: any model). */
export function checkModel(entry: CatalogEntry, server: ServerInventory): ModelCheck {
  const models = entry.supportedModels;
  if (models === undefined || models.length === 0) return { ok: true };
  const byId = models.filter((m) => m.systemId !== undefined);
  const byName = models.filter((m) => m.systemId === undefined);
  if (server.systemId !== undefined && byId.length > 0) {
    const want = normalizeSystemId(server.vendor, server.systemId);
    if (byId.some((m) => normalizeSystemId(server.vendor, m.systemId!) === want)) {
      return { ok: true, by: `SystemID ${server.systemId}` };
    }
  }
  if (server.model !== undefined && byName.length > 0) {
    const want = normalizeName(server.model);
    if (byName.some((m) => normalizeName(m.name!) === want)) return { ok: true, by: `model ${server.model}` };
  }
  const listed = describeModels(entry);
  if (server.systemId === undefined && byName.length === 0) {
    return {
      ok: false,
      reason: `${entry.id} is restricted to ${listed} and the server reports no system id${server.model ? ` (model ${server.model})` : ''}`,
    };
  }
  if (server.model === undefined && byId.length === 0) {
    return { ok: false, reason: `${entry.id} is restricted to ${listed} and the server reports no model` };
  }
  return { ok: false, reason: `${entry.id} is for ${listed}, not ${describeServerModel(server)}` };
}

/** "PowerEdge R710 (0235), PowerEdge T610 (0236) and 19 more" */
export function describeModels(entry: CatalogEntry, max = 3): string {
  const models = entry.supportedModels ?? [];
  const shown = models
    .slice(0, max)
    .map((m) => (m.name && m.systemId ? `${m.name} (${m.systemId})` : (m.systemId ?? m.name ?? '?')));
  const more = models.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** "PowerEdge R710 (SystemID 0235)" */
export function describeServerModel(server: ServerInventory): string {
  if (server.model && server.systemId) return `${server.model} (system id ${server.systemId})`;
  if (server.systemId) return `system id ${server.systemId}`;
  return server.model ?? 'an unknown model';
}

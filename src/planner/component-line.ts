/**
 * Component lines: the installed components that are "the same firmware" across the fleet, so a
 * lowest (acting) version means something. Versions of different vendors, kinds or devices are
 * incomparable, and one ComponentID can be several lines (Dell 159 is every model's BIOS), so a
 * line is vendor + kind + identity + the model family of the catalog entry that targets it
 * (its supportedModels), or the server's model for board firmware no entry matches.
 */
import type { CatalogEntry } from '../catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import { identityOf } from './component-identity.ts';

/** The line a component belongs to, with what the summary prints for it. */
export interface LineRef {
  key: string;
  identity: string;
  label: string;
  models?: string;
}

/** Board firmware differs per model even under one id; other devices are the same part anywhere. */
const BOARD_KINDS = new Set(['bmc', 'bios', 'cpld']);

/** An entry's model family ("0235,0236,…") and how to print it; computed once per entry. */
const families = new WeakMap<CatalogEntry, { scope: string; models: string }>();
function familyOf(entry: CatalogEntry): { scope: string; models: string } {
  let family = families.get(entry);
  if (family === undefined) {
    const models = entry.supportedModels ?? [];
    const names = models.map((m) => m.systemId ?? m.name ?? '?').sort();
    family = {
      scope: names.join(','),
      models:
        names.length <= 3 ? models.map((m) => m.name ?? m.systemId).join(', ') : `${names.length} models`,
    };
    families.set(entry, family);
  }
  return family;
}

/**
 * Lines of components some entry targets, made during one plan() call: one LineRef per entry and
 * device, shared by every component of that line. The scope is the entry's whole model list
 * (hundreds of characters for a Dell BIOS); a fresh reference per component would be built, kept
 * and hashed again by the compliance summary 200,000 times in a fleet plan. Per call, so the
 * shared reference is always the one the line's first component would have made.
 */
export type LineCache = WeakMap<CatalogEntry, Map<string, LineRef>>;

/** An empty LineCache for one plan() call. */
export const lineCache = (): LineCache => new WeakMap();

/** The line of one installed component; `reference` is the entry that targets it, if any. */
export function lineOf(
  server: ServerInventory,
  c: InventoryComponent,
  reference: CatalogEntry | undefined,
  cache: LineCache = lineCache(),
): LineRef {
  const id = identityOf(server.vendor, c);
  const head = `${server.vendor}|${c.kind}|${id.key}`;
  if (reference !== undefined) {
    let byHead = cache.get(reference);
    if (byHead === undefined) {
      byHead = new Map();
      cache.set(reference, byHead);
    }
    let line = byHead.get(head);
    if (line === undefined) {
      const { scope, models } = reference.supportedModels?.length
        ? familyOf(reference)
        : { scope: '*', models: undefined };
      line = {
        key: `${head}|${scope}`,
        identity: id.text,
        label: reference.name,
        ...(models === undefined ? {} : { models }),
      };
      byHead.set(head, line);
    }
    return line;
  }
  let scope = '*';
  let models: string | undefined;
  if (BOARD_KINDS.has(c.kind)) {
    scope = server.systemId ?? server.model ?? '?';
    models = server.model ?? server.systemId;
  }
  return {
    key: `${head}|${scope}`,
    identity: id.text,
    // Dell NIC names end in the port's MAC; the line is the adapter, not the port.
    label: c.name.replace(/ - ([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, ''),
    ...(models === undefined ? {} : { models }),
  };
}

/** Kinds whose name is an abbreviation, written as people write it. */
const KIND_TEXT: Partial<Record<string, string>> = {
  bmc: 'BMC',
  bios: 'BIOS',
  cpld: 'CPLD',
  nic: 'NIC',
  psu: 'PSU',
};

/**
 * A line as a human reads it, for notes, status tables and API views (the key stays for
 * programs): "iLO 5 (BMC, ProLiant DL380 Gen10)", "BIOS (PowerEdge R710)". The kind is left out
 * when the label already says it.
 */
export function lineName(line: { label: string; kind: string; models?: string | undefined }): string {
  const kind = KIND_TEXT[line.kind] ?? line.kind;
  const says = line.label.toLowerCase().includes(line.kind.toLowerCase());
  const notes = [says ? undefined : kind, line.models].filter(Boolean);
  return notes.length ? `${line.label} (${notes.join(', ')})` : line.label;
}

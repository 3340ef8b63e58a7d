/** Builders for handcrafted inventories and catalogs: only the fields a test cares about. */
import { createHash } from 'node:crypto';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { type CatalogEntry, CatalogEntrySchema } from '../../src/catalog/model.ts';
import type { FleetInventory, InventoryComponent, ServerInventory } from '../../src/inventory/model.ts';
import type { Plan, PlanDecision, ServerPlan } from '../../src/planner/index.ts';

type DeepPartialEntry = Partial<Omit<CatalogEntry, 'requires'>> & {
  requires?: Partial<CatalogEntry['requires']>;
};

/** A catalog entry validated by the real schema (so fixtures cannot drift from it). */
export function entry(id: string, fields: DeepPartialEntry): CatalogEntry {
  const { requires, ...rest } = fields;
  return CatalogEntrySchema.parse({
    id,
    vendor: 'dell',
    kind: 'bios',
    name: id,
    version: '1.0.0',
    match: { softwareIds: ['159'] },
    image: { file: `images/${id}.bin`, sha256: createHash('sha256').update(id).digest('hex') },
    criticality: 'recommended',
    requires: { reboot: true, ...requires },
    source: { format: 'native', file: 'test-catalog.yaml' },
    ...rest,
  });
}

export function catalogOf(entries: CatalogEntry[], name = 'test-catalog'): Catalog {
  return {
    entries,
    skipped: [],
    stats: { seen: entries.length, imported: entries.length, skipped: 0, byKind: {}, skippedByReason: {} },
    source: { format: 'native', file: 'test-catalog.yaml', baseDir: '/tmp', encoding: 'utf-8', name },
  };
}

let componentSeq = 0;
/** An installed component; `id` defaults to something unique. */
export function component(
  fields: Partial<InventoryComponent> & Pick<InventoryComponent, 'kind' | 'version'>,
): InventoryComponent {
  const id = fields.id ?? `c${++componentSeq}`;
  return {
    id,
    uri: `/redfish/v1/UpdateService/FirmwareInventory/${id}`,
    name: fields.name ?? id,
    slot: 'active',
    identity: {},
    updateable: true,
    ...fields,
  };
}

/** A Dell component by ComponentID (SoftwareId and identity, as src/vendors/dell.ts reads them). */
export function dellComponent(
  componentId: string,
  kind: InventoryComponent['kind'],
  version: string,
  extra: Partial<InventoryComponent> = {},
): InventoryComponent {
  return component({
    kind,
    version,
    softwareId: componentId,
    name: `dell-${kind}-${componentId}`,
    ...extra,
    identity: { dellComponentId: componentId, ...extra.identity },
  });
}

/** A readable server; Dell PowerEdge R710 (SystemID 0235) unless told otherwise. */
export function server(
  name: string,
  components: InventoryComponent[],
  fields: Partial<ServerInventory> = {},
): ServerInventory {
  return {
    server: name,
    bmc: `https://${name}.bmc.example`,
    vendor: 'dell',
    labels: {},
    model: 'PowerEdge R710',
    systemId: '0235',
    scannedAt: '2026-11-22T03:00:00.000Z',
    components,
    copies: [],
    ...fields,
  };
}

export function fleetOf(...servers: ServerInventory[]): FleetInventory {
  return { scannedAt: '2026-11-22T03:00:00.000Z', servers, failed: servers.filter((s) => s.error).length };
}

export function serverPlan(p: Plan, name: string): ServerPlan {
  const s = p.servers.find((x) => x.server === name);
  if (s === undefined) throw new Error(`no server ${name} in plan`);
  return s;
}

/** The decision for the component named `name` (or with that id) on server `serverName`. */
export function decisionFor(p: Plan, serverName: string, name: string): PlanDecision {
  const d = serverPlan(p, serverName).decisions.find(
    (x) => x.component?.name === name || x.component?.id === name,
  );
  if (d === undefined) throw new Error(`no decision for ${name} on ${serverName}`);
  return d;
}

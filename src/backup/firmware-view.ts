/**
 * One read of a server's firmware for the backup slice: the normalized inventory (what the
 * planner and the executor's verification read) plus the raw members behind it, whose
 * ImageDataURI and RelatedItem the slice needs. Like inventory/scan.ts, in a single pass.
 */
import type { Clock } from '../deps.ts';
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import { normalizeMember, type ScanTarget } from '../inventory/scan.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import {
  ComputerSystemSchema,
  normalizeUri,
  type SoftwareInventory,
  SoftwareInventorySchema,
  UpdateServiceSchema,
} from '../redfish/models/index.ts';
import { detectDriver } from '../vendors/detect.ts';

export interface FirmwareView {
  inventory: ServerInventory;
  /** Raw FirmwareInventory members by normalized URI. */
  members: Map<string, SoftwareInventory>;
  updateService: ReturnType<typeof UpdateServiceSchema.parse>;
}

/** Reads the firmware inventory and the system facts the catalog matches on. */
export async function readFirmwareView(
  client: RedfishClient,
  target: ScanTarget,
  clock: Clock,
): Promise<FirmwareView> {
  const root = await client.root();
  const quirks = await detectDriver(client, root, target.vendor);
  const usUri = root.UpdateService?.['@odata.id'] ?? '/redfish/v1/UpdateService';
  const updateService = await client.get(usUri, UpdateServiceSchema);
  const inventoryUri =
    updateService.FirmwareInventory?.['@odata.id'] ?? `${normalizeUri(usUri)}/FirmwareInventory`;
  const [raw, systems] = await Promise.all([
    readMembers(client, inventoryUri, SoftwareInventorySchema),
    root.Systems ? readMembers(client, root.Systems['@odata.id'], ComputerSystemSchema) : [],
  ]);
  const system = systems[0];
  const all: InventoryComponent[] = raw.map((m) => normalizeMember(m, quirks));
  const inventory: ServerInventory = {
    server: target.name,
    bmc: target.bmc,
    vendor: quirks.vendor,
    labels: target.labels ?? {},
    ...(system?.Model ? { model: system.Model } : {}),
    ...(system && quirks.systemId(system) ? { systemId: quirks.systemId(system) as string } : {}),
    ...(system?.SerialNumber ? { serialNumber: system.SerialNumber } : {}),
    ...(system?.PowerState ? { powerState: system.PowerState } : {}),
    ...(system?.Status?.Health ? { health: system.Status.Health } : {}),
    scannedAt: new Date(clock.now()).toISOString(),
    components: all.filter((c) => c.slot === 'active'),
    copies: all.filter((c) => c.slot !== 'active'),
  };
  return {
    inventory,
    members: new Map(raw.map((m) => [normalizeUri(m['@odata.id']), m])),
    updateService,
  };
}

/** The URIs a member's RelatedItem points at. */
export function relatedOf(m: SoftwareInventory | undefined): string[] {
  return (m?.RelatedItem ?? []).map((r) => normalizeUri(r['@odata.id']));
}

/**
 * Reads what one server runs: service root → vendor, UpdateService → FirmwareInventory (all
 * pages, $expand where offered), Systems → model and system id, Managers and Systems → when they
 * last reset (LastResetTime, where reported), normalized through the vendor
 * driver. Installed images go to `components`, rollback/backup/staged copies to `copies`.
 */
import type { Clock } from '../deps.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import {
  type ComputerSystem,
  ComputerSystemSchema,
  ManagerSchema,
  normalizeUri,
  type SoftwareInventory,
  SoftwareInventorySchema,
  UpdateServiceSchema,
} from '../redfish/models/index.ts';
import { detectDriver } from '../vendors/detect.ts';
import type { VendorDriver } from '../vendors/types.ts';
import type { Vendor } from '../vocab.ts';
import type { InventoryComponent, ServerInventory } from './model.ts';

export interface ScanTarget {
  name: string;
  bmc: string;
  vendor?: Vendor;
  labels?: Record<string, string>;
}

export interface ScanOptions {
  /**
   * Also read the Manager for its LastResetTime (the System's comes free): one more request per
   * server, so only the inventory-scan job, which watches for resets, asks for it.
   */
  resets?: boolean;
}

/** Scans one server; throws on failure (the sweep turns that into a reported error). */
export async function scanServer(
  client: RedfishClient,
  target: ScanTarget,
  clock: Clock,
  options: ScanOptions = {},
): Promise<ServerInventory> {
  const updateServiceUri = (await client.root()).UpdateService?.['@odata.id'] ?? '/redfish/v1/UpdateService';
  // One request at a time, on one connection: reading Systems alongside the inventory would save
  // one round trip and cost a second TLS handshake, several ms of CPU here and far more on a BMC
  // (iDRAC and iLO take hundreds of ms per handshake); a sweep gets its parallelism across servers.
  const us = await client.get(updateServiceUri, UpdateServiceSchema);
  // Detected after the first authenticated request: a session the BMC dropped (it restarted, maybe
  // into other firmware) made the client forget the root, and this reads the new one.
  const root = await client.root();
  const quirks = await detectDriver(client, root, target.vendor);
  const members = await readMembers(
    client,
    us.FirmwareInventory?.['@odata.id'] ?? `${normalizeUri(updateServiceUri)}/FirmwareInventory`,
    SoftwareInventorySchema,
  );
  const system = root.Systems
    ? (await readMembers(client, root.Systems['@odata.id'], ComputerSystemSchema))[0]
    : undefined;
  // Only for LastResetTime: one more round trip.
  const manager =
    options.resets && root.Managers
      ? (await readMembers(client, root.Managers['@odata.id'], ManagerSchema))[0]
      : undefined;
  const lastReset = {
    ...(system?.LastResetTime ? { system: system.LastResetTime } : {}),
    ...(manager?.LastResetTime ? { bmc: manager.LastResetTime } : {}),
  };
  const all = members.map((m) => normalizeMember(m, quirks)).sort(byKindThenName);
  return {
    server: target.name,
    bmc: target.bmc,
    vendor: quirks.vendor,
    labels: target.labels ?? {},
    ...systemFacts(system, quirks),
    ...(lastReset.system || lastReset.bmc ? { lastReset } : {}),
    scannedAt: new Date(clock.now()).toISOString(),
    components: all.filter((c) => c.slot === 'active'),
    copies: all.filter((c) => c.slot !== 'active'),
    requests: client.requests,
  };
}

/** One inventory member → normalized component. */
export function normalizeMember(member: SoftwareInventory, quirks: VendorDriver): InventoryComponent {
  const reading = quirks.readMember(member);
  // A vendor module that sets softwareId (even to undefined) overrides the BMC's value.
  const softwareId = 'softwareId' in reading ? reading.softwareId : (member.SoftwareId ?? undefined);
  const c: InventoryComponent = {
    id: member.Id,
    uri: normalizeUri(member['@odata.id']),
    name: member.Name ?? member.Id,
    kind: reading.kind,
    slot: reading.slot,
    version: (member.Version ?? '').trim(),
    identity: reading.identity,
  };
  if (softwareId) c.softwareId = softwareId;
  if (typeof member.Updateable === 'boolean') c.updateable = member.Updateable;
  if (member.Status?.State) c.state = member.Status.State;
  if (member.Status?.Health) c.health = member.Status.Health;
  if (member.Manufacturer) c.manufacturer = member.Manufacturer;
  if (member.ReleaseDate) c.releaseDate = member.ReleaseDate;
  if (member.VersionScheme) c.versionScheme = member.VersionScheme;
  if (member.LowestSupportedVersion) c.lowestSupportedVersion = member.LowestSupportedVersion;
  return c;
}

function systemFacts(system: ComputerSystem | undefined, quirks: VendorDriver): Partial<ServerInventory> {
  if (!system) return {};
  const out: Partial<ServerInventory> = {};
  if (system.Model) out.model = system.Model;
  const systemId = quirks.systemId(system);
  if (systemId) out.systemId = systemId;
  if (system.SerialNumber) out.serialNumber = system.SerialNumber;
  if (system.PowerState) out.powerState = system.PowerState;
  if (system.Status?.Health) out.health = system.Status.Health;
  return out;
}

const KIND_ORDER = ['bmc', 'bios', 'cpld', 'storage', 'nic', 'drive', 'psu', 'management', 'other'];
/** What String#localeCompare uses, made once: localeCompare looks the collator up on every call. */
const COLLATOR = new Intl.Collator();

function byKindThenName(a: InventoryComponent, b: InventoryComponent): number {
  return (
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    COLLATOR.compare(a.name, b.name) ||
    COLLATOR.compare(a.id, b.id)
  );
}

/**
 * The normalized inventory: what firmware every server runs, vendor differences folded away.
 * Produced by src/inventory from Redfish FirmwareInventory members through src/vendors, read by
 * the planner, the CLI and the API.
 */
import type { ComponentKind, ComponentSlot, Vendor } from '../vocab.ts';

/** Keys a catalog entry can match an installed component by. */
export interface ComponentIdentity {
  /** Dell ComponentID (Redfish SoftwareId on iDRAC; "0" is dropped: match by PCI ids then). */
  dellComponentId?: string;
  /** Dell FQDD, e.g. "NIC.Integrated.1-1-1". */
  fqdd?: string;
  /** PCI ids in lowercase hex without 0x. */
  pci?: { vendorId?: string; deviceId?: string; subsystemVendorId?: string; subsystemId?: string };
  /** HPE Oem.Hpe.Targets GUIDs (lowercase). */
  hpeTargets?: string[];
  /** HPE Oem.Hpe.DeviceClass GUID. */
  hpeDeviceClass?: string;
}

/** One firmware component installed on a server. */
export interface InventoryComponent {
  /** Redfish member Id, e.g. "Installed-25227-7.00.00.184__iDRAC.Embedded.1-1". */
  id: string;
  /** The member's @odata.id (trailing slash removed). */
  uri: string;
  name: string;
  kind: ComponentKind;
  slot: ComponentSlot;
  /** The version string exactly as the BMC reports it ("" when absent). */
  version: string;
  softwareId?: string;
  updateable?: boolean;
  /** Status.State (Enabled, StandbySpare, UnavailableOffline, ...). */
  state?: string;
  /** Status.Health (OK, Warning, Critical). */
  health?: string;
  manufacturer?: string;
  releaseDate?: string;
  versionScheme?: string;
  lowestSupportedVersion?: string;
  identity: ComponentIdentity;
}

/** What one server runs, or why it could not be read. */
export interface ServerInventory {
  server: string;
  bmc: string;
  vendor: Vendor;
  labels: Record<string, string>;
  /** ComputerSystem.Model, e.g. "PowerEdge R640". */
  model?: string;
  /** Dell SystemID / HPE product id / SKU where the vendor reports one (catalog model filter). */
  systemId?: string;
  serialNumber?: string;
  powerState?: string;
  health?: string;
  /**
   * When the host (ComputerSystem) and the BMC (Manager) last came out of a reset, where the BMC
   * reports LastResetTime: a change between two scans is a reset observed (inventory-scan).
   */
  lastReset?: { system?: string; bmc?: string };
  /** ISO 8601 time the sweep finished reading this server. */
  scannedAt: string;
  /** Installed firmware: the images that run now (slot `active`). */
  components: InventoryComponent[];
  /**
   * Other copies the BMC holds: backup banks, Dell Previous- rollback images, Dell Available-
   * staged packages. Never reported as installed; the backup and rollback paths use them.
   */
  copies: InventoryComponent[];
  /** Set when the server could not be read; components is then empty. */
  error?: { code: string; message: string };
  /** Round trips the scan needed (bench and diagnostics). */
  requests?: number;
}

/** A sweep of the whole fleet. */
export interface FleetInventory {
  scannedAt: string;
  servers: ServerInventory[];
  /** How many servers could not be read. */
  failed: number;
}

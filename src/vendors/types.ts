/**
 * One small interface per BMC family (bmclib's provider pattern): how to recognise it and how to
 * read its inventory members into normalized components. Later capabilities (preferred update
 * method, task lookup fallback, backup mechanism) join this interface as they land.
 */
import type { ComponentIdentity } from '../inventory/model.ts';
import type { ComputerSystem, ServiceRoot, SoftwareInventory } from '../redfish/models/index.ts';
import type { ComponentKind, ComponentSlot, Vendor } from '../vocab.ts';

/** What a vendor module says about one FirmwareInventory member. */
export interface MemberReading {
  kind: ComponentKind;
  slot: ComponentSlot;
  identity: ComponentIdentity;
  /** Overrides SoftwareId when present, even as undefined (Dell's "0" means none). */
  softwareId?: string | undefined;
}

export interface VendorQuirks {
  readonly vendor: Vendor;
  /** True when the service root says this is the vendor's BMC. */
  matches(root: ServiceRoot): boolean;
  /** Normalizes one inventory member. */
  readMember(member: SoftwareInventory): MemberReading;
  /** The id catalogs filter models by (Dell SystemID as 4 hex digits, HPE/Lenovo SKU). */
  systemId(system: ComputerSystem): string | undefined;
}

/**
 * Dell iDRAC 8/9. Inventory Ids are Installed-<ComponentID>-<Version>__<FQDD> for what runs,
 * Previous-… for the rollback copy and Available-… for staged packages (iDRAC 9 4.x–7.x).
 * SoftwareId is the ComponentID that Dell catalogs match on, except devices that report "0"
 * (seen on Mellanox NICs and PSUs, iDRAC 9 5.x+): those match by PCI ids from Oem.Dell.
 */
import type { ComponentIdentity } from '../../inventory/model.ts';
import type { ComputerSystem, Manager, ServiceRoot, SoftwareInventory } from '../../redfish/models/index.ts';
import { ComponentSlot } from '../../vocab.ts';
import { hexId, kindOfMember, oem } from '../classify.ts';
import type { MemberReading } from '../types.ts';

const ID = /^(Installed|Previous|Available)-(\d+)-(.*?)__(.+)$/;

/** iDRAC's service root names Dell in Vendor (iDRAC 9) or, on some releases, carries Oem.Dell. */
export function isDell(root: ServiceRoot): boolean {
  return /dell/i.test(root.Vendor ?? '') || root.Oem?.['Dell'] !== undefined;
}

/**
 * iDRAC 8 2.x's ServiceRoot (v1_0_2, Redfish 1.0.2 on 2.5x) names no vendor at all: neither Vendor
 * nor Oem (iDRAC-Redfish-Scripting issue #6 payload). Its Manager is always iDRAC.Embedded.1, the
 * iDRAC's FQDD, on every generation.
 */
export function isIdracManager(manager: Manager): boolean {
  return (
    manager.Id === 'iDRAC.Embedded.1' || manager['@odata.id']?.endsWith('/Managers/iDRAC.Embedded.1') === true
  );
}

/** Reads one iDRAC FirmwareInventory member: slot from the Id prefix, ComponentID, FQDD, PCI ids. */
export function readDellMember(member: SoftwareInventory): MemberReading {
  const m = ID.exec(member.Id);
  const prefix = m?.[1];
  const slot =
    prefix === 'Previous'
      ? ComponentSlot.backup
      : prefix === 'Available'
        ? ComponentSlot.staged
        : ComponentSlot.active;
  const inv = oem(member, 'Dell', 'DellSoftwareInventory') as Record<string, unknown> | undefined;
  const componentId = [member.SoftwareId, inv?.['ComponentID'], m?.[2]].find(
    (v): v is string => typeof v === 'string' && v !== '' && v !== '0',
  );
  const fqdd = m?.[4];
  const identity: ComponentIdentity = {};
  if (componentId) identity.dellComponentId = componentId;
  if (fqdd) identity.fqdd = fqdd;
  const pci = {
    vendorId: hexId(inv?.['VendorID']),
    deviceId: hexId(inv?.['DeviceID']),
    subsystemVendorId: hexId(inv?.['SubVendorID']),
    subsystemId: hexId(inv?.['SubDeviceID']),
  };
  if (pci.vendorId || pci.deviceId) identity.pci = dropUndefined(pci);
  // FQDD prefixes are Dell's own device classes and beat name guessing.
  const kind = fqdd ? kindFromFqdd(fqdd) : undefined;
  return {
    kind: kind ?? kindOfMember(member),
    slot,
    identity,
    softwareId: componentId,
  };
}

/** Dell SystemID (Oem.Dell.DellSystem.SystemID) as 4 upper-case hex digits, as catalogs write it. */
export function dellSystemId(system: ComputerSystem): string | undefined {
  const id = oem(system, 'Dell', 'DellSystem', 'SystemID');
  if (typeof id === 'number') return id.toString(16).toUpperCase().padStart(4, '0');
  if (typeof id === 'string' && id) return id.replace(/^0x/i, '').toUpperCase().padStart(4, '0');
  return undefined;
}

function kindFromFqdd(fqdd: string) {
  const head = fqdd.split('.')[0]?.toUpperCase();
  switch (head) {
    case 'IDRAC':
      return 'bmc' as const;
    case 'BIOS':
      return 'bios' as const;
    case 'NIC':
    case 'FC':
    case 'INFINIBAND':
      return 'nic' as const;
    case 'RAID':
    case 'AHCI':
    case 'NONRAID':
      return 'storage' as const;
    case 'DISK':
      return 'drive' as const;
    case 'PSU':
      return 'psu' as const;
    case 'CPLD':
    case 'ENCLOSURE':
      return 'cpld' as const;
    default:
      return undefined;
  }
}

function dropUndefined<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: string;
  };
}

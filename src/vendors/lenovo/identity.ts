/**
 * Lenovo XClarity Controller. Inventory has <Component>-Primary / <Component>-Backup pairs
 * (BMC-Primary, BMC-Backup, UEFI-Primary, ...); SoftwareId is a build id like "TEI3E4D" and the
 * version carries it as a prefix ("TEI3E4D-4.12", XCC 4.x).
 */
import type { ServiceRoot, SoftwareInventory } from '../../redfish/models/index.ts';
import { ComponentSlot } from '../../vocab.ts';
import { kindOfMember, slotFromStatus } from '../classify.ts';
import type { MemberReading } from '../types.ts';

/** XCC's service root names Lenovo in Vendor or Oem.Lenovo. */
export function isLenovo(root: ServiceRoot): boolean {
  return /lenovo/i.test(root.Vendor ?? '') || root.Oem?.['Lenovo'] !== undefined;
}

/** Reads one XCC FirmwareInventory member: -Primary/-Backup banks, BMC and UEFI by Id. */
export function readLenovoMember(member: SoftwareInventory): MemberReading {
  const slot = /-Backup$/i.test(member.Id) ? ComponentSlot.backup : slotFromStatus(member);
  const base = member.Id.replace(/-(Primary|Backup)$/i, '');
  const kind = /^(BMC|XCC)$/i.test(base) ? 'bmc' : /^UEFI$/i.test(base) ? 'bios' : kindOfMember(member);
  return { kind, slot, identity: {} };
}

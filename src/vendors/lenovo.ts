/**
 * Lenovo XClarity Controller. Inventory has <Component>-Primary / <Component>-Backup pairs
 * (BMC-Primary, BMC-Backup, UEFI-Primary, ...); SoftwareId is a build id like "TEI3E4D" and the
 * version carries it as a prefix ("TEI3E4D-4.12", XCC 4.x).
 */
import { ComponentSlot } from '../vocab.ts';
import { kindOfMember, slotFromStatus } from './classify.ts';
import type { VendorQuirks } from './types.ts';

export const lenovo: VendorQuirks = {
  vendor: 'lenovo',
  matches: (root) => /lenovo/i.test(root.Vendor ?? '') || root.Oem?.['Lenovo'] !== undefined,
  readMember(member) {
    const slot = /-Backup$/i.test(member.Id) ? ComponentSlot.backup : slotFromStatus(member);
    const base = member.Id.replace(/-(Primary|Backup)$/i, '');
    const kind = /^(BMC|XCC)$/i.test(base) ? 'bmc' : /^UEFI$/i.test(base) ? 'bios' : kindOfMember(member);
    return { kind, slot, identity: {} };
  },
  systemId: (system) => system.SKU ?? undefined,
};

/**
 * HPE iLO 5/6. Ids are numbers and @odata.id values end in a slash. Catalog entries (fwrepo
 * .fwpkg) match through Oem.Hpe.Targets GUIDs and DeviceClass. The redundant System ROM is the
 * inactive bank: Description "SystemRomBackup" / Name "Redundant System ROM" (iLO 5 2.x).
 */
import { ComponentSlot } from '../vocab.ts';
import { kindOfMember, oem } from './classify.ts';
import type { VendorQuirks } from './types.ts';

export const hpe: VendorQuirks = {
  vendor: 'hpe',
  matches: (root) =>
    /\bhpe?\b|hewlett/i.test(root.Vendor ?? '') ||
    root.Oem?.['Hpe'] !== undefined ||
    root.Oem?.['Hp'] !== undefined,
  readMember(member) {
    const targets = oem(member, 'Hpe', 'Targets');
    const deviceClass = oem(member, 'Hpe', 'DeviceClass');
    const backup = /backup/i.test(member.Description ?? '') || /^redundant\b/i.test(member.Name ?? '');
    return {
      kind: kindOfMember(member),
      slot: backup ? ComponentSlot.backup : ComponentSlot.active,
      identity: {
        ...(Array.isArray(targets) ? { hpeTargets: targets.map((t) => String(t).toLowerCase()) } : {}),
        ...(typeof deviceClass === 'string' ? { hpeDeviceClass: deviceClass.toLowerCase() } : {}),
      },
    };
  },
  systemId: (system) => system.SKU ?? undefined,
};

/**
 * HPE iLO 5/6. Ids are numbers and @odata.id values end in a slash. Catalog entries (fwrepo
 * .fwpkg) match through Oem.Hpe.Targets GUIDs and DeviceClass. The redundant System ROM is the
 * inactive bank: Description "SystemRomBackup" / Name "Redundant System ROM" (iLO 5 2.x).
 */
import type { ServiceRoot, SoftwareInventory } from '../../redfish/models/index.ts';
import { ComponentSlot } from '../../vocab.ts';
import { kindOfMember, oem } from '../classify.ts';
import type { MemberReading } from '../types.ts';

/** iLO's service root: Vendor "HPE" (iLO 5/6) or Oem.Hpe / Oem.Hp (iLO 4). */
export function isHpe(root: ServiceRoot): boolean {
  return (
    /\bhpe?\b|hewlett/i.test(root.Vendor ?? '') ||
    root.Oem?.['Hpe'] !== undefined ||
    root.Oem?.['Hp'] !== undefined
  );
}

/** Reads one iLO FirmwareInventory member: Targets GUIDs, DeviceClass, the redundant ROM bank. */
export function readHpeMember(member: SoftwareInventory): MemberReading {
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
}

/**
 * DMTF-conformant services with no known quirks (DMTF mockups, unknown vendors), and the base
 * the Supermicro and OpenBMC modules share: kind from names, slot from Status.State.
 */
import { kindOfMember, slotFromStatus } from './classify.ts';
import type { VendorQuirks } from './types.ts';

export const generic: VendorQuirks = {
  vendor: 'generic',
  matches: () => true,
  readMember: (member) => ({
    kind: kindOfMember(member),
    slot: slotFromStatus(member),
    identity: {},
  }),
  systemId: (system) => system.SKU ?? undefined,
};

/**
 * Supermicro X11/X12/H12 BMCs: plain DMTF inventory (BMC, BIOS) with Oem.Supermicro in the
 * service root.
 */
export const supermicro: VendorQuirks = {
  ...generic,
  vendor: 'supermicro',
  matches: (root) => /supermicro/i.test(root.Vendor ?? '') || root.Oem?.['Supermicro'] !== undefined,
};

/**
 * OpenBMC bmcweb: inventory Ids are hashes of the image; the inactive bank reports
 * Status.State StandbySpare. The service root names OpenBMC in Vendor or Oem.OpenBMC.
 */
export const openbmc: VendorQuirks = {
  ...generic,
  vendor: 'openbmc',
  matches: (root) => /openbmc/i.test(root.Vendor ?? '') || root.Oem?.['OpenBMC'] !== undefined,
};

/**
 * Supermicro X11/X12/X13 and H12 BMCs: plain DMTF inventory (BMC, BIOS) with Oem.Supermicro in
 * the service root.
 */
import { generic } from '../generic/index.ts';
import type { VendorDriver } from '../types.ts';

export const supermicro = {
  ...generic,
  vendor: 'supermicro',
  matches: (root) => /supermicro/i.test(root.Vendor ?? '') || root.Oem?.['Supermicro'] !== undefined,
} satisfies VendorDriver;

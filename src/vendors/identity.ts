/**
 * Identity helpers every driver shares: PCI ids in the words the plan prints, and the DMTF
 * fallbacks (SoftwareId, then the name) for what a catalog recognises a component by.
 */
import type { InventoryComponent } from '../inventory/model.ts';

/** "8086:1521 8086:5002" (subsystem pair only when reported). */
export function pciText(c: InventoryComponent): string | undefined {
  const p = c.identity.pci;
  if (p?.vendorId === undefined || p.deviceId === undefined) return undefined;
  const sub =
    p.subsystemVendorId !== undefined && p.subsystemId !== undefined
      ? ` ${p.subsystemVendorId}:${p.subsystemId}`
      : '';
  return `${p.vendorId}:${p.deviceId}${sub}`;
}

/**
 * The DMTF identity: PCI ids, else SoftwareId (unless the family's SoftwareId names a build, not
 * a component), else the name.
 */
export function dmtfIdentity(
  c: InventoryComponent,
  opts: { softwareIdIsBuild?: boolean } = {},
): { key: string; text: string } {
  const pci = pciText(c);
  if (pci !== undefined) return { key: `pci:${pci}`, text: `PCI ${pci}` };
  if (!opts.softwareIdIsBuild && c.softwareId) {
    return { key: `sw:${c.softwareId.toLowerCase()}`, text: `SoftwareId ${c.softwareId}` };
  }
  return { key: `name:${c.name.toLowerCase()}`, text: `name "${c.name}"` };
}

/**
 * What an installed component can be recognised by, per vendor, in the words the plan prints:
 * "ComponentID 159", "PCI 8086:1521 8086:5002", "HPE DeviceClass aa148d2e-…". The same keys name
 * a component line in the compliance summary.
 */
import type { InventoryComponent } from '../inventory/model.ts';
import type { Vendor } from '../vocab.ts';

/** The Dell ComponentID (iDRAC SoftwareId); undefined where iDRAC reported "0" or nothing. */
export function dellComponentId(c: InventoryComponent): string | undefined {
  return c.identity.dellComponentId ?? (c.softwareId && c.softwareId !== '0' ? c.softwareId : undefined);
}

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

/** A stable key and a display text for the identity a catalog would match this component by. */
export function identityOf(vendor: Vendor, c: InventoryComponent): { key: string; text: string } {
  if (vendor === 'dell') {
    const id = dellComponentId(c);
    if (id !== undefined) return { key: `cid:${id}`, text: `ComponentID ${id}` };
  }
  if (vendor === 'hpe') {
    const dc = c.identity.hpeDeviceClass;
    if (dc !== undefined) return { key: `dc:${dc}`, text: `DeviceClass ${dc}` };
    const targets = c.identity.hpeTargets;
    if (targets?.length) {
      const sorted = [...targets].sort();
      return { key: `tg:${sorted.join(',')}`, text: `Targets ${sorted.join(', ')}` };
    }
  }
  const pci = pciText(c);
  if (pci !== undefined) return { key: `pci:${pci}`, text: `PCI ${pci}` };
  // Lenovo XCC SoftwareId is the build id of what is installed ("TEI3E4D"): it changes with every
  // release, so it names a version, not a component.
  if (vendor !== 'lenovo' && vendor !== 'dell' && c.softwareId) {
    return { key: `sw:${c.softwareId.toLowerCase()}`, text: `SoftwareId ${c.softwareId}` };
  }
  return { key: `name:${c.name.toLowerCase()}`, text: `name "${c.name}"` };
}

/** What the component reports to be matched by, for "nothing matches" messages. */
export function describeIdentity(vendor: Vendor, c: InventoryComponent, withName = true): string {
  const parts: string[] = [];
  const id = vendor === 'dell' ? dellComponentId(c) : c.softwareId;
  if (id !== undefined) parts.push(vendor === 'dell' ? `ComponentID ${id}` : `SoftwareId ${id}`);
  const pci = pciText(c);
  if (pci !== undefined) parts.push(`PCI ${pci}`);
  if (c.identity.hpeTargets?.length) parts.push(`Targets ${c.identity.hpeTargets.join(', ')}`);
  if (c.identity.hpeDeviceClass) parts.push(`DeviceClass ${c.identity.hpeDeviceClass}`);
  if (withName || parts.length === 0) parts.push(`name "${c.name}"`);
  return parts.join(', ');
}

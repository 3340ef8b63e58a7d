/**
 * What an installed component can be recognised by, per vendor, in the words the plan prints:
 * "ComponentID 159", "PCI 8086:1521 8086:5002", "HPE DeviceClass aa148d2e-…". The same keys name
 * a component line in the compliance summary.
 */
import type { InventoryComponent } from '../inventory/model.ts';
import { dellComponentId } from '../vendors/dell/index.ts';
import { vendorDriver } from '../vendors/detect.ts';
import { pciText } from '../vendors/identity.ts';
import type { Vendor } from '../vocab.ts';

export { dellComponentId, pciText };

/** A stable key and a display text for the identity a catalog would match this component by. */
export function identityOf(vendor: Vendor, c: InventoryComponent): { key: string; text: string } {
  return vendorDriver(vendor).catalogIdentity(c);
}

/** What the component reports to be matched by, for "nothing matches" messages. */
export function describeIdentity(vendor: Vendor, c: InventoryComponent, withName = true): string {
  const parts: string[] = [];
  const rules = vendorDriver(vendor).catalogMatch;
  const id = rules.softwareId(c);
  if (id !== undefined) parts.push(`${rules.softwareIdLabel} ${id}`);
  const pci = pciText(c);
  if (pci !== undefined) parts.push(`PCI ${pci}`);
  if (c.identity.hpeTargets?.length) parts.push(`Targets ${c.identity.hpeTargets.join(', ')}`);
  if (c.identity.hpeDeviceClass) parts.push(`DeviceClass ${c.identity.hpeDeviceClass}`);
  if (withName || parts.length === 0) parts.push(`name "${c.name}"`);
  return parts.join(', ');
}

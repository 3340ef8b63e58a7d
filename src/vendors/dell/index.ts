/**
 * Dell iDRAC 8/9 driver. Identity: Installed-/Previous-/Available- Ids, ComponentID, FQDD, PCI
 * ids (identity.ts). Update flow: DMTF with Dell's departures, each named where it is handled:
 * iDRAC 8's upload-then-install (upload.ts), the UserIntervention task state (task-state.ts) and
 * the Lifecycle Controller job queue that outlives the tasks (job-service.ts), and the virtual A/C
 * power cycle a staged CPLD image needs (ac-cycle.ts).
 */
import type { InventoryComponent } from '../../inventory/model.ts';
import { generic } from '../generic/index.ts';
import { dmtfIdentity } from '../identity.ts';
import type { VendorDriver } from '../types.ts';
import { dellActivationReset } from './ac-cycle.ts';
import { idracGeneration } from './generation.ts';
import { dellSystemId, isDell, isIdracManager, readDellMember } from './identity.ts';
import { clearIdracJobQueue } from './job-queue.ts';
import { followJob } from './job-service.ts';
import { dellTaskState } from './task-state.ts';
import { deliverToInventory } from './upload.ts';

export const dell = {
  ...generic,
  vendor: 'dell',
  matches: isDell,
  matchesManager: isIdracManager,
  generation: idracGeneration,
  readMember: readDellMember,
  systemId: dellSystemId,
  deliver: deliverToInventory,
  taskState: dellTaskState,
  afterTask: followJob,
  activationReset: dellActivationReset,
  clearJobQueue: clearIdracJobQueue,
  // Dell catalogs match Device@componentID; where iDRAC reports "0", PCI ids. Never the name's
  // SoftwareId fallback: iDRAC's SoftwareId is the ComponentID or nothing.
  catalogIdentity: (c) => {
    const id = dellComponentId(c);
    return id !== undefined
      ? { key: `cid:${id}`, text: `ComponentID ${id}` }
      : dmtfIdentity(c, { softwareIdIsBuild: true });
  },
  // Installed-<ComponentID>-<Version>__<FQDD>: the Id changes with the version, the FQDD does not.
  componentKey: (c) => (c.identity.fqdd ? `fqdd:${c.identity.fqdd}` : `id:${c.id}`),
  catalogMatch: {
    softwareIdLabel: 'ComponentID',
    softwareId: (c) => dellComponentId(c),
    idOrPciOnly: true,
    // Catalog.xml writes SystemIDs as 4 hex digits ("0235"); iDRAC may report 565 or "0x235".
    normalizeSystemId: (id) =>
      /^(0X)?[0-9A-F]{1,4}$/.test(id) ? id.replace(/^0X/, '').padStart(4, '0') : id,
  },
} satisfies VendorDriver;

/** The Dell ComponentID (iDRAC SoftwareId); undefined where iDRAC reported "0" or nothing. */
export function dellComponentId(c: InventoryComponent): string | undefined {
  return c.identity.dellComponentId ?? (c.softwareId && c.softwareId !== '0' ? c.softwareId : undefined);
}

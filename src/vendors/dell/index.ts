/**
 * Dell iDRAC 8/9 driver. Identity: Installed-/Previous-/Available- Ids, ComponentID, FQDD, PCI
 * ids (identity.ts). Update flow: DMTF with Dell's departures, each named where it is handled:
 * iDRAC 8's upload-then-install (upload.ts), the UserIntervention task state (task-state.ts) and
 * the Lifecycle Controller job queue that outlives the tasks (job-service.ts).
 */
import { generic } from '../generic/index.ts';
import type { VendorDriver } from '../types.ts';
import { dellSystemId, isDell, isIdracManager, readDellMember } from './identity.ts';
import { followJob } from './job-service.ts';
import { dellTaskState } from './task-state.ts';
import { deliverToInventory } from './upload.ts';

export const dell = {
  ...generic,
  vendor: 'dell',
  matches: isDell,
  matchesManager: isIdracManager,
  readMember: readDellMember,
  systemId: dellSystemId,
  deliver: deliverToInventory,
  taskState: dellTaskState,
  afterTask: followJob,
} satisfies VendorDriver;

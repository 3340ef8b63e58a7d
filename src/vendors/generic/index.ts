/**
 * DMTF-conformant services with no known departures (DMTF mockups, unknown vendors): kind from
 * names and RelatedItem, slot from Status.State/Active/Staged, and the update flow exactly as
 * DSP0266 describes it. Family drivers spread this and override what their firmware does.
 */
import { kindOfMember, slotFromStatus } from '../classify.ts';
import { dmtfIdentity } from '../identity.ts';
import type { VendorDriver } from '../types.ts';
import { clearFinishedTasks } from './clear-tasks.ts';

export const generic: VendorDriver = {
  vendor: 'generic',
  matches: () => true,
  readMember: (member) => ({
    kind: kindOfMember(member),
    slot: slotFromStatus(member),
    identity: {},
  }),
  systemId: (system) => system.SKU ?? undefined,
  catalogIdentity: (c) => dmtfIdentity(c),
  componentKey: (c) => `id:${c.id}`,
  clearJobQueue: clearFinishedTasks,
  catalogMatch: { softwareIdLabel: 'SoftwareId', softwareId: (c) => c.softwareId },
};

/**
 * Supermicro X11/X12/X13 and H12 BMCs: plain DMTF inventory (BMC, BIOS) with Oem.Supermicro in
 * the service root. Update flow: DMTF with Supermicro's departures, each named where handled.
 */
import { generic } from '../generic/index.ts';
import type { VendorDriver } from '../types.ts';
import { taskFromAccepted } from './accepted.ts';
import { boardGeneration } from './generation.ts';

export const supermicro = {
  ...generic,
  vendor: 'supermicro',
  matches: (root) => /supermicro/i.test(root.Vendor ?? '') || root.Oem?.['Supermicro'] !== undefined,
  // Older BMC firmware answers 202 without Location: the task is in the Accepted object's args.
  taskFromAnswer: taskFromAccepted,
  generation: boardGeneration,
  // X12/X13: upload and a verify task, then StartUpdate and a second task that flashes. Imported
  // when an update delivers: an inventory or probe does not load the upload code (issue #17).
  deliver: async (ctx, req) => (await import('./x12-update.ts')).deliverX12(ctx, req),
} satisfies VendorDriver;

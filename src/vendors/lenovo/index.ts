/**
 * Lenovo XClarity Controller driver. Identity: -Primary/-Backup banks (identity.ts). Update flow:
 * DMTF with XCC's departures, each named where handled.
 */
import { generic } from '../generic/index.ts';
import { dmtfIdentity } from '../identity.ts';
import type { VendorDriver } from '../types.ts';
import { xccGeneration } from './generation.ts';
import { isLenovo, readLenovoMember } from './identity.ts';
import { followJob, jobOfTask, xccFlashing } from './job-service.ts';

/**
 * TaskStates XCC shows besides DMTF's while an update runs: "Verifying", and states starting with
 * "Downloading" or "Update" (python-redfish-lenovo examples/update_firmware.py task_monitor keeps
 * polling on all three). They are progress, not an end.
 */
const XCC_RUNNING = /^(Verifying$|Downloading|Update)/;

export const lenovo = {
  ...generic,
  vendor: 'lenovo',
  matches: isLenovo,
  generation: xccGeneration,
  readMember: readLenovoMember,
  // XCC's SoftwareId is the build id of what is installed ("TEI3E4D"): it changes with every
  // release, so it names a version, not a component.
  catalogIdentity: (c) => dmtfIdentity(c, { softwareIdIsBuild: true }),
  taskState: (state) => (XCC_RUNNING.test(state) ? 'active' : undefined),
  // XCC 2 ends the update task before the flash: a task message names the JobService job that
  // carries it on, and only that job says whether the flash worked (job-service.ts).
  afterTask: async (ctx, outcome) => {
    if (outcome.outcome !== 'completed') return outcome;
    const job = jobOfTask(outcome);
    return job ? await followJob(ctx, job, outcome) : outcome;
  },
  // ...and so the task list alone cannot say the BMC is idle before a reset.
  writingOutsideTasks: xccFlashing,
} satisfies VendorDriver;

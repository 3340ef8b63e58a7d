/**
 * `firmwarden bmc clear-jobs`: the driver's way to clear a stuck job or task queue (iDRAC's
 * DeleteJobQueue, iLO's Update Task Queue, DMTF Task DELETE). Items still writing are kept.
 */
import { UnsupportedError } from '../errors.ts';
import type { QueueCleared } from '../vendors/types.ts';
import type { ServerHandle } from './each-server.ts';

/** Clears one BMC's queue; UnsupportedError where its driver knows no way. */
export async function clearJobs(h: ServerHandle): Promise<QueueCleared> {
  if (!h.driver.clearJobQueue)
    throw new UnsupportedError(`${h.server.name}: clearing the job queue is not supported by this BMC`);
  return h.driver.clearJobQueue(h.ctx);
}

/**
 * Clearing iDRAC's Lifecycle Controller job queue the way Dell's own script does
 * (iDRAC-Redfish-Scripting DeleteJobQueueREDFISH.py, iDRAC 8 2.40+ and 9): POST
 * DellJobService.DeleteJobQueue with {"JobID": "JID_CLEARALL"} for the whole queue, or one job id.
 * Nothing running is cut short: while a job still runs, the others are deleted one by one and the
 * running one stays (JID_CLEARALL_FORCE, which restarts the Lifecycle Controller to kill a stuck
 * job, is left to the operator: Dell calls it a last resort).
 */
import { RedfishHttpError, UnsupportedError } from '../../errors.ts';
import { readMembers } from '../../redfish/collection.ts';
import type { ActionContext, QueueCleared } from '../types.ts';
import { DELL_JOBS, DellJobSchema, jobVerdict } from './job-service.ts';

/** Dell's scripts post to this fixed path; the Manager's Links.Oem.Dell.DellJobService names the same. */
const DELETE_JOB_QUEUE =
  '/redfish/v1/Dell/Managers/iDRAC.Embedded.1/DellJobService/Actions/DellJobService.DeleteJobQueue';

/** The dell driver's clearJobQueue. */
export async function clearIdracJobQueue(ctx: ActionContext): Promise<QueueCleared> {
  const { client } = ctx;
  const jobs = await readMembers(client, DELL_JOBS, DellJobSchema).catch((err) => {
    if (err instanceof RedfishHttpError && [400, 404, 405].includes(err.status))
      throw new UnsupportedError(`${client.name}: no Lifecycle Controller job queue at ${DELL_JOBS}`, {
        cause: err,
      });
    throw err;
  });
  const running = jobs.filter((j) => jobVerdict(j) === 'running');
  const post = async (jobId: string) => {
    try {
      await client.post(DELETE_JOB_QUEUE, { JobID: jobId });
    } catch (err) {
      if (err instanceof RedfishHttpError && [404, 405].includes(err.status))
        throw new UnsupportedError(
          `${client.name}: DellJobService.DeleteJobQueue answered ${err.status} (iDRAC older than 2.40?)`,
          { cause: err },
        );
      throw err;
    }
  };
  const cleared: QueueCleared = {
    queue: DELL_JOBS,
    how: 'DellJobService.DeleteJobQueue JID_CLEARALL',
    removed: [],
    kept: running.map((j) => j.Id),
  };
  if (running.length === 0) {
    await post('JID_CLEARALL');
    cleared.removed = jobs.map((j) => j.Id);
    return cleared;
  }
  cleared.how = 'DellJobService.DeleteJobQueue per job (one still runs)';
  for (const job of jobs) {
    if (jobVerdict(job) === 'running') continue;
    await post(job.Id);
    cleared.removed.push(job.Id);
  }
  return cleared;
}

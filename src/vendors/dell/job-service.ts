/**
 * iDRAC's Lifecycle Controller job queue (Managers/iDRAC.Embedded.1/Jobs, iDRAC 8 2.40+ and 9).
 * Every update Task is a job (JID_…) whose final state the queue keeps after the Task is deleted;
 * tasks vanish within seconds on some iDRAC releases and are dropped by the iDRAC's own reboot.
 * Dell's scripts read the job for the final result (iDRAC-Redfish-Scripting
 * DeviceFirmwareSimpleUpdateREDFISH.py loop_check_final_job_status; DellJob schema as in gofish
 * oem/dell job.go and Dell's OpenManage Ansible idrac_firmware sample).
 */
import { z } from 'zod';
import { RedfishHttpError } from '../../errors.ts';
import type { TaskOutcome } from '../../redfish/task-monitor.ts';
import type { FlowContext, InstallTarget } from '../types.ts';

/** The iDRAC's manager is always iDRAC.Embedded.1 (its FQDD); the queue hangs below it. */
export const DELL_JOBS = '/redfish/v1/Managers/iDRAC.Embedded.1/Jobs';
/**
 * The DMTF JobService copy of the same queue (newer iDRAC 9, iDRAC 10, where the Manager's Jobs
 * carries "Jobs@Redfish.Deprecated: Please migrate to use /redfish/v1/JobService/Jobs uri";
 * DeviceFirmwareMultipartUploadREDFISH.py reads it when the task answers 404).
 */
export const DMTF_JOBS = '/redfish/v1/JobService/Jobs';

/** DellJob (#DellJob.v1_x): the fields firmwarden reads; the rest passes. */
export const DellJobSchema = z.looseObject({
  Id: z.string(),
  JobState: z.string(),
  JobType: z.string().nullish(),
  Message: z.string().nullish(),
  MessageId: z.string().nullish(),
  PercentComplete: z.number().nullish(),
  Name: z.string().nullish(),
});
export type DellJob = z.output<typeof DellJobSchema>;

/** What a job's state means for the update it carries. */
export type JobVerdict = 'running' | 'completed' | 'failed' | 'staged';

/**
 * DellJob JobState values (DellJob schema): running ones keep the update in flight; Scheduled and
 * the reboot-pending ones wait for a host reset; UserIntervention is done but needs a reset.
 */
const JOB_STATES: Record<string, JobVerdict> = {
  New: 'running',
  Scheduling: 'running',
  Downloading: 'running',
  Downloaded: 'running',
  Waiting: 'running',
  ReadyForExecution: 'running',
  Running: 'running',
  Paused: 'running',
  Scheduled: 'staged',
  PendingActivation: 'staged',
  RebootPending: 'staged',
  UserIntervention: 'staged',
  Completed: 'completed',
  RebootCompleted: 'completed',
  Failed: 'failed',
  CompletedWithErrors: 'failed',
  RebootFailed: 'failed',
};

/** The verdict on a job; an unknown JobState is treated as still running (the deadline ends it). */
export function jobVerdict(job: DellJob): JobVerdict {
  return JOB_STATES[job.JobState] ?? 'running';
}

/**
 * True when the job says the image waits for a virtual A/C power cycle, not a host reboot: CPLD
 * and some PLDM devices (Dell's scripts test the Message for "virtual" and then call
 * DellOemChassis.ExtendedReset PowerCycle; FirmwareUpdateLocalRepoREDFISH.py oem_ac_power_cycle).
 */
export function needsAcCycle(job: Pick<DellJob, 'Message'>): boolean {
  return /virtual\s+a\/?c/i.test(job.Message ?? '');
}

/** The job URI for a Task URI or job id ending in JID_…; undefined when it names no job. */
export function jobUri(taskUri: string | undefined, queue: string = DELL_JOBS): string | undefined {
  const id = /(JID_\d+)\/?$/.exec(taskUri ?? '')?.[1];
  return id ? `${queue}/${id}` : undefined;
}

/**
 * Reads a job from the iDRAC's queue, else from the DMTF JobService; undefined when neither has it
 * (404, or 405/400 where a service has no such collection).
 */
export async function readJob(ctx: FlowContext, uri: string): Promise<DellJob | undefined> {
  const opts = ctx.signal ? { signal: ctx.signal } : {};
  const fallback = uri.startsWith(`${DELL_JOBS}/`)
    ? `${DMTF_JOBS}/${uri.slice(DELL_JOBS.length + 1)}`
    : undefined;
  for (const u of fallback ? [uri, fallback] : [uri]) {
    try {
      return await ctx.client.get(u, DellJobSchema, opts);
    } catch (err) {
      if (!(err instanceof RedfishHttpError) || ![400, 404, 405].includes(err.status)) throw err;
    }
  }
  return undefined;
}

/**
 * The afterTask hook: when the Task vanished before a final state was read, or stopped at
 * Scheduled/UserIntervention, the job tells what happened. A gone task's job is followed until it
 * ends or waits for a reset; a failed job fails the action with the iDRAC's own message.
 */
export async function followJob(
  ctx: FlowContext,
  outcome: TaskOutcome,
  target: InstallTarget,
): Promise<TaskOutcome> {
  if (outcome.outcome !== 'gone' && outcome.outcome !== 'staged') return outcome;
  const uri = jobUri(outcome.taskUri);
  if (uri === undefined) return outcome;
  const deadline = ctx.clock.now() + ctx.timeouts.taskMs;
  let polls = outcome.polls;
  for (;;) {
    const job = await readJob(ctx, uri);
    polls++;
    // No job either: the inventory read afterwards decides, as for any vanished task.
    if (job === undefined) return outcome;
    const verdict = jobVerdict(job);
    const result = (o: TaskOutcome['outcome']): TaskOutcome => ({
      ...outcome,
      outcome: o,
      state: job.JobState,
      ...(typeof job.PercentComplete === 'number' ? { percent: job.PercentComplete } : {}),
      messages: [
        ...outcome.messages,
        { id: job.MessageId ?? job.JobState, ...(job.Message ? { text: job.Message } : {}) },
      ],
      polls,
    });
    if (verdict === 'failed') return result('failed');
    if (verdict === 'completed') return result('completed');
    if (verdict === 'staged') {
      if (needsAcCycle(job)) {
        ctx.emit(
          `${job.Id}: ${target.name} needs a virtual A/C power cycle (DellOemChassis.ExtendedReset PowerCycle); a host restart does not activate it`,
        );
      }
      return result('staged');
    }
    // A staged task whose job still runs: the task's word stands. A gone one: follow the job.
    if (outcome.outcome === 'staged') return outcome;
    if (ctx.clock.now() > deadline) return result('gone');
    ctx.emit(
      `${job.Id} ${job.JobState}`,
      typeof job.PercentComplete === 'number' ? { percent: job.PercentComplete } : undefined,
    );
    await ctx.clock.sleep(ctx.timeouts.pollMs, ctx.signal);
  }
}

/**
 * XCC's firmware flash, followed past its task. On XClarity Controller 2 the update task ends
 * `Completed` once the image is verified; the flash goes on in a JobService job that one of the
 * task's messages names as its first argument, and only the job tells whether the flash worked
 * (python-redfish-lenovo examples/update_firmware.py task_monitor / job_monitor: JobState Pending
 * or Running while it flashes; Completed with PercentComplete 100 is success; Completed short of
 * 100, Exception or Cancelled is failure).
 */
import { z } from 'zod';
import { RedfishConnectionError, RedfishHttpError, TaskFailedError } from '../../errors.ts';
import { readMembers } from '../../redfish/collection.ts';
import { normalizeUri } from '../../redfish/models/index.ts';
import { pathOf } from '../../redfish/session.ts';
import type { TaskOutcome, TaskProgress } from '../../redfish/task-monitor.ts';
import type { ActionContext, FlowContext } from '../types.ts';

/** Job.v1_x as XCC fills it for a flash. */
export const XccJobSchema = z
  .object({
    '@odata.id': z.string().optional(),
    JobState: z.string(),
    JobStatus: z.string().nullable().optional(),
    PercentComplete: z.number().nullable().optional(),
    Messages: z
      .array(
        z
          .object({
            MessageId: z.string().optional(),
            Message: z.string().optional(),
            MessageArgs: z.array(z.unknown()).optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();
export type XccJob = z.infer<typeof XccJobSchema>;

const RUNNING = new Set(['New', 'Pending', 'Starting', 'Running']);
const FAILED = new Set(['Exception', 'Cancelled', 'Killed']);

/**
 * The job a finished task names: the first message whose first argument is a Jobs URI (the script
 * only asks for "Jobs" in it; a URI ending in Jobs/<id> is required here, so no text is polled).
 */
export function jobOfTask(outcome: TaskProgress): string | undefined {
  for (const m of outcome.messages) {
    const first = m.args?.[0];
    if (first && /^(https?:\/\/[^/]+)?\/redfish\/v1\/.*\/Jobs\/[^/]+\/?$/.test(first)) return first;
  }
  return undefined;
}

/** Messages of a job as the task monitor keeps them (short ids, texts, arguments). */
function messagesOf(job: XccJob): TaskProgress['messages'] {
  return (job.Messages ?? []).map((m) => {
    const args = (m.MessageArgs ?? []).map(String);
    return {
      id: (m.MessageId ?? '').split('.').pop() ?? '',
      ...(m.Message ? { text: m.Message } : {}),
      ...(args.length > 0 ? { args } : {}),
    };
  });
}

/** How a job that reached a final state ends: completed, staged (awaits a reset) or failed. */
export function jobVerdict(job: XccJob): TaskOutcome['outcome'] | undefined {
  if (RUNNING.has(job.JobState)) return undefined;
  if (FAILED.has(job.JobState)) return 'failed';
  if (job.JobState !== 'Completed') {
    throw new TaskFailedError(
      job['@odata.id'] ?? 'JobService job',
      job.JobState,
      `unknown JobState ${JSON.stringify(job.JobState)}`,
      [],
      { code: 'FW_ERR_TASK_STATE_UNKNOWN' },
    );
  }
  if (job.JobStatus === 'Critical') return 'failed';
  // python-redfish-lenovo counts a Completed job short of 100 % as a failed flash.
  if (typeof job.PercentComplete === 'number' && job.PercentComplete < 100) return 'failed';
  const ids = messagesOf(job).map((m) => m.id);
  return ids.lastIndexOf('AwaitToActivate') > ids.lastIndexOf('UpdateSuccessful') ? 'staged' : 'completed';
}

/**
 * Polls the job until it ends, within the pipeline's task deadline; a BMC that stops answering
 * (restarting) is waited for up to the BMC reboot allowance. Returns the outcome that counts.
 */
export async function followJob(ctx: FlowContext, jobUri: string, task: TaskOutcome): Promise<TaskOutcome> {
  const uri = normalizeUri(pathOf(jobUri, ctx.client.transport.origin));
  const deadline = ctx.clock.now() + ctx.timeouts.taskMs;
  let away: number | undefined;
  let polls = task.polls;
  let last = '';
  ctx.emit(`task done; following the flash in ${uri}`);
  for (;;) {
    polls++;
    try {
      const res = await ctx.client.request('GET', uri, ctx.signal ? { signal: ctx.signal } : {});
      away = undefined;
      const job = XccJobSchema.parse(res.body);
      const percent = typeof job.PercentComplete === 'number' ? job.PercentComplete : undefined;
      const seen = `${job.JobState} ${percent ?? ''}`;
      if (seen !== last) {
        last = seen;
        ctx.emit(`job ${job.JobState}`, percent !== undefined ? { percent } : {});
      }
      const verdict = jobVerdict(job);
      if (verdict) {
        return {
          outcome: verdict,
          state: job.JobState,
          ...(percent !== undefined ? { percent } : {}),
          messages: messagesOf(job),
          taskUri: uri,
          polls,
        };
      }
    } catch (err) {
      // The job vanished: nothing more to learn from it; the inventory decides.
      if (err instanceof RedfishHttpError && (err.status === 404 || err.status === 410))
        return { ...task, outcome: 'gone', taskUri: uri, polls };
      const restarting = err instanceof RedfishHttpError && [401, 500, 503].includes(err.status);
      if (!(err instanceof RedfishConnectionError) && !restarting) throw err;
      away ??= ctx.clock.now();
      if (ctx.clock.now() - away > ctx.timeouts.bmcRebootMs) {
        throw new TaskFailedError(uri, last, `BMC unreachable for too long: ${(err as Error).message}`, [], {
          code: 'FW_ERR_BMC_UNREACHABLE',
          cause: err,
        });
      }
    }
    if (ctx.clock.now() > deadline) {
      throw new TaskFailedError(
        uri,
        last || undefined,
        `no final JobState after ${Math.round(ctx.timeouts.taskMs / 1000)} s (last: ${last || 'none'})`,
        [],
        { code: 'FW_ERR_TASK_TIMEOUT' },
      );
    }
    await ctx.clock.sleep(Math.max(ctx.timeouts.pollMs, 100), ctx.signal);
  }
}

/**
 * A flash XCC 2 carries on in a JobService job after its update task ended (so the task list shows
 * nothing): the first job still Pending/Running, as a sentence; undefined when none is. Asked
 * before any reset (executor/bmc-busy.ts): python-redfish-lenovo's job_monitor treats Pending and
 * Running alike as "the flash goes on". A BMC without a JobService has no such job.
 */
export async function xccFlashing(ctx: ActionContext): Promise<string | undefined> {
  const root = await ctx.client.root();
  const service = (root as { JobService?: { '@odata.id'?: string } }).JobService?.['@odata.id'];
  if (!service) return undefined;
  const jobs = await readMembers(ctx.client, `${normalizeUri(service)}/Jobs`, XccJobSchema).catch((err) => {
    if (err instanceof RedfishHttpError && [404, 405, 501].includes(err.status)) return [];
    throw err;
  });
  const busy = jobs.filter((j) => RUNNING.has(j.JobState));
  const first = busy[0];
  if (!first) return undefined;
  const percent = typeof first.PercentComplete === 'number' ? ` at ${first.PercentComplete}%` : '';
  const more = busy.length > 1 ? ` (and ${busy.length - 1} more)` : '';
  return `JobService job ${first['@odata.id'] ?? '?'} is ${first.JobState}${percent}${more}`;
}

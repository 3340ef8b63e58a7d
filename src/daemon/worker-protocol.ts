/**
 * What passes between the daemon and a job's worker thread. In: the resolved config, the journal
 * actor and how to log: the level, and the process's log plan (console format, --log-file) when
 * it has one (workerData, under `firmwarden`: bree puts its own `job` beside it).
 * Out: `started` once the run holds its lease (so the daemon can release it if the worker dies)
 * and `result` when it is journalled. bree's `cancel` message (sent by bree.stop) aborts the run.
 */
import type { MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { defaultDeps } from '../deps.ts';
import { FirmwardenError } from '../errors.ts';
import { createLogger, LOG_FORMATS, type LogPlan, planLogger } from '../log.ts';
import type { JobResult } from './job-context.ts';
import { type JobName, JobNameSchema } from './job-names.ts';
import type { DaemonConfig } from './load-config.ts';

export interface WorkerInput {
  job: JobName;
  config: DaemonConfig;
  actor: string;
  logLevel: string;
  /** The daemon's console format and --log-file: a worker logs where and as its process does. */
  log?: LogPlan | undefined;
}

export type WorkerMessage =
  | { type: 'started'; runId: string; holder: string }
  | { type: 'result'; result: JobResult };

// The config was validated by the daemon; this only guards against a job file started by hand.
const WorkerDataSchema = z.object({
  firmwarden: z.object({
    job: JobNameSchema,
    config: z.custom<DaemonConfig>(
      (c) => typeof c === 'object' && c !== null && 'jobs' in c && 'store' in c,
      'a resolved daemon config',
    ),
    actor: z.string().min(1),
    logLevel: z.string().min(1),
    log: z
      .object({
        level: z.string().min(1),
        format: z.enum(LOG_FORMATS),
        colour: z.boolean().optional(),
        file: z.string().min(1).optional(),
        fileLevel: z.string().min(1).optional(),
      })
      .optional(),
  }),
});

/** The daemon's input for `job`, from a worker's workerData. */
export function parseWorkerData(workerData: unknown, job: JobName): WorkerInput {
  const r = WorkerDataSchema.safeParse(workerData);
  if (!r.success) {
    throw new FirmwardenError('FW_ERR_JOB_INPUT', `job ${job}: not started by the daemon (bad workerData)`, {
      cause: r.error,
    });
  }
  if (r.data.firmwarden.job !== job) {
    throw new FirmwardenError('FW_ERR_JOB_INPUT', `job ${job}: workerData is for ${r.data.firmwarden.job}`);
  }
  return r.data.firmwarden;
}

/** The input a worker of `job` gets. */
export function workerInput(
  job: JobName,
  config: DaemonConfig,
  actor: string,
  logLevel: string,
  log?: LogPlan,
) {
  return { firmwarden: { job, config, actor, logLevel, ...(log ? { log } : {}) } satisfies WorkerInput };
}

/** Production deps inside a worker, logging at the daemon's level. */
export function workerDeps(input: WorkerInput): Deps {
  return defaultDeps({
    logger: input.log ? planLogger(input.log) : createLogger({ level: input.logLevel }),
  });
}

/** A signal aborted when the daemon asks the worker to stop (bree.stop posts "cancel"). */
export function cancelSignal(port: MessagePort | null): AbortSignal {
  const controller = new AbortController();
  port?.on('message', (message) => {
    if (message === 'cancel') controller.abort();
  });
  return controller.signal;
}

/** Posts a message to the daemon (no-op outside a worker). */
export function postToDaemon(port: MessagePort | null, message: WorkerMessage): void {
  port?.postMessage(message);
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'started' || type === 'result';
}

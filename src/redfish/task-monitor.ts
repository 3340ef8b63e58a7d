/**
 * Follows a Redfish task to its end (DSP0266 §12.2, "Asynchronous operations"): polls the task
 * monitor (or, on Dell iDRAC, the Task itself) honouring Retry-After; 202 means running; a Task
 * body is judged by TaskState (unknown states are errors); 204/200 without a task means done.
 * A 404/410 after the task was seen is not a failure: the Task is read, and if it is gone too the
 * outcome is `gone` and the caller must read the inventory. A BMC that stops answering (it
 * resets itself after a BMC update), or answers 500/503 — or 401, its sessions gone — while it
 * comes back, is waited for up to `unreachableTimeoutMs` (Dell's own scripts retry those for
 * minutes). The latest Messages list is judged, never a count of them: iDRAC replaces its one
 * message instead of appending. States DMTF does not define are read by the vendor driver's
 * `states` hook; a state nobody knows is an error.
 */

import type { Clock } from '../deps.ts';
import { RedfishConnectionError, RedfishHttpError, TaskFailedError } from '../errors.ts';
import { type TaskPhase, taskPhase } from '../vocab.ts';
import type { RedfishClient } from './client.ts';
import { normalizeUri } from './models/common.ts';
import { type Task, TaskSchema } from './models/task.ts';
import { parseRetryAfter } from './retry.ts';

export interface TaskProgress {
  state?: string;
  percent?: number;
  /** The task's latest Messages (Update/TaskEvent registry ids and texts), oldest first. */
  messages: Array<{ id: string; text?: string; args?: string[] }>;
}

export interface TaskOutcome extends TaskProgress {
  /**
   * completed: finished well; failed: finished badly; gone: vanished before a final state was read;
   * staged: the image waits for a reset to activate (Update.AwaitToActivate), e.g. a Dell job
   * scheduled for the next reboot: the task will not end until the host restarts.
   */
  outcome: 'completed' | 'failed' | 'gone' | 'staged';
  taskUri?: string;
  /** Polls made. */
  polls: number;
}

export interface FollowTaskOptions {
  /** Give up (FW_ERR_TASK_TIMEOUT) after this long without a final state. */
  timeoutMs: number;
  /** Poll interval when the BMC gives no Retry-After. */
  pollMs?: number;
  /** Longest wait between polls, whatever Retry-After says. */
  maxPollMs?: number;
  /** How long the BMC may be unreachable (resetting) before the task is given up as lost. */
  unreachableTimeoutMs?: number;
  onProgress?: (p: TaskProgress) => void;
  signal?: AbortSignal;
  /**
   * The vendor driver's reading of a task: a phase, `staged` (waits for a reset), or undefined for
   * the DMTF meaning. Asked for every state, so a driver can also refine a DMTF one (bmcweb's
   * `Stopping` + TaskPaused is a staged image, not a task on its way out).
   */
  states?: (state: string, task: Task) => TaskPhase | 'staged' | undefined;
  /** The Task's own URI when the accepting answer carried it: read when the monitor says 204. */
  taskUri?: string;
}

export const TASK_DEFAULTS = {
  pollMs: 2_000,
  maxPollMs: 30_000,
  // iDRAC 9 and iLO 5 take 2–5 minutes to come back after a BMC firmware update.
  unreachableTimeoutMs: 10 * 60_000,
} as const;

/** Follows the task at `location` (a task monitor or a Task URI) to its end. */
export async function followTask(
  client: RedfishClient,
  location: string,
  clock: Clock,
  options: FollowTaskOptions,
): Promise<TaskOutcome> {
  const pollMs = options.pollMs ?? TASK_DEFAULTS.pollMs;
  const maxPollMs = options.maxPollMs ?? TASK_DEFAULTS.maxPollMs;
  const unreachableMs = options.unreachableTimeoutMs ?? TASK_DEFAULTS.unreachableTimeoutMs;
  const deadline = clock.now() + options.timeoutMs;
  const progress: TaskProgress = { messages: [] };
  let taskUri: string | undefined = options.taskUri ? normalizeUri(options.taskUri) : undefined;
  const states = options.states;
  let unreachableSince: number | undefined;
  let polls = 0;
  const done = (outcome: TaskOutcome['outcome']): TaskOutcome => ({
    outcome,
    ...progress,
    ...(taskUri ? { taskUri } : {}),
    polls,
  });

  for (;;) {
    if (clock.now() > deadline) {
      throw new TaskFailedError(
        taskUri ?? location,
        progress.state,
        `no final state after ${Math.round(options.timeoutMs / 1000)} s (last: ${describe(progress)})`,
        [],
        { code: 'FW_ERR_TASK_TIMEOUT' },
      );
    }
    let wait = pollMs;
    polls++;
    try {
      const res = await client.request('GET', location, {
        ...(options.signal ? { signal: options.signal } : {}),
      });
      unreachableSince = undefined;
      const task = asTask(res.body);
      if (task) {
        taskUri ??= normalizeUri(task['@odata.id']);
        const phase = record(task, progress, location, states, options.onProgress);
        if (phase === 'failed') return done('failed');
        if (phase === 'staged' || awaitsActivation(progress)) return done('staged');
        if (phase === 'completed') return done('completed');
      } else if (res.status !== 202) {
        // The monitor returned the operation's own result (bmcweb: 204, even for a failed task):
        // finished, but how is in the Task.
        return taskUri
          ? await readTaskOnce(client, taskUri, progress, done, 'completed', states)
          : done('completed');
      }
      const ra = parseRetryAfter(res.headers['retry-after'], clock.now());
      if (ra !== undefined) wait = ra;
    } catch (err) {
      if (err instanceof RedfishHttpError && (err.status === 404 || err.status === 410)) {
        // iDRAC deletes finished jobs; bmcweb's monitor answers 404 after the result was read.
        const other = taskUri && normalizeUri(taskUri) !== normalizeUri(location) ? taskUri : undefined;
        if (other) return await readTaskOnce(client, other, progress, done, 'gone', states);
        // Gone before it was ever read: where it was is all a driver has to look for the outcome
        // elsewhere (iDRAC's Location is the Task, JID_…, which its JobService keeps).
        taskUri ??= normalizeUri(location);
        return done('gone');
      }
      if (err instanceof RedfishConnectionError || isRestarting(err)) {
        unreachableSince ??= clock.now();
        if (clock.now() - unreachableSince > unreachableMs) {
          throw new TaskFailedError(
            taskUri ?? location,
            progress.state,
            `BMC unreachable for too long: ${(err as Error).message}`,
            [],
            {
              code: 'FW_ERR_BMC_UNREACHABLE',
              cause: err,
            },
          );
        }
      } else {
        throw err;
      }
    }
    await clock.sleep(Math.min(Math.max(wait, 100), maxPollMs), options.signal);
  }
}

/** Throws TaskFailedError for a failed outcome; returns completed/gone outcomes. */
export function assertNotFailed(outcome: TaskOutcome, uri: string): TaskOutcome {
  if (outcome.outcome !== 'failed') return outcome;
  const last = outcome.messages.at(-1);
  throw new TaskFailedError(
    outcome.taskUri ?? uri,
    outcome.state,
    `ended ${outcome.state}${last ? `: ${last.id}${last.text ? ` (${last.text})` : ''}` : ''}`,
    outcome.messages.map((m) => ({ MessageId: m.id, ...(m.text ? { Message: m.text } : {}) })),
  );
}

/** A BMC on its way back from a reset: 500/503 from a web server still starting, 401 while its sessions are gone. */
function isRestarting(err: unknown): err is RedfishHttpError {
  return err instanceof RedfishHttpError && [401, 500, 503].includes(err.status);
}

async function readTaskOnce(
  client: RedfishClient,
  taskUri: string,
  progress: TaskProgress,
  done: (o: TaskOutcome['outcome']) => TaskOutcome,
  fallback: TaskOutcome['outcome'],
  states: FollowTaskOptions['states'],
): Promise<TaskOutcome> {
  try {
    const task = await client.get(taskUri, TaskSchema);
    const phase = record(task, progress, taskUri, states);
    if (phase === 'staged' || (phase !== 'failed' && awaitsActivation(progress))) return done('staged');
    return done(phase === 'active' ? fallback : phase);
  } catch (err) {
    if (err instanceof RedfishHttpError && (err.status === 404 || err.status === 410))
      return done(fallback === 'completed' ? 'completed' : 'gone');
    throw err;
  }
}

/**
 * The image is in place but waits for a reset: Update.AwaitToActivate in the latest messages
 * with no UpdateSuccessful after it. DMTF mockups complete such tasks with AwaitToActivate
 * followed by TaskCompletedOK; iDRAC keeps the job Pending with AwaitToActivate as its one message.
 */
function awaitsActivation(p: TaskProgress): boolean {
  const ids = p.messages.map((m) => m.id);
  const awaiting = ids.lastIndexOf('AwaitToActivate');
  return awaiting >= 0 && awaiting > ids.lastIndexOf('UpdateSuccessful');
}

function asTask(body: unknown): Task | undefined {
  if (!body || typeof body !== 'object' || !('TaskState' in body)) return undefined;
  const r = TaskSchema.safeParse(body);
  return r.success ? r.data : undefined;
}

/** Stores a task's state and latest messages; returns its phase. Unknown states throw. */
function record(
  task: Task,
  progress: TaskProgress,
  uri: string,
  states: FollowTaskOptions['states'],
  onProgress?: (p: TaskProgress) => void,
): TaskPhase | 'staged' {
  const state = task.TaskState as string;
  const phase = states?.(state, task) ?? taskPhase(state, task.TaskStatus);
  if (!phase) {
    throw new TaskFailedError(uri, state, `unknown TaskState ${JSON.stringify(state)}`, [], {
      code: 'FW_ERR_TASK_STATE_UNKNOWN',
    });
  }
  const before = fingerprint(progress);
  progress.state = state;
  if (typeof task.PercentComplete === 'number') progress.percent = task.PercentComplete;
  // The latest list is the truth: bmcweb appends, iDRAC replaces its one message as the job moves.
  if (task.Messages) {
    progress.messages = task.Messages.map((m) => {
      const args = Array.isArray(m['MessageArgs']) ? (m['MessageArgs'] as unknown[]).map(String) : [];
      return {
        id: shortId(m.MessageId ?? ''),
        ...(m.Message ? { text: m.Message } : {}),
        ...(args.length > 0 ? { args } : {}),
      };
    });
  }
  if (onProgress && before !== fingerprint(progress)) {
    onProgress({ ...progress, messages: [...progress.messages] });
  }
  return phase;
}

function fingerprint(p: TaskProgress): string {
  return `${p.state}|${p.percent}|${p.messages.map((m) => m.id).join(',')}`;
}

/** "Update.1.0.TransferringToComponent" → "TransferringToComponent". */
function shortId(id: string): string {
  return id.split('.').pop() ?? id;
}

function describe(p: TaskProgress): string {
  const last = p.messages.at(-1);
  return [p.state ?? 'no state', p.percent !== undefined ? `${p.percent}%` : '', last?.id ?? '']
    .filter(Boolean)
    .join(' ');
}

/**
 * One update job and what it tells its task: the request as accepted, the image as received, the
 * fault flags it runs with, its history record, and the Update registry messages (with iDRAC's
 * Oem.Dell job states alongside) written as it moves on.
 */
import type { ApplyTime } from '../../vocab.ts';
import type { SimImageHeader, SimImageProblem } from '../image-format.ts';
import { ROOT } from '../profiles/common.ts';
import type { SimMessage } from '../redfish-errors.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimTask } from '../tasks/task-service.ts';
import { type UpdateFailure, type UpdateMessageKey, updateMessage } from '../tasks/update-messages.ts';
import type { SimUpdateFaultFlags, SimUpdateMethod, SimUpdateRecord } from '../types.ts';
import type { MaintenanceWindow } from './apply-time.ts';
import type { SimComponent } from './components.ts';
import { takeUpdateFlags } from './update-faults.ts';

/** The image as the BMC received it: the verifier's verdict, or why it never arrived. */
export interface ReceivedImage {
  name: string;
  url?: string;
  bytes: number;
  result: SimImageHeader | SimImageProblem | { reason: 'TransferFailed'; detail: string };
  /** The bytes, when small enough to keep (storage/firmware-images.ts KEEP_IMAGE_BYTES). */
  data?: Buffer;
}

export interface UpdateRequest {
  method: SimUpdateMethod;
  applyTime: ApplyTime;
  window?: MaintenanceWindow;
  /** Target URIs as sent (empty: the image header picks). */
  targets: string[];
  /** Stage only: install on StartUpdate. */
  stage: boolean;
  /** The URI the request was posted to. */
  targetUri: string;
  /** Image name for messages and history before the image arrives. */
  imageName: string;
  imageUrl?: string;
}

export interface UpdateJob {
  request: UpdateRequest;
  task: SimTask;
  record: SimUpdateRecord;
  flags: SimUpdateFaultFlags;
  receive: () => Promise<ReceivedImage>;
  header?: SimImageHeader;
  /** The image bytes as received, when kept. */
  data?: Buffer;
  components: SimComponent[];
  /**
   * The vendor job that carries the flash on once the task has ended (XCC JobService, set by the
   * policy's handOver): messages, percent and the end go there too.
   */
  flash?: FlashJob;
  /** Rejects when the job is cancelled while it waits. */
  cancelled: Promise<never>;
  cancel: () => void;
}

/** A vendor job resource that follows an update after its task (XCC JobService Jobs/<id>). */
export interface FlashJob {
  /** A state change (Completed, Exception) and/or a message; percent as the task would show it. */
  update(change: { state?: SimTask['state']; percent?: number }, message?: SimMessage): void;
}

/** Ends a job that was cancelled while it waited. */
export class JobCancelled extends Error {}

export const isHeader = (r: ReceivedImage['result']): r is SimImageHeader => !('reason' in r);

/** iDRAC's job Message texts by JobState. */
const DELL_TEXT: Record<string, string> = {
  Downloading: 'Downloading the package.',
  Downloaded: 'Package successfully downloaded.',
  Scheduled: 'Task successfully scheduled.',
  Running: 'Installing the update package.',
  Completed: 'Job completed successfully.',
};

/** Creates the job: arms its faults, creates its task (state New) and history record. */
export function newJob(
  host: SimHost,
  request: UpdateRequest,
  receive: () => Promise<ReceivedImage>,
): UpdateJob {
  const flags = takeUpdateFlags(host.updateFaults);
  const verify = host.profile.updates.verifyTask;
  const name =
    verify && request.method === 'multipart'
      ? verify.verifyName(request)
      : host.profile.updates.monitor === 'dell-job'
        ? `Firmware Update: ${request.imageName}`
        : `Firmware Update ${request.imageName}`;
  const task = host.tasks.create({ name, targetUri: request.targetUri });
  task.vanishOnFirstPoll = flags.taskDeletedEarly;
  const record: SimUpdateRecord = {
    taskId: task.id,
    method: request.method,
    applyTime: request.applyTime,
    requestedAt: new Date().toISOString(),
    image: { name: request.imageName, bytes: 0, ...(request.imageUrl ? { url: request.imageUrl } : {}) },
    targets: [],
    outcome: 'running',
  };
  host.history.push(record);
  let cancel: () => void = () => {};
  const cancelled = new Promise<never>((_, reject) => {
    cancel = () => reject(new JobCancelled());
  });
  cancelled.catch(() => {});
  return { request, task, record, flags, receive, components: [], cancelled, cancel };
}

/** Where messages say the image goes: its components, the Targets, else the BMC. */
function label(host: SimHost, job: UpdateJob): string {
  if (job.components.length > 0) return job.components.map((c) => c.path).join(', ');
  if (job.request.targets.length > 0) return job.request.targets.join(', ');
  const managers = host.tree.has(`${ROOT}/Managers`) ? host.tree.members(`${ROOT}/Managers`) : [];
  return managers[0] ?? 'BMC';
}

/** Appends an Update message to the job's task, changing its state, percent and Dell job state. */
export function say(
  host: SimHost,
  job: UpdateJob,
  key: UpdateMessageKey,
  change: { state?: SimTask['state']; percent?: number; dell?: string } = {},
  args?: string[],
): void {
  const { state, percent, dell } = change;
  const name = job.record.image.name;
  const where = label(host, job);
  const defaultArgs =
    key === 'UpdateSuccessful' || key === 'TargetDetermined' ? [where, name] : [name, where];
  const message = updateMessage(host.profile.updates.registry, key, args ?? defaultArgs);
  job.flash?.update({ ...(state ? { state } : {}), ...(percent !== undefined ? { percent } : {}) }, message);
  host.tasks.update(
    job.task,
    {
      ...(state ? { state } : {}),
      ...(percent !== undefined ? { percent } : {}),
      ...(dell !== undefined && job.task.dell
        ? { dell: { jobState: dell, message: DELL_TEXT[dell] ?? dell } }
        : {}),
    },
    message,
  );
}

/** Ends the job in Exception with a failure message (the record says failed even if the task ended). */
export function fail(host: SimHost, job: UpdateJob, why: UpdateFailure): void {
  const registry = host.profile.updates.registry;
  job.record.outcome = 'failed';
  job.record.messageId = `${registry}.${why}`;
  job.flash?.update(
    { state: 'Exception' },
    updateMessage(registry, why, [job.record.image.name, label(host, job)]),
  );
  const task = job.task;
  if (task.finished) return;
  host.tasks.update(
    task,
    {
      state: 'Exception',
      status: 'Critical',
      ...(task.dell ? { dell: { jobState: 'Failed', message: `Job failed: ${why}.` } } : {}),
    },
    updateMessage(registry, why, [job.record.image.name, label(host, job)]),
  );
}

/** Ends the job's task Completed with UpdateSuccessful for each component. */
export function complete(host: SimHost, job: UpdateJob): void {
  if (job.flash) {
    for (const c of job.components) say(host, job, 'UpdateSuccessful', {}, [c.path, job.record.image.name]);
    job.flash.update({ state: 'Completed' });
    return;
  }
  if (job.task.finished) return;
  for (const c of job.components) say(host, job, 'UpdateSuccessful', {}, [c.path, job.record.image.name]);
  host.tasks.update(job.task, {
    state: 'Completed',
    ...(job.task.dell ? { dell: { jobState: 'Completed', message: DELL_TEXT['Completed'] as string } } : {}),
  });
}

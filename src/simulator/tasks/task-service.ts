/**
 * Tasks and task monitors of a simulated BMC (Task.v1_x, DSP0266 §12.2 "Asynchronous
 * operations"). Tasks live in the resource tree (so the Tasks collection, $expand and ETags work
 * as for any resource); monitors answer the vendor's way (update-policy.ts MonitorStyle). Finished
 * tasks expire after timing.taskRetentionMs (Dell jobs after jobRetentionMs); a monitor whose
 * result was never read expires after monitorRetentionMs. A vendor job queue (iDRAC Jobs) mirrors
 * each task and keeps it after the task expired; a vendor may show one message that each step
 * replaces (update-policy.ts).
 */
import { baseError, renderMessage, type SimMessage } from '../redfish-errors.ts';
import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimResponse } from '../sim-http.ts';

export const TASKS_PATH = '/redfish/v1/TaskService/Tasks';
export const MONITORS_PATH = '/redfish/v1/TaskService/TaskMonitors';

/** TaskState values the simulator uses (Task.v1_x TaskState). */
export type SimTaskState =
  | 'New'
  | 'Starting'
  | 'Running'
  | 'Pending'
  | 'Stopping'
  | 'Completed'
  | 'Exception'
  | 'Killed'
  | 'Cancelled'
  // XCC's own states (python-redfish-lenovo update_firmware.py task_monitor; update-policy taskStates).
  | 'Downloading'
  | 'Verifying'
  // iDRAC 9: outside DMTF's list; the job is done but a reset must activate the image.
  | 'UserIntervention';

const FINAL: ReadonlySet<SimTaskState> = new Set([
  'Completed',
  'Exception',
  'Killed',
  'Cancelled',
  'UserIntervention',
]);

/** iDRAC job view of a task (Oem.Dell, DellJob). */
export interface DellJobView {
  jobState: string;
  message: string;
}

export class SimTask {
  readonly id: string;
  readonly path: string;
  readonly monitorPath: string | undefined;
  readonly name: string;
  readonly payload: { TargetUri: string; HttpOperation: string; JsonBody?: string };
  state: SimTaskState = 'New';
  status: 'OK' | 'Warning' | 'Critical' = 'OK';
  percent = 0;
  readonly messages: SimMessage[] = [];
  readonly startTime = new Date().toISOString();
  endTime: string | undefined;
  dell: DellJobView | undefined;
  /** The monitor gave its final answer (or expired): it answers gone from now on. */
  monitorSpent = false;
  /** Hidden from clients: task and monitor answer 404 (expired, wiped by a reboot, or the fault). */
  gone = false;
  /** Fault taskDeletedEarly: vanish right after the first poll. */
  vanishOnFirstPoll = false;
  /** Removed with its job by a job-queue clear: never published again. */
  discarded = false;

  constructor(id: string, name: string, monitorPath: string | undefined, payload: SimTask['payload']) {
    this.id = id;
    this.path = `${TASKS_PATH}/${id}`;
    this.monitorPath = monitorPath;
    this.name = name;
    this.payload = payload;
  }

  get finished(): boolean {
    return FINAL.has(this.state);
  }
}

export interface TaskInit {
  name: string;
  /** The URI the request was posted to (Task.Payload.TargetUri). */
  targetUri: string;
  /** The request body as sent (Task.Payload.JsonBody), when the task shows it. */
  jsonBody?: string;
}

function jobPath(jobs: { collection: string }, task: SimTask): string {
  return `${jobs.collection}/${task.id}`;
}

export class TaskService {
  readonly #host: SimHost;
  readonly #tasks = new Map<string, SimTask>();
  #count = 0;

  constructor(host: SimHost) {
    this.#host = host;
  }

  /** Registers GET on tasks and monitors. */
  register(): void {
    // HEAD reaches these handlers too; only a GET reads a monitor's result or trips the fault.
    this.#host.route('GET', `${TASKS_PATH}/:id`, (req) =>
      this.#getTask(req.params['id'] ?? '', req.method === 'GET'),
    );
    this.#host.route('GET', `${MONITORS_PATH}/:id`, (req) =>
      this.#getMonitor(req.params['id'] ?? '', req.method === 'GET'),
    );
    if (this.#policy.noTaskDelete) return;
    this.#host.route('DELETE', `${TASKS_PATH}/:id`, (req) => this.#delete(req.params['id'] ?? '', false));
    this.#host.route('DELETE', `${MONITORS_PATH}/:id`, (req) => this.#delete(req.params['id'] ?? '', true));
  }

  /**
   * DELETE on a task or its monitor (DSP0266: cancels the operation): a finished task is removed, a
   * waiting update cancelled (TaskState Cancelled); a running one cannot be deleted (405).
   */
  #delete(id: string, monitor: boolean): SimResponse {
    const style = this.#host.profile.messages;
    const task = this.#tasks.get(id);
    if (
      task === undefined ||
      task.gone ||
      (monitor && (task.monitorPath === undefined || task.monitorSpent))
    ) {
      throw baseError(style, 'ResourceNotFound', ['Task', id]);
    }
    if (task.finished) {
      this.#hide(task);
      return { status: 204 };
    }
    if (this.#host.updates.cancel(id) === 'cancelled') return { status: 204 };
    throw baseError(style, 'ResourceCannotBeDeleted');
  }

  /**
   * Removes a task and its vendor job from view (a job-queue clear, profiles/dell-job-service.ts): a
   * finished one at once, one still waiting is cancelled first; one writing stays ('busy').
   */
  discard(id: string): 'removed' | 'busy' | 'unknown' {
    const task = this.#tasks.get(id);
    const jobs = this.#policy.jobs;
    const job = task === undefined || jobs === undefined ? undefined : jobPath(jobs, task);
    if (task === undefined || (task.gone && (job === undefined || !this.#host.tree.has(job))))
      return 'unknown';
    if (!task.finished && this.#host.updates.cancel(id) !== 'cancelled') return 'busy';
    this.#hide(task);
    if (jobs !== undefined && job !== undefined) this.#host.tree.removeMember(jobs.collection, job);
    task.discarded = true;
    return 'removed';
  }

  /** The ids of every task the BMC knows, shown or kept only in its job queue. */
  ids(): string[] {
    return [...this.#tasks.values()].filter((t) => !t.discarded).map((t) => t.id);
  }

  get #policy() {
    return this.#host.profile.updates;
  }

  /** Creates a task in state New and publishes it. */
  create(init: TaskInit): SimTask {
    const policy = this.#policy;
    let id = policy.taskId(++this.#count, this.#host.idRng);
    while (this.#tasks.has(id)) id = policy.taskId(++this.#count, this.#host.idRng);
    const monitor = policy.monitor === 'dell-job' ? undefined : `${MONITORS_PATH}/${id}`;
    const task = new SimTask(id, init.name, monitor, {
      TargetUri: init.targetUri,
      HttpOperation: 'POST',
      ...(init.jsonBody === undefined ? {} : { JsonBody: init.jsonBody }),
    });
    if (policy.monitor === 'dell-job')
      task.dell = { jobState: 'New', message: 'Task successfully scheduled.' };
    this.#tasks.set(id, task);
    this.#host.tree.addMember(TASKS_PATH, task.path, this.#body(task));
    const jobs = policy.jobs;
    if (jobs !== undefined) this.#host.tree.addMember(jobs.collection, jobPath(jobs, task), jobs.body(task));
    return task;
  }

  get(id: string): SimTask | undefined {
    return this.#tasks.get(id);
  }

  /** Changes a task and republishes it; a message is appended once (or replaces the last one). */
  update(
    task: SimTask,
    change: Partial<Pick<SimTask, 'state' | 'status' | 'percent' | 'dell'>>,
    message?: SimMessage,
  ): void {
    if (task.finished) return;
    Object.assign(task, change);
    if (message && this.#policy.replaceMessages) task.messages.splice(0, task.messages.length, message);
    else if (message) task.messages.push(message);
    if (task.finished) {
      task.endTime = new Date().toISOString();
      if (task.state === 'Completed') task.percent = 100;
      this.#scheduleExpiry(task);
    }
    this.#publish(task);
  }

  /** The 202 answer of an accepted request: Location and Retry-After, the task as the body. */
  accepted(task: SimTask, body?: unknown): SimResponse {
    const where = task.monitorPath ?? task.path;
    return {
      status: 202,
      headers: {
        Location: this.#host.location(where),
        'Retry-After': String(this.#host.timing.retryAfterSeconds),
      },
      body: body === undefined ? this.#body(task) : body,
    };
  }

  /** Drops in-memory tasks (BMC reboot) unless the vendor keeps a persistent job queue. */
  onBmcReboot(): void {
    if (this.#policy.tasksSurviveReboot) return;
    for (const task of [...this.#tasks.values()]) this.#hide(task);
  }

  #publish(task: SimTask): void {
    // The job queue keeps the job after its task is gone.
    const jobs = this.#policy.jobs;
    if (task.discarded) return;
    if (jobs !== undefined) this.#host.tree.put(jobPath(jobs, task), jobs.body(task));
    if (task.gone) return;
    this.#host.tree.put(task.path, this.#body(task));
  }

  #scheduleExpiry(task: SimTask): void {
    const t = this.#host.timing;
    const keep = this.#policy.monitor === 'dell-job' ? t.jobRetentionMs : t.taskRetentionMs;
    this.#host.scheduler.after(keep, () => this.#hide(task));
    if (task.monitorPath !== undefined) {
      this.#host.scheduler.after(t.monitorRetentionMs, () => {
        task.monitorSpent = true;
      });
    }
  }

  /** Removes a task from view (its record stays for the update engine). */
  #hide(task: SimTask): void {
    if (task.gone) return;
    task.gone = true;
    task.monitorSpent = true;
    this.#host.tree.removeMember(TASKS_PATH, task.path);
  }

  #afterPoll(task: SimTask): void {
    if (task.vanishOnFirstPoll) this.#hide(task);
  }

  #getTask(id: string, read: boolean): SimResponse {
    const task = this.#tasks.get(id);
    const rendered = task && !task.gone ? this.#host.tree.render(task.path) : undefined;
    if (task === undefined || rendered === undefined) {
      throw baseError(this.#host.profile.messages, 'ResourceNotFound', ['Task', id]);
    }
    if (read) this.#afterPoll(task);
    return {
      status: 200,
      headers: { ETag: rendered.etag },
      body: rendered.json,
      contentType: 'application/json; charset=utf-8',
    };
  }

  #getMonitor(id: string, read: boolean): SimResponse {
    const style = this.#host.profile.messages;
    const policy = this.#policy;
    const task = this.#tasks.get(id);
    if (task === undefined || task.gone || task.monitorSpent || task.monitorPath === undefined) {
      if (policy.monitor === 'bmcweb' || policy.monitorGone === 404) {
        throw baseError(style, 'ResourceNotFound', ['Task', id]);
      }
      throw baseError(style, 'ResourceMissingAtURI', [`${MONITORS_PATH}/${id}`], 410);
    }
    let answer: SimResponse;
    if (!task.finished) {
      answer = this.accepted(task);
    } else if (policy.monitor === 'bmcweb') {
      // bmcweb task.hpp: once done the monitor answers 204 a single time, then 404.
      answer = { status: 204 };
    } else {
      answer = { status: 200, body: this.#body(task) };
    }
    if (read) {
      if (task.finished) task.monitorSpent = true;
      this.#afterPoll(task);
    }
    return answer;
  }

  #body(task: SimTask): Json {
    const style = this.#host.profile.messages;
    const body: Json = {
      '@odata.id': task.path,
      '@odata.type': this.#policy.taskType,
      Id: task.id,
      Name: task.name,
      TaskState: task.state,
      TaskStatus: task.status,
      PercentComplete: task.percent,
      StartTime: task.startTime,
      ...(task.endTime === undefined ? {} : { EndTime: task.endTime }),
      ...(task.monitorPath === undefined ? {} : { TaskMonitor: task.monitorPath }),
      Messages: task.messages.map((m) => renderMessage(style, m)),
      HidePayload: false,
      Payload: { ...task.payload, HttpHeaders: [] },
    };
    if (task.dell !== undefined) {
      body['Oem'] = {
        Dell: {
          '@odata.type': '#DellJob.v1_0_2.DellJob',
          Id: task.id,
          Name: task.name,
          JobType: 'FirmwareUpdate',
          JobState: task.dell.jobState,
          Message: task.dell.message,
          PercentComplete: task.percent,
          StartTime: 'TIME_NOW',
          EndTime: task.finished ? task.endTime : 'TIME_NA',
        },
      };
    }
    return body;
  }
}

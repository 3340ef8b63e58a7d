/**
 * The life of one update on a simulated BMC, after the request was accepted: task New → Starting
 * → Running (TransferringToComponent, TargetDetermined, VerifyingAtComponent,
 * InstallingOnComponent) → Completed (UpdateSuccessful) or Exception (TransferFailed,
 * VerificationFailed, ApplyFailed, ActivateFailed). Apply times hold it: OnStartUpdateRequest and
 * AtMaintenanceWindowStart park the task Pending (AwaitToUpdate); OnReset and
 * InMaintenanceWindowOnReset stage it for the next host reset (bmcweb/DMTF: task Completed with
 * AwaitToActivate; iDRAC: job Pending "Scheduled" until the reset installs it). A BMC image
 * activates by rebooting the BMC (iDRAC: its job completes only once it is back). Kinds a vendor
 * updates live end in UserIntervention (iDRAC 9 real-time NIC/CPLD, update-policy.ts). Fault
 * switches are read once per update (update-faults.ts).
 */
import type { SimImageHeader } from '../image-format.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimTask } from '../tasks/task-service.ts';
import { taskEventMessage, updateMessage } from '../tasks/update-messages.ts';
import { inWindow, type MaintenanceWindow } from './apply-time.ts';
import { resolveTargets } from './components.ts';
import { installVersion } from './install.ts';
import {
  complete,
  fail,
  isHeader,
  JobCancelled,
  newJob,
  type ReceivedImage,
  say,
  type UpdateJob,
  type UpdateRequest,
} from './update-job.ts';

export type { ReceivedImage, UpdateRequest } from './update-job.ts';

/** An installed image that waits for a reset to run. */
interface Activation {
  job: UpdateJob;
  /** ac: only a virtual A/C power cycle runs it (iDRAC CPLD), never a host reset. */
  on: 'host' | 'bmc' | 'ac';
  window?: MaintenanceWindow;
}

export class UpdateEngine {
  readonly #host: SimHost;
  #pending: Activation[] = [];
  #waiting: Array<{ job: UpdateJob; go: () => void }> = [];
  readonly #jobs = new Map<string, UpdateJob>();
  #busy = 0;

  constructor(host: SimHost) {
    this.#host = host;
  }

  /** An update is transferring, verifying or installing (bmcweb refuses a second one). */
  get busy(): boolean {
    return this.#busy > 0;
  }

  /** Accepts an update: creates its task and history record and runs it in the background. */
  start(request: UpdateRequest, receive: () => Promise<ReceivedImage>): SimTask {
    // An image staged into a backup slice volume is stored, not installed (storage/slice-copies.ts).
    const slice = this.#host.storage.sliceTarget(request);
    if (slice !== undefined) return this.#host.storage.stageCopy(slice, request, receive);
    const job = newJob(this.#host, request, receive);
    this.#jobs.set(job.task.id, job);
    this.#busy++;
    this.#host.scheduler.run(async () => {
      try {
        await this.#run(job);
      } catch (err) {
        if (!(err instanceof JobCancelled)) throw err;
      } finally {
        this.#busy--;
      }
    });
    return job.task;
  }

  /**
   * DELETE of a task: an update still waiting (for StartUpdate, its window, or iDRAC's next reboot)
   * is cancelled; one that transfers, verifies or installs cannot be.
   */
  cancel(taskId: string): 'cancelled' | 'busy' | 'unknown' {
    const job = this.#jobs.get(taskId);
    if (job === undefined) return 'unknown';
    if (job.task.state !== 'Pending') return 'busy';
    this.#pending = this.#pending.filter((a) => a.job !== job);
    this.#waiting = this.#waiting.filter((w) => w.job !== job);
    job.record.outcome = 'cancelled';
    this.#host.tasks.update(job.task, {
      state: 'Cancelled',
      status: 'Warning',
      ...(job.task.dell ? { dell: { jobState: 'Failed', message: 'Job canceled by user.' } } : {}),
    });
    job.cancel();
    return 'cancelled';
  }

  /**
   * UpdateService.StartUpdate: releases every update held for it. Returns how many, and the new
   * tasks that flash them where the vendor starts a second task (policy verifyTask).
   */
  releaseStartUpdate(): { released: number; tasks: SimTask[] } {
    const waiting = this.#waiting;
    this.#waiting = [];
    const tasks: SimTask[] = [];
    const second = this.#host.profile.updates.verifyTask;
    for (const w of waiting) {
      if (second && w.job.request.method === 'multipart') {
        w.job.task = this.#host.tasks.create({
          name: second.updateName(w.job.request),
          targetUri: w.job.request.targetUri,
        });
        tasks.push(w.job.task);
      }
      w.go();
    }
    return { released: waiting.length, tasks };
  }

  /** Called while the host powers on: installs the staged host images due now (POST time). */
  async activateOnHostReset(): Promise<number> {
    const due = this.#pending.filter(
      (a) => a.on === 'host' && (a.window === undefined || inWindow(a.window)),
    );
    this.#pending = this.#pending.filter((a) => !due.includes(a));
    for (const a of due) {
      say(this.#host, a.job, 'InstallingOnComponent', { state: 'Running', dell: 'Running' });
      await this.#host.scheduler.sleep(this.#host.timing.hostInstallMs);
      this.#activate(a.job);
    }
    return due.length;
  }

  /**
   * Called during a virtual A/C power cycle (iDRAC DellOemChassis.ExtendedReset, power/ac-cycle.ts):
   * the images that wait for one become the running firmware. Returns how many.
   */
  activateOnAcCycle(): number {
    const due = this.#pending.filter((a) => a.on === 'ac');
    this.#pending = this.#pending.filter((a) => a.on !== 'ac');
    for (const a of due) this.#activate(a.job);
    return due.length;
  }

  /** Called while the BMC reboots: BMC images waiting for it become the running firmware. */
  activateOnBmcReboot(): void {
    const due = this.#pending.filter((a) => a.on === 'bmc');
    this.#pending = this.#pending.filter((a) => a.on !== 'bmc');
    for (const a of due) this.#activate(a.job);
  }

  async #run(job: UpdateJob): Promise<void> {
    const { scheduler, timing: t, tasks } = this.#host;
    await scheduler.sleep(t.taskStartMs);
    tasks.update(job.task, { state: 'Starting' });
    await scheduler.sleep(t.taskStartMs);
    const named = this.#host.profile.updates.taskStates;
    const transferring = (named?.transferring ?? 'Running') as SimTask['state'];
    say(this.#host, job, 'TransferringToComponent', { state: transferring, percent: 5, dell: 'Downloading' });
    const began = Date.now();
    const image = await job.receive();
    job.record.image.bytes = image.bytes;
    job.record.image.name = image.name;
    if (image.data !== undefined) job.data = image.data;
    await scheduler.sleep(t.transferMs - (Date.now() - began));
    if (job.flags.transferFailed || ('reason' in image.result && image.result.reason === 'TransferFailed')) {
      fail(this.#host, job, 'TransferFailed');
      return;
    }
    this.#host.tasks.update(job.task, {
      percent: 40,
      ...(job.task.dell
        ? { dell: { jobState: 'Downloaded', message: 'Package successfully downloaded.' } }
        : {}),
    });
    const result = image.result;
    if (!isHeader(result)) {
      await scheduler.sleep(t.verifyMs);
      fail(this.#host, job, 'VerificationFailed');
      return;
    }
    job.header = result;
    job.record.image.vendor = result.vendor;
    job.record.image.version = result.version;
    const resolved = resolveTargets(this.#host, job.request.targets, result);
    if ('problem' in resolved) {
      await scheduler.sleep(t.verifyMs);
      fail(this.#host, job, 'VerificationFailed');
      return;
    }
    job.components = resolved.components;
    job.record.targets = resolved.components.map((c) => ({ uri: c.path, fromVersion: c.version }));
    for (const c of resolved.components) say(this.#host, job, 'TargetDetermined', {}, [c.path, image.name]);
    const verifying = named?.verifying as SimTask['state'] | undefined;
    say(this.#host, job, 'VerifyingAtComponent', { percent: 45, ...(verifying ? { state: verifying } : {}) });
    await scheduler.sleep(t.verifyMs);
    if (job.flags.verificationFailed) {
      fail(this.#host, job, 'VerificationFailed');
      return;
    }
    this.#host.tasks.update(job.task, { percent: 50 });
    await this.#hold(job);
    this.#host.profile.updates.handOver?.(this.#host, job);
    await this.#install(job);
  }

  /** Waits where the apply time says: StartUpdate, or the maintenance window's start. */
  async #hold(job: UpdateJob): Promise<void> {
    const { request } = job;
    const scheduler = this.#host.scheduler;
    const verifyTask = request.method === 'multipart' && this.#host.profile.updates.verifyTask !== undefined;
    if (verifyTask || request.stage || request.applyTime === 'OnStartUpdateRequest') {
      job.record.outcome = 'waiting';
      // Supermicro X12: the verify task is done; StartUpdate makes the task that flashes.
      if (verifyTask) this.#host.tasks.update(job.task, { state: 'Completed' });
      else if (request.stage) say(this.#host, job, 'AwaitToUpdate', { state: 'Completed' });
      else say(this.#host, job, 'AwaitToUpdate', { state: 'Pending', dell: 'Scheduled' });
      await Promise.race([
        new Promise<void>((go) => this.#waiting.push({ job, go })),
        job.cancelled,
        scheduler.forever(),
      ]);
      job.record.outcome = 'running';
      this.#host.tasks.update(job.task, { state: 'Running' });
    } else if (request.applyTime === 'AtMaintenanceWindowStart' && request.window !== undefined) {
      job.record.outcome = 'waiting';
      say(this.#host, job, 'AwaitToUpdate', { state: 'Pending', dell: 'Scheduled' });
      await Promise.race([scheduler.sleepUntil(request.window.start), job.cancelled]);
      job.record.outcome = 'running';
      this.#host.tasks.update(job.task, { state: 'Running' });
    }
  }

  async #install(job: UpdateJob): Promise<void> {
    const host = this.#host;
    const policy = host.profile.updates;
    const { scheduler, timing: t } = host;
    const back = policy.taskStates ? { state: 'Running' as const } : {};
    say(this.#host, job, 'InstallingOnComponent', { percent: 60, dell: 'Running', ...back });
    if (job.flags.bmcRebootMidUpdate) host.rebootBmc();
    if (job.flags.taskStuck) await scheduler.forever();
    await scheduler.sleep(t.installMs);
    if (job.flags.applyFailed) {
      fail(this.#host, job, 'ApplyFailed');
      return;
    }
    host.tasks.update(job.task, { percent: 90 });
    const at = job.request.applyTime;
    const onReset = at === 'OnReset' || at === 'InMaintenanceWindowOnReset';
    const bmcImage = job.components.some((c) => c.kind === 'bmc');
    if (bmcImage) {
      // iDRAC applies its own firmware at once whatever the apply time (Dell API guide, SimpleUpdate).
      if (onReset && host.vendor !== 'dell') {
        this.#stage(job, 'bmc');
        return;
      }
      if (job.flags.activateFailed) {
        fail(this.#host, job, 'ActivateFailed');
        return;
      }
      // The BMC reboots into the new image: the version shows once it answers again. iDRAC keeps
      // its job Running through the reboot and completes it when it is back.
      this.#pending.push({ job, on: 'bmc' });
      if (policy.selfUpdateEnds !== 'after-reboot') complete(this.#host, job);
      scheduler.after(t.bmcResetDelayMs, () => host.rebootBmc());
      return;
    }
    const live = job.components.map((c) => policy.userIntervention?.[c.kind]).find((u) => u !== undefined);
    if (at === 'Immediate' && live !== undefined) {
      this.#intervene(job, live);
      return;
    }
    const resetKind = job.components.some((c) => policy.resetActivatedKinds.includes(c.kind));
    if (onReset || resetKind) {
      this.#stage(job, 'host');
      return;
    }
    if (policy.immediateRebootsHost) {
      // iDRAC 9: Immediate host firmware means "schedule the job and reboot the server now".
      this.#pending.push({ job, on: 'host' });
      say(this.#host, job, 'AwaitToActivate', { dell: 'Scheduled' });
      host.power.rebootForUpdate();
      return;
    }
    this.#activate(job);
  }

  /**
   * Written live, but the device runs it only after a reset the BMC leaves to the user: the task
   * ends in UserIntervention at 100 % with a message naming the reset (iDRAC 9 real-time NIC/PLDM
   * and CPLD updates; Dell's scripts read "reboot" or "virtual" in it). The host reset activates
   * a 'reboot' image; an 'ac-cycle' one only the virtual A/C cycle does (activateOnAcCycle).
   */
  #intervene(job: UpdateJob, reset: 'reboot' | 'ac-cycle'): void {
    this.#pending.push({ job, on: reset === 'reboot' ? 'host' : 'ac' });
    job.record.outcome = 'staged';
    const text =
      reset === 'reboot'
        ? 'Job completed successfully. A server reboot is required for the new firmware to take effect.'
        : 'Job completed successfully. A virtual A/C power cycle is required for the new firmware to take effect.';
    this.#host.tasks.update(
      job.task,
      {
        state: 'UserIntervention',
        percent: 100,
        ...(job.task.dell ? { dell: { jobState: 'UserIntervention', message: text } } : {}),
      },
      {
        ...updateMessage(this.#host.profile.updates.registry, 'AwaitToActivate', [
          job.record.image.name,
          job.components.map((c) => c.path).join(', '),
        ]),
        Message: text,
      },
    );
  }

  /** The image waits for a reset (host, or the BMC's own for a BMC image). */
  #stage(job: UpdateJob, on: 'host' | 'bmc'): void {
    const window = job.request.applyTime === 'InMaintenanceWindowOnReset' ? job.request.window : undefined;
    this.#pending.push({ job, on, ...(window ? { window } : {}) });
    job.record.outcome = 'staged';
    const style = this.#host.profile.updates.stagedTask;
    if (style === 'bmcweb') {
      // bmcweb: the host image waits Stopping + TaskPaused; the BMC image's task just completes.
      this.#host.tasks.update(
        job.task,
        { state: on === 'host' ? 'Stopping' : 'Completed' },
        taskEventMessage(on === 'host' ? 'TaskPaused' : 'TaskCompletedOK', job.task.id),
      );
    } else if (style === 'completed') say(this.#host, job, 'AwaitToActivate', { state: 'Completed' });
    else say(this.#host, job, 'AwaitToActivate', { state: 'Pending', dell: 'Scheduled' });
  }

  /** The new version becomes the running one (or, with the faults, does not). */
  #activate(job: UpdateJob): void {
    if (job.flags.activateFailed) {
      fail(this.#host, job, 'ActivateFailed');
      return;
    }
    const header = job.header as SimImageHeader;
    const now = new Date().toISOString();
    job.record.targets = job.components.map((c, i) => {
      const before = job.record.targets[i] ?? { uri: c.path, fromVersion: c.version };
      if (job.flags.silentNoChange) return { ...before, toVersion: before.fromVersion };
      // Flashing a good image repairs an injected corruption; the bytes become the installed image.
      this.#host.storage.beforeInstall(c.key);
      const after = installVersion(this.#host, c.key, header.version);
      this.#host.storage.installed(c.key, header, job.data);
      return { uri: after?.path ?? c.path, fromVersion: before.fromVersion, toVersion: header.version };
    });
    job.record.outcome = job.flags.silentNoChange ? 'unchanged' : 'installed';
    job.record.installedAt = now;
    complete(this.#host, job);
  }
}

/**
 * How a vendor's BMC runs updates, tasks and resets: the behaviour behind what its UpdateService
 * announces. Each profile fills one; the update, task and power modules read it instead of
 * testing the vendor name.
 */
import type { ApplyTime, ComponentKind } from '../../vocab.ts';
import type { Json } from '../resource-tree.ts';
import type { Rng } from '../rng.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimTask } from '../tasks/task-service.ts';
import type { UpdateJob, UpdateRequest } from './update-job.ts';

/**
 * Where a 202 Location points and how it answers (DSP0266 §12.2):
 * - bmcweb: /redfish/v1/TaskService/TaskMonitors/<n>; 202 + Task while running, 204 once when
 *   done, then 404 (bmcweb task.hpp);
 * - dmtf: a TaskMonitors/<id> URI; 202 while running, the final Task body (200) once, then
 *   `monitorGone` (404 or 410);
 * - dell-job: the Task itself, /redfish/v1/TaskService/Tasks/JID_<12 digits>, always 200 with the
 *   job's state; there is no monitor (iDRAC 9).
 */
export type MonitorStyle = 'bmcweb' | 'dmtf' | 'dell-job';

/** A default apply time, or 'push-option': HttpPushUriOptions.HttpPushUriApplyTime.ApplyTime. */
export type DefaultApplyTime = ApplyTime | 'push-option';

export interface UpdatePolicy {
  /** Registry prefix of Update messages, e.g. "Update.1.0". */
  registry: string;
  /** Task "@odata.type". */
  taskType: string;
  monitor: MonitorStyle;
  /** Status of a dmtf-style monitor after its final answer or once expired. */
  monitorGone: 404 | 410;
  /** Id of the n-th task (1-based). */
  taskId(n: number, rng: Rng): string;
  /** Tasks survive a BMC reboot (iDRAC's job queue is persistent; bmcweb keeps tasks in memory). */
  tasksSurviveReboot: boolean;
  /**
   * DELETE on a Task is not routed (405): bmcweb redfish-core/lib/task.hpp registers only GET on
   * TaskService/Tasks/<id> and drops old tasks itself (CompletedTaskOverWritePolicy "Oldest").
   */
  noTaskDelete?: boolean;
  /**
   * How the task of an update that waits for a reset ends: 'completed' (TaskState Completed with
   * Update.AwaitToActivate: bmcweb, DMTF mockups) or 'pending' (the job stays Pending/Scheduled
   * until the reset installs it, then Completed: iDRAC) or 'bmcweb' (update_service.hpp createTask:
   * a host image staged for the next power cycle leaves the task `Stopping` with
   * TaskEvent.TaskPaused; a BMC image activated for the next BMC boot ends it `Completed` with
   * TaskEvent.TaskCompletedOK and no word of the reset it still needs).
   */
  stagedTask: 'completed' | 'pending' | 'bmcweb';
  /**
   * What a multipart UpdateParameters Targets may name: any updatable inventory member (DMTF,
   * bmcweb's D-Bus update path), or only the Manager (bmcweb before the D-Bus update path became
   * the default in late 2024: update_service.hpp refused any other Target with
   * PropertyValueNotInList; the image's MANIFEST chose the component).
   */
  multipartTargets?: 'inventory' | 'manager-only';
  /** Apply time when the request names none, per method. */
  defaultApplyTime: { simple: DefaultApplyTime; multipart: DefaultApplyTime; push: DefaultApplyTime };
  /** Most Targets one request may name (bmcweb multipart: 1). */
  maxTargets?: number;
  /** One update at a time: another one gets 503 + Retry-After while it runs (bmcweb). */
  exclusive: boolean;
  /** Host firmware applied Immediate makes the BMC restart the host to install it (iDRAC 9). */
  immediateRebootsHost: boolean;
  /** Kinds that activate only at a host reset whatever the apply time (iLO System ROM, XCC UEFI). */
  resetActivatedKinds: readonly ComponentKind[];
  /** HttpPushUri stores an Available- image and answers 201 instead of updating (iDRAC 9). */
  pushStagesImage: boolean;
  /** SimpleUpdate ImageURI may name a staged FirmwareInventory member (iDRAC 9). */
  localImageUri: boolean;
  /**
   * Body of the 202 that accepts an update: the Task (bmcweb, DMTF), nothing (iDRAC), or
   * Supermicro's {"Accepted": {...}} object (fixture update-services/updateservice_ok_response),
   * or 'ilo-ok': no 202 at all but 200 with Base Success and no Location (iLO 5 before 2.30: the
   * update is followed through UpdateService Oem.Hpe.State only).
   */
  acceptedBody: 'task' | 'none' | 'smc-accepted' | 'ilo-ok';
  /**
   * False: the 202 that accepts an update carries no Location; the task is named only in the body
   * (older Supermicro BMC firmware: bmclib internal/redfishwrapper/firmware.go reads the task id
   * from the Accepted object's MessageArgs). Absent: Location is sent.
   */
  acceptedLocation?: boolean;
  /**
   * TaskState names the vendor shows instead of Running while the image transfers and while it is
   * verified (XCC: "Downloading…", "Verifying"). Absent: Running throughout.
   */
  taskStates?: { transferring?: string; verifying?: string };
  /**
   * Called once the image is verified (and any hold released), before it is installed: a vendor
   * whose task ends there and whose flash goes on elsewhere (XCC's JobService job) takes the job
   * over here, setting `job.flash`. Absent: the task runs to the end.
   */
  handOver?(host: SimHost, job: UpdateJob): void;
  /**
   * A multipart upload is verified by a task of its own that ends Completed; the flash waits for
   * UpdateService.StartUpdate, which answers 202 with a second task doing it (Supermicro X12/X13:
   * "BMC Verify" then "BMC Update", bmclib providers/supermicro/x12.go and docs/x12.md). The names
   * of both tasks come from here. Absent: one task, held only by the apply time.
   */
  verifyTask?: { verifyName(request: UpdateRequest): string; updateName(request: UpdateRequest): string };
  /** ComputerSystem.Reset / Manager.Reset answer: 204, or 200 with Base.Success. */
  resetAnswer: 'no-content' | 'success';
  /**
   * Refusal of a reset the power state makes pointless: iDRAC answers 409 to On when on and to
   * ForceOff when off; iLO 5 answers 400 InvalidOperationForSystemState to restarts when off.
   */
  powerQuirk?: 'dell-409-same-state' | 'hpe-400-when-off';
  /**
   * The task shows one message that each step replaces instead of a growing list (iDRAC: the job's
   * current status is Messages[0]). Absent: messages are appended (bmcweb, DMTF mockups).
   */
  replaceMessages?: boolean;
  /**
   * HttpPushUri takes the image only with If-Match set to the FirmwareInventory collection's ETag;
   * 412 PreconditionFailed without it or with a stale one (iDRAC 8 2.x). Absent: no precondition.
   */
  pushIfMatch?: boolean;
  /**
   * A job queue beside the tasks that keeps each update's job after its task is gone (iDRAC
   * Managers/iDRAC.Embedded.1/Jobs, DellJob members). Absent: tasks only.
   */
  jobs?: { collection: string; body(task: SimTask): Json };
  /**
   * When the task of a BMC image ends: 'before-reboot' (Completed, then the BMC reboots: bmcweb) or
   * 'after-reboot' (the job stays Running through the reboot and completes once the BMC is back:
   * iDRAC). Absent: before-reboot.
   */
  selfUpdateEnds?: 'before-reboot' | 'after-reboot';
  /**
   * After its own reboot the BMC answers 503, then 500, for timing.bmcWarmupMs before it serves
   * again (iDRAC: web server up before Redfish is). Absent: it serves as soon as it listens.
   */
  warmup?: boolean;
  /**
   * Kinds updated live when applied Immediate, whose task then ends in TaskState UserIntervention
   * (PercentComplete 100): 'reboot' = the new image runs after a host reset, 'ac-cycle' = only
   * after a virtual A/C power cycle (iDRAC 9 real-time NIC/PLDM updates; CPLD).
   */
  userIntervention?: Partial<Record<ComponentKind, 'reboot' | 'ac-cycle'>>;
}

/** `n`-th task as a plain number ("1", "2", ...). */
export function numericTaskId(n: number): string {
  return String(n);
}

/** iDRAC job ids: JID_ and 12 digits (seconds since 2000 and a counter in real iDRACs). */
export function dellJobId(n: number, rng: Rng): string {
  const base = 700_000_000_000 + rng.int(0, 99_999_999_999);
  return `JID_${String(base + n)
    .padStart(12, '0')
    .slice(-12)}`;
}

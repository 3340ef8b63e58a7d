/**
 * One action of a server update: its image prepared and verified, the method chosen, the image
 * delivered, the task followed, the BMC waited for when it resets itself, and the final judgement
 * against the re-read inventory.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import type { PlanDecision } from '../planner/plan-model.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { TaskSchema } from '../redfish/models/index.ts';
import type { TaskOutcome } from '../redfish/task-monitor.ts';
import type { ActivationReset, VendorDriver } from '../vendors/types.ts';
import type { ApplyTime, Vendor } from '../vocab.ts';
import type { UpdateCapabilities } from './capabilities.ts';
import { awaitBmc, type InstallEnv, installImage } from './install.ts';
import { chooseMethod, type MethodChoice } from './method-choice.ts';
import type { ActionReport, UpdateEvent, UpdateServerOptions, UpdateTimeouts } from './update-server.ts';
import type { Expected, VerifyResult } from './verify.ts';

/** One planned action in flight. */
export interface Work {
  decision: PlanDecision;
  expected: Expected;
  image: { sha256: string; size: number; fileName: string };
  report: ActionReport;
  staged: boolean;
  /** Delivered without error; the final inventory read decides whether it worked. */
  delivered: boolean;
  /** Staged for a reset beyond a host restart (iDRAC: virtual A/C cycle), as the driver said. */
  reset?: ActivationReset;
}

export async function prepare(d: PlanDecision, store: ImageStore): Promise<Work> {
  const c = d.component as NonNullable<PlanDecision['component']>;
  const target = d.target as NonNullable<PlanDecision['target']>;
  let sha256 = target.image.sha256;
  if (!sha256 && target.image.md5) sha256 = await store.findByMd5(target.image.md5);
  if (!sha256 || !(await store.has(sha256))) {
    throw new FirmwardenError(
      'FW_ERR_IMAGE_NOT_FOUND',
      `image for ${target.entryId} ${target.version} is not in the image store: run firmwarden catalog sync`,
    );
  }
  const stored = await store.verify(sha256);
  const fileName = (target.image.file ?? target.image.url ?? `${target.entryId}.bin`)
    .split(/[\\/]/)
    .pop() as string;
  return {
    decision: d,
    expected: {
      id: c.id,
      uri: c.uri,
      name: c.name,
      kind: c.kind,
      ...(c.softwareId ? { softwareId: c.softwareId } : {}),
      ...(c.fqdd ? { fqdd: c.fqdd } : {}),
      from: c.version,
      to: target.version,
    },
    image: { sha256, size: stored.size, fileName },
    report: {
      component: c.name,
      kind: c.kind,
      from: c.version,
      to: target.version,
      entryId: target.entryId,
      outcome: 'failed',
      detail: '',
    },
    staged: false,
    delivered: false,
  };
}

/** What choosing apply times looks at (a Work; update --dry-run passes the same fields). */
type ApplyTimeInput = Pick<Work, 'decision'> & { expected: Pick<Work['expected'], 'kind'> };

/** Apply times to ask for, best first, for one image. */
export function wantedApplyTimes(w: ApplyTimeInput, inWindow: boolean): ApplyTime[] {
  const reboot = w.decision.target?.requires.reboot ?? false;
  if (inWindow)
    return reboot ? ['InMaintenanceWindowOnReset', 'AtMaintenanceWindowStart'] : ['AtMaintenanceWindowStart'];
  if (w.expected.kind === 'bmc') return ['Immediate', 'OnReset'];
  // Images needing a host reset are staged so the server resets once for all of them.
  return reboot
    ? ['OnReset', 'Immediate', 'OnStartUpdateRequest']
    : ['Immediate', 'OnReset', 'OnStartUpdateRequest'];
}

export function windowUsable(caps: UpdateCapabilities, work: ApplyTimeInput[]): boolean {
  const offered = [caps.multipart?.applyTimes, caps.simple?.applyTimes, caps.httpPush?.applyTimes].flat();
  return work.every((w) => wantedApplyTimes(w, true).some((a) => offered.includes(a)));
}

/** What every step of one server's update shares. */
export interface StepEnv {
  client: RedfishClient;
  caps: UpdateCapabilities;
  server: ResolvedServer;
  deps: Deps;
  options: UpdateServerOptions;
  t: UpdateTimeouts;
  vendor: Vendor;
  /** The BMC family's driver: where its update flow departs from DMTF. */
  driver: VendorDriver;
  emit: (step: string, extra?: Partial<UpdateEvent>) => void;
  /** Set when the images apply in the BMC's maintenance window: when it opens (ms). */
  windowStart?: number;
}

/** Chooses the method, then installs the image through the one install pipeline. */
export async function deliverOne(env: StepEnv, w: Work): Promise<void> {
  const { caps, server, options } = env;
  const component = w.expected.name;
  let choice: MethodChoice;
  try {
    choice = chooseMethod(caps, {
      imageSize: w.image.size,
      applyTimes: wantedApplyTimes(w, env.windowStart !== undefined),
      ...(options.imageServer ? { imageServer: options.imageServer.scheme } : {}),
      ...(options.method ? { prefer: options.method } : {}),
    });
  } catch (err) {
    return fail(w, err);
  }
  Object.assign(w.report, {
    method: choice.method,
    why: choice.reason,
    ...(choice.applyTime ? { applyTime: choice.applyTime } : {}),
  });
  env.emit(`${choice.method}: ${choice.reason}`, { component });
  await options.journal.append({
    server: server.name,
    event: 'intent',
    component,
    // bmcweb names every member "Software Inventory": the URI tells the components apart.
    uri: w.expected.uri,
    from: w.expected.from,
    to: w.expected.to,
    method: choice.method,
    applyTime: choice.applyTime ?? null,
    sha256: w.image.sha256,
  });
  try {
    const done = await installImage(installEnv(env), {
      expected: w.expected,
      source: { from: 'store', image: w.image, choice },
      resetsBmc: w.decision.target?.requires.bmcReset ?? false,
    });
    if (done.task) w.report.task = done.task;
    w.staged = done.staged;
    if (done.reset) w.reset = done.reset;
    w.delivered = true;
  } catch (err) {
    fail(w, err);
  }
}

/** The install pipeline's view of one server's update session. */
export function installEnv(env: StepEnv): InstallEnv {
  return {
    client: env.client,
    caps: env.caps,
    driver: env.driver,
    server: env.server,
    clock: env.deps.clock,
    store: env.options.store,
    ...(env.options.imageServer ? { imageServer: env.options.imageServer } : {}),
    timeouts: env.t,
    ...(env.options.signal ? { signal: env.options.signal } : {}),
    ...(env.windowStart !== undefined ? { windowStart: env.windowStart } : {}),
    emit: (step, extra) => env.emit(step, extra),
  };
}

/**
 * An image an earlier (crashed) session already staged on the BMC: not sent again. A staged BMC
 * image still needs its Manager.Reset; host images wait for the one host reset.
 */
export async function resumeStaged(env: StepEnv, w: Work, task: string): Promise<void> {
  Object.assign(w, { delivered: true, staged: true });
  Object.assign(w.report, { task, why: 'already staged on the BMC by an earlier session; not sent again' });
  env.emit(`already staged (${task}); not sending it again`, { component: w.expected.name });
  if (w.expected.kind !== 'bmc') {
    await stagedResetOf(env, w, task);
    return;
  }
  try {
    await awaitBmc(installEnv(env), w.expected, true);
  } catch (err) {
    w.delivered = false;
    fail(w, err);
  }
}

/**
 * The reset an image staged by an earlier session needs, asked of the driver from its task's
 * messages (an iDRAC CPLD job waits for a virtual A/C cycle, not the host reset). A task that
 * cannot be read leaves it to the host reset.
 */
async function stagedResetOf(env: StepEnv, w: Work, task: string): Promise<void> {
  if (!env.driver.activationReset || !task.startsWith('/redfish/')) return;
  const read = await env.client.get(task, TaskSchema).catch(() => undefined);
  if (read === undefined) return;
  const outcome: TaskOutcome = {
    outcome: 'staged',
    ...(read.TaskState ? { state: read.TaskState } : {}),
    messages: (read.Messages ?? []).map((m) => ({
      id: m.MessageId ?? '',
      ...(typeof m.Message === 'string' ? { text: m.Message } : {}),
    })),
    taskUri: task,
    polls: 1,
  };
  const { uri, id, name, kind, from, to } = w.expected;
  const reset = env.driver.activationReset(outcome, { uri, id, name, kind, from, to });
  if (reset) w.reset = reset;
}

function fail(w: Work, err: unknown) {
  w.report.outcome = 'failed';
  w.report.error = {
    code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
    message: describeError(err),
  };
  w.report.detail = describeError(err);
}

export function judge(w: Work, v: VerifyResult) {
  if (v.state === 'verified') {
    Object.assign(w.report, { outcome: 'verified', detail: v.detail });
    return;
  }
  const code = v.state === 'unchanged' ? 'FW_ERR_VERIFY_UNCHANGED' : 'FW_ERR_VERIFY_MISMATCH';
  Object.assign(w.report, {
    outcome: 'failed',
    detail: v.state === 'unchanged' ? `BMC reported success but ${v.detail}` : v.detail,
    error: { code, message: v.detail },
  });
}

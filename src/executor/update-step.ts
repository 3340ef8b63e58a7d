/**
 * One action of a server update: its image prepared and verified, the method chosen, the image
 * delivered, the task followed, the BMC waited for when it resets itself, and the final judgement
 * against the re-read inventory.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError, UnsupportedError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { scanServer } from '../inventory/scan.ts';
import type { PlanDecision } from '../planner/plan-model.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { assertNotFailed, followTask, type TaskOutcome } from '../redfish/task-monitor.ts';
import type { ApplyTime, Vendor } from '../vocab.ts';
import type { UpdateCapabilities } from './capabilities.ts';
import { type Delivered, pushHttp, pushMultipart, simpleUpdate, startUpdate } from './deliver.ts';
import { resetManager, waitFor } from './host-reset.ts';
import { chooseMethod, type MethodChoice } from './method-choice.ts';
import type { ActionReport, UpdateEvent, UpdateServerOptions, UpdateTimeouts } from './update-server.ts';
import { type Expected, type VerifyResult, verifyComponent } from './verify.ts';

/** One planned action in flight. */
export interface Work {
  decision: PlanDecision;
  expected: Expected;
  image: { sha256: string; size: number; fileName: string };
  report: ActionReport;
  staged: boolean;
  /** Delivered without error; the final inventory read decides whether it worked. */
  delivered: boolean;
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

/** Apply times to ask for, best first, for one image. */
export function wantedApplyTimes(w: Work, inWindow: boolean): ApplyTime[] {
  const reboot = w.decision.target?.requires.reboot ?? false;
  if (inWindow)
    return reboot ? ['InMaintenanceWindowOnReset', 'AtMaintenanceWindowStart'] : ['AtMaintenanceWindowStart'];
  if (w.expected.kind === 'bmc') return ['Immediate', 'OnReset'];
  // Images needing a host reset are staged so the server resets once for all of them.
  return reboot
    ? ['OnReset', 'Immediate', 'OnStartUpdateRequest']
    : ['Immediate', 'OnReset', 'OnStartUpdateRequest'];
}

export function windowUsable(caps: UpdateCapabilities, work: Work[]): boolean {
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
  emit: (step: string, extra?: Partial<UpdateEvent>) => void;
  /** Set when the images apply in the BMC's maintenance window: when it opens (ms). */
  windowStart?: number;
}

/** Chooses the method, delivers the image, follows its task; `w.delivered` when it went through. */
export async function deliverOne(env: StepEnv, w: Work): Promise<void> {
  const { client, caps, server, options, t } = env;
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
    from: w.expected.from,
    to: w.expected.to,
    method: choice.method,
    applyTime: choice.applyTime ?? null,
    sha256: w.image.sha256,
  });
  const delivery = {
    image: w.image,
    targets: [w.expected.uri],
    ...(choice.applyTime ? { applyTime: choice.applyTime } : {}),
  };
  let grant: { url: string; token: string } | undefined;
  try {
    let sent: Delivered;
    if (choice.method === 'multipart') sent = await pushMultipart(client, caps, options.store, delivery);
    else if (choice.method === 'http-push') {
      sent = await pushHttp(client, caps, options.store, delivery);
      // iDRAC: the push only uploads; it answers 201 with the Available- member, which a
      // SimpleUpdate naming that member installs (Dell Redfish API guide, iDRAC 9 4.x+).
      if (sent.created && !sent.location) {
        env.emit(`uploaded as ${sent.created}; installing it with SimpleUpdate`, { component });
        sent = await simpleUpdate(client, caps, {
          ...delivery,
          targets: simpleTargets(caps, w),
          imageUri: sent.created,
        });
      }
    } else {
      const imageServer = options.imageServer as NonNullable<UpdateServerOptions['imageServer']>;
      grant = await imageServer.grant(w.image.sha256, {
        label: `${server.name} ${component}`,
        ttlMs: t.taskMs + t.hostResetMs,
      });
      sent = await simpleUpdate(client, caps, {
        ...delivery,
        targets: simpleTargets(caps, w),
        imageUri: grant.url,
        protocol: choice.protocol ?? 'HTTP',
      });
    }
    let outcome: TaskOutcome['outcome'] | undefined;
    if (sent.location) outcome = await follow(env, sent.location, w);
    if (choice.applyTime === 'OnStartUpdateRequest') {
      env.emit('UpdateService.StartUpdate', { component });
      const started = await startUpdate(client, caps);
      if (started.location) outcome = await follow(env, started.location, w);
    }
    // Staged: asked for OnReset, or the BMC's default turned out to be "await a reset".
    w.staged =
      outcome === 'staged' ||
      choice.applyTime === 'OnReset' ||
      choice.applyTime === 'InMaintenanceWindowOnReset';
    if (w.expected.kind === 'bmc' || w.decision.target?.requires.bmcReset) await awaitBmc(env, w);
    w.delivered = true;
  } catch (err) {
    fail(w, err);
  } finally {
    if (grant) options.imageServer?.revoke(grant.token);
  }
}

/**
 * An image an earlier (crashed) session already staged on the BMC: not sent again. A staged BMC
 * image still needs its Manager.Reset; host images wait for the one host reset.
 */
export async function resumeStaged(env: StepEnv, w: Work, task: string): Promise<void> {
  Object.assign(w, { delivered: true, staged: true });
  Object.assign(w.report, { task, why: 'already staged on the BMC by an earlier session; not sent again' });
  env.emit(`already staged (${task}); not sending it again`, { component: w.expected.name });
  if (w.expected.kind !== 'bmc') return;
  try {
    await awaitBmc(env, w);
  } catch (err) {
    w.delivered = false;
    fail(w, err);
  }
}

/**
 * SimpleUpdate Targets: the inventory member, unless the ActionInfo restricts Targets to other
 * URIs (Supermicro X12: the Manager for BMC images, the Bios for BIOS images).
 */
function simpleTargets(caps: UpdateCapabilities, w: Work): string[] {
  const allowed = caps.simple?.targets;
  if (!allowed || allowed.includes(w.expected.uri)) return [w.expected.uri];
  const pick =
    w.expected.kind === 'bmc'
      ? allowed.find((a) => /\/Managers\/[^/]+\/?$/.test(a))
      : w.expected.kind === 'bios'
        ? allowed.find((a) => /\/Bios\/?$/.test(a))
        : undefined;
  if (!pick) {
    throw new UnsupportedError(
      `SimpleUpdate Targets must be one of ${allowed.join(', ')}; none fits ${w.expected.name}`,
    );
  }
  return [pick];
}

/**
 * A BMC image activates by resetting the BMC: most BMCs do that themselves; a staged one (bmcweb
 * multipart defaults to OnReset) gets a Manager.Reset. Then wait until the BMC answers again
 * at the target version.
 */
async function awaitBmc(env: StepEnv, w: Work): Promise<void> {
  const { client, server, deps, t } = env;
  const atTarget = async () =>
    verifyComponent(w.expected, await scanServer(client, server, deps.clock), env.vendor).state ===
    'verified';
  if (w.staged && env.windowStart === undefined) {
    await resetManager(client, (step) => env.emit(step, { component: w.expected.name }));
    w.staged = false;
  }
  env.emit('waiting for the BMC to come back', { component: w.expected.name });
  if (!(await waitFor(atTarget, deps.clock, t.bmcRebootMs, t.pollMs))) {
    throw new FirmwardenError(
      'FW_ERR_BMC_UNREACHABLE',
      `BMC not back at ${w.expected.to} within ${Math.round(t.bmcRebootMs / 1000)} s`,
    );
  }
}

async function follow(env: StepEnv, location: string, w: Work): Promise<TaskOutcome['outcome']> {
  w.report.task = location;
  // A task that waits for a maintenance window is not stuck: its clock starts when the window opens.
  const wait = Math.max(0, (env.windowStart ?? 0) - env.deps.clock.now());
  const outcome = await followTask(env.client, location, env.deps.clock, {
    timeoutMs: env.t.taskMs + wait,
    pollMs: env.t.pollMs,
    unreachableTimeoutMs: env.t.bmcRebootMs,
    ...(env.options.signal ? { signal: env.options.signal } : {}),
    onProgress: (p) =>
      env.emit(`${p.state ?? ''} ${p.messages.at(-1)?.id ?? ''}`.trim(), {
        component: w.expected.name,
        ...(p.percent !== undefined ? { percent: p.percent } : {}),
      }),
  });
  // `gone` (task deleted, monitor expired) is not failure: the inventory decides.
  return assertNotFailed(outcome, location).outcome;
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

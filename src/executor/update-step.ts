/**
 * One action of a server update: its image prepared and verified, the method chosen, the image
 * delivered, the task followed, the BMC waited for when it resets itself, and the final judgement
 * against the re-read inventory.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError, RedfishHttpError, UnsupportedError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { scanServer } from '../inventory/scan.ts';
import type { PlanDecision } from '../planner/plan-model.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { CollectionSchema, normalizeUri, type Task } from '../redfish/models/index.ts';
import { assertNotFailed, followTask, type TaskOutcome } from '../redfish/task-monitor.ts';
import type { FlowContext, InstallTarget, VendorDriver } from '../vendors/types.ts';
import type { ApplyTime, Vendor } from '../vocab.ts';
import type { UpdateCapabilities } from './capabilities.ts';
import {
  type Delivered,
  type Delivery,
  pushHttp,
  pushMultipart,
  simpleUpdate,
  startUpdate,
} from './deliver.ts';
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
  /** The BMC family's driver: where its update flow departs from DMTF. */
  driver: VendorDriver;
  emit: (step: string, extra?: Partial<UpdateEvent>) => void;
  /** Set when the images apply in the BMC's maintenance window: when it opens (ms). */
  windowStart?: number;
}

/** Chooses the method, delivers the image, follows its task; `w.delivered` when it went through. */
export async function deliverOne(env: StepEnv, w: Work): Promise<void> {
  const { client, caps, server, options, t, driver } = env;
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
  const target = installTarget(w);
  const ctx = flowContext(env, w);
  const delivery = {
    image: w.image,
    targets: [w.expected.uri],
    ...(choice.applyTime ? { applyTime: choice.applyTime } : {}),
    ...(driver.taskFromAnswer ? { taskFromAnswer: driver.taskFromAnswer } : {}),
  };
  let grant: { url: string; token: string } | undefined;
  try {
    if (choice.method === 'simple') {
      const imageServer = options.imageServer as NonNullable<UpdateServerOptions['imageServer']>;
      grant = await imageServer.grant(w.image.sha256, {
        label: `${server.name} ${component}`,
        ttlMs: t.taskMs + t.hostResetMs,
      });
    }
    let sent: Delivered | undefined = await driver.deliver?.(ctx, {
      method: choice.method,
      updateService: caps.uri,
      endpoint: endpointOf(caps, choice.method),
      image: w.image,
      openImage: () => options.store.open(w.image.sha256),
      ...(grant ? { imageUri: grant.url } : {}),
      targets: choice.method === 'simple' ? simpleTargets(caps, w) : [w.expected.uri],
      ...(choice.applyTime ? { applyTime: choice.applyTime } : {}),
      target,
    });
    if (sent) env.emit(`delivered the ${env.driver.vendor} way`, { component });
    else if (choice.method === 'multipart') sent = await sendMultipart(env, w, delivery);
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
      sent = await simpleUpdate(client, caps, {
        ...delivery,
        targets: simpleTargets(caps, w),
        imageUri: (grant as { url: string }).url,
        protocol: choice.protocol ?? 'HTTP',
      });
    }
    if (choice.applyTime) sent.applyTime = choice.applyTime;
    let outcome = await followAccepted(env, ctx, sent, w);
    if (choice.applyTime === 'OnStartUpdateRequest') {
      env.emit('UpdateService.StartUpdate', { component });
      const started = await startUpdate(client, caps, driver.taskFromAnswer);
      outcome = (await followAccepted(env, ctx, started, w)) ?? outcome;
    }
    // Staged: asked for OnReset, the task says the image awaits a reset, or the driver knows the
    // BMC stages its own image without saying so (bmcweb's default apply time).
    w.staged =
      outcome?.outcome === 'staged' ||
      choice.applyTime === 'OnReset' ||
      choice.applyTime === 'InMaintenanceWindowOnReset' ||
      (w.expected.kind === 'bmc' && (driver.bmcImageAwaitsReset?.(sent, outcome) ?? false));
    if (w.expected.kind === 'bmc' || w.decision.target?.requires.bmcReset) await awaitBmc(env, w);
    w.delivered = true;
  } catch (err) {
    fail(w, err);
  } finally {
    if (grant) options.imageServer?.revoke(grant.token);
  }
}

/**
 * Follows what the BMC accepted to the outcome that counts: its task (or, with none, the driver's
 * own progress source), then whatever the driver follows after the task. Throws on failure.
 */
async function followAccepted(
  env: StepEnv,
  ctx: FlowContext,
  sent: Delivered,
  w: Work,
): Promise<TaskOutcome | undefined> {
  const target = installTarget(w);
  let outcome: TaskOutcome | undefined;
  if (sent.location) outcome = await follow(env, sent, w);
  else if (!sent.created) outcome = await env.driver.followUntracked?.(ctx, sent, target);
  if (outcome && env.driver.afterTask) outcome = await env.driver.afterTask(ctx, outcome, target);
  // `gone` (task deleted, monitor expired) is not failure: the inventory decides.
  return outcome ? assertNotFailed(outcome, sent.location ?? env.caps.uri) : undefined;
}

/**
 * Multipart push, trying the driver's Targets lists in order: a 400 that refuses the Targets
 * (older bmcweb takes only its Manager) means nothing was accepted, so the next list is safe.
 */
async function sendMultipart(env: StepEnv, w: Work, delivery: Omit<Delivery, 'targets'>): Promise<Delivered> {
  const lists = env.driver.multipartTargets?.(installTarget(w), await managerUris(env.client)) ?? [
    [w.expected.uri],
  ];
  for (const [i, targets] of lists.entries()) {
    try {
      return await pushMultipart(env.client, env.caps, env.options.store, { ...delivery, targets });
    } catch (err) {
      if (i === lists.length - 1 || !refusesTargets(err)) throw err;
      env.emit(`Targets ${targets.join(', ')} refused; trying ${lists[i + 1]?.join(', ')}`, {
        component: w.expected.name,
      });
    }
  }
  throw new UnsupportedError(`no multipart Targets for ${w.expected.name}`);
}

function refusesTargets(err: unknown): boolean {
  if (!(err instanceof RedfishHttpError) || err.status !== 400) return false;
  return err.messages.some(
    (m) =>
      /PropertyValueNotInList|PropertyValueIncorrect|ActionParameterValueNotInList/.test(m.MessageId ?? '') ||
      (m.MessageArgs ?? []).some((a) => /Targets/.test(String(a))),
  );
}

async function managerUris(client: RedfishClient): Promise<string[]> {
  const root = await client.root();
  if (!root.Managers) return [];
  const col = await client.get(root.Managers['@odata.id'], CollectionSchema);
  return (col.Members ?? []).map((m) => normalizeUri(m['@odata.id']));
}

function endpointOf(caps: UpdateCapabilities, method: MethodChoice['method']): string {
  if (method === 'multipart') return caps.multipart?.uri ?? '';
  if (method === 'http-push') return caps.httpPush?.uri ?? '';
  return caps.simple?.target ?? '';
}

function installTarget(w: Work): InstallTarget {
  const e = w.expected;
  return { uri: e.uri, id: e.id, name: e.name, kind: e.kind, from: e.from, to: e.to };
}

function flowContext(env: StepEnv, w: Work): FlowContext {
  return {
    client: env.client,
    clock: env.deps.clock,
    timeouts: { taskMs: env.t.taskMs, pollMs: env.t.pollMs, bmcRebootMs: env.t.bmcRebootMs },
    ...(env.options.signal ? { signal: env.options.signal } : {}),
    emit: (step, extra) => env.emit(step, { component: w.expected.name, ...extra }),
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

async function follow(env: StepEnv, sent: Delivered, w: Work): Promise<TaskOutcome> {
  const location = sent.location as string;
  w.report.task = location;
  // A task that waits for a maintenance window is not stuck: its clock starts when the window opens.
  const wait = Math.max(0, (env.windowStart ?? 0) - env.deps.clock.now());
  const states = env.driver.taskState;
  return followTask(env.client, location, env.deps.clock, {
    timeoutMs: env.t.taskMs + wait,
    pollMs: env.t.pollMs,
    unreachableTimeoutMs: env.t.bmcRebootMs,
    ...(env.options.signal ? { signal: env.options.signal } : {}),
    ...(states ? { states: (state: string, task: Task) => states(state, task) } : {}),
    ...(sent.taskUri ? { taskUri: sent.taskUri } : {}),
    onProgress: (p) =>
      env.emit(`${p.state ?? ''} ${p.messages.at(-1)?.id ?? ''}`.trim(), {
        component: w.expected.name,
        ...(p.percent !== undefined ? { percent: p.percent } : {}),
      }),
  });
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

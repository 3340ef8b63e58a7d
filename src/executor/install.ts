/**
 * The one install pipeline every caller uses — update, rollout (through update) and backup
 * restore: deliver one image (from firmwarden's store, or one the BMC already holds: a slice copy,
 * an uploaded Available- member, a rollback copy), follow it to its end the way the BMC's driver
 * says, and for a BMC image wait until the BMC is back running it. Host resets and the final
 * verification stay with the caller, which resets once for everything staged.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import type { Clock } from '../deps.ts';
import { FirmwardenError, RedfishHttpError, UnsupportedError } from '../errors.ts';
import { type ScanTarget, scanServer } from '../inventory/scan.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { CollectionSchema, normalizeUri, type Task } from '../redfish/models/index.ts';
import { assertNotFailed, followTask, type TaskOutcome } from '../redfish/task-monitor.ts';
import type { ActivationReset, FlowContext, InstallTarget, VendorDriver } from '../vendors/types.ts';
import type { ApplyTime } from '../vocab.ts';
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
import type { MethodChoice } from './method-choice.ts';
import type { UpdateEvent } from './update-server.ts';
import { type Expected, verifyComponent } from './verify.ts';

/** What firmwarden's image server offers SimpleUpdate. */
export interface ImageGrantor {
  readonly url: string;
  grant(
    sha256: string,
    opts?: { ttlMs?: number; label?: string },
  ): Promise<{ url: string; token: string }> | { url: string; token: string };
  revoke(token: string): void;
}

/** Deadlines of one install: the task, the BMC's own reset, polling. */
export interface InstallTimeouts {
  taskMs: number;
  bmcRebootMs: number;
  hostResetMs: number;
  pollMs: number;
}

/** What every install on one BMC shares. */
export interface InstallEnv {
  client: RedfishClient;
  caps: UpdateCapabilities;
  driver: VendorDriver;
  server: ScanTarget;
  clock: Clock;
  store: ImageStore;
  imageServer?: ImageGrantor & { scheme: 'http' | 'https' };
  timeouts: InstallTimeouts;
  signal?: AbortSignal;
  /** When the images apply in the BMC's maintenance window: when it opens (ms). */
  windowStart?: number;
  emit(step: string, extra?: { component?: string; percent?: number; wait?: UpdateEvent['wait'] }): void;
}

/** Where the image comes from. */
export type ImageSource =
  /** firmwarden's verified store copy, sent by `choice.method`. */
  | { from: 'store'; image: { sha256: string; size: number; fileName: string }; choice: MethodChoice }
  /** An image the BMC already holds (slice copy, Available- upload, Previous- rollback): SimpleUpdate names it. */
  | { from: 'bmc'; uri: string; applyTime?: ApplyTime };

export interface InstallRequest {
  expected: Expected;
  source: ImageSource;
  /** The image resets the BMC (its own firmware, or a catalog entry that says so). */
  resetsBmc?: boolean;
}

export interface InstallResult {
  /** Task or queue item followed, when there was one. */
  task?: string;
  outcome?: TaskOutcome['outcome'];
  /** The image waits for a host reset to activate. */
  staged: boolean;
  /** Staged for a reset beyond a host restart (the driver's activationReset: iDRAC's A/C cycle). */
  reset?: ActivationReset;
}

/** Delivers, follows and (for BMC images) waits out the BMC's reset. Throws when it failed. */
export async function installImage(env: InstallEnv, req: InstallRequest): Promise<InstallResult> {
  const { client, caps, driver } = env;
  const w = req.expected;
  const ctx = flowContext(env, w.name);
  const applyTime = req.source.from === 'store' ? req.source.choice.applyTime : req.source.applyTime;
  const result: InstallResult = { staged: false };
  let grant: { url: string; token: string } | undefined;
  try {
    let sent: Delivered;
    if (req.source.from === 'bmc') {
      sent = await simpleUpdate(client, caps, {
        image: { sha256: '', size: 0, fileName: req.source.uri },
        targets: simpleTargets(caps, w),
        imageUri: req.source.uri,
        ...(applyTime ? { applyTime } : {}),
        ...(driver.taskFromAnswer ? { taskFromAnswer: driver.taskFromAnswer } : {}),
      });
    } else {
      const { image, choice } = req.source;
      if (choice.method === 'simple') {
        if (!env.imageServer) throw new UnsupportedError("SimpleUpdate needs firmwarden's image server");
        grant = await env.imageServer.grant(image.sha256, {
          label: `${env.server.name} ${w.name}`,
          ttlMs: env.timeouts.taskMs + env.timeouts.hostResetMs,
        });
      }
      sent = await deliverStored(env, w, image, choice, grant?.url);
    }
    if (applyTime) sent.applyTime = applyTime;
    let outcome = await followAccepted(env, ctx, sent, w);
    result.task = sent.location;
    if (applyTime === 'OnStartUpdateRequest') {
      env.emit('UpdateService.StartUpdate', { component: w.name });
      const started = await startUpdate(client, caps, driver.taskFromAnswer);
      outcome = (await followAccepted(env, ctx, started, w)) ?? outcome;
      result.task = started.location ?? result.task;
    }
    if (outcome) result.outcome = outcome.outcome;
    // Staged: asked for OnReset, the task says the image awaits a reset, or the driver knows the
    // BMC stages its own image without saying so (bmcweb's default apply time).
    result.staged =
      outcome?.outcome === 'staged' ||
      applyTime === 'OnReset' ||
      applyTime === 'InMaintenanceWindowOnReset' ||
      (w.kind === 'bmc' && (driver.bmcImageAwaitsReset?.(sent, outcome) ?? false));
    const reset = result.staged && outcome ? driver.activationReset?.(outcome, installTarget(w)) : undefined;
    if (reset) {
      result.reset = reset;
      env.emit(`staged: activates on a ${reset.name}, not on a host restart`, { component: w.name });
    }
    if (w.kind === 'bmc' || req.resetsBmc) {
      await awaitBmc(env, w, result.staged);
      result.staged = false;
    }
    return result;
  } finally {
    if (grant) env.imageServer?.revoke(grant.token);
  }
}

/** Sends a store image by the chosen method, the driver's own way where it has one. */
async function deliverStored(
  env: InstallEnv,
  w: Expected,
  image: { sha256: string; size: number; fileName: string },
  choice: MethodChoice,
  imageUri: string | undefined,
): Promise<Delivered> {
  const { client, caps, driver, store } = env;
  const delivery = {
    image,
    targets: [w.uri],
    ...(choice.applyTime ? { applyTime: choice.applyTime } : {}),
    ...(driver.taskFromAnswer ? { taskFromAnswer: driver.taskFromAnswer } : {}),
  };
  const own = await driver.deliver?.(flowContext(env, w.name), {
    method: choice.method,
    updateService: caps.uri,
    endpoint: endpointOf(caps, choice.method),
    image,
    openImage: () => store.open(image.sha256),
    ...(imageUri ? { imageUri } : {}),
    targets: choice.method === 'simple' ? simpleTargets(caps, w) : [w.uri],
    ...(choice.applyTime ? { applyTime: choice.applyTime } : {}),
    target: installTarget(w),
  });
  if (own) {
    env.emit(`delivered the ${driver.vendor} way`, { component: w.name });
    return own;
  }
  if (choice.method === 'multipart') return sendMultipart(env, w, delivery);
  if (choice.method === 'http-push') {
    const sent = await pushHttp(client, caps, store, delivery);
    // iDRAC: the push only uploads; it answers 201 with the Available- member, which a
    // SimpleUpdate naming that member installs (Dell Redfish API guide, iDRAC 9 4.x+).
    if (!sent.created || sent.location) return sent;
    env.emit(`uploaded as ${sent.created}; installing it with SimpleUpdate`, { component: w.name });
    return simpleUpdate(client, caps, {
      ...delivery,
      targets: simpleTargets(caps, w),
      imageUri: sent.created,
    });
  }
  return simpleUpdate(client, caps, {
    ...delivery,
    targets: simpleTargets(caps, w),
    imageUri: imageUri as string,
    protocol: choice.protocol ?? 'HTTP',
  });
}

/**
 * Follows what the BMC accepted to the outcome that counts: its task (or, with none, the driver's
 * own progress source), then whatever the driver follows after the task. Throws on failure.
 */
async function followAccepted(
  env: InstallEnv,
  ctx: FlowContext,
  sent: Delivered,
  w: Expected,
): Promise<TaskOutcome | undefined> {
  const target = installTarget(w);
  let outcome: TaskOutcome | undefined;
  if (sent.location) outcome = await follow(env, sent, w);
  else if (!sent.created) outcome = await env.driver.followUntracked?.(ctx, sent, target);
  if (outcome && env.driver.afterTask) outcome = await env.driver.afterTask(ctx, outcome, target);
  // `gone` (task deleted, monitor expired) is not failure: the inventory decides.
  return outcome ? assertNotFailed(outcome, sent.location ?? env.caps.uri) : undefined;
}

async function follow(env: InstallEnv, sent: Delivered, w: Expected): Promise<TaskOutcome> {
  const location = sent.location as string;
  // A task that waits for a maintenance window is not stuck: its clock starts when the window opens.
  const wait = Math.max(0, (env.windowStart ?? 0) - env.clock.now());
  const states = env.driver.taskState;
  // The task's own id (iDRAC: JID_…) is what an operator finds in the BMC's job queue.
  const id = (sent.taskUri ?? location).replace(/\/+$/, '').split('/').at(-1);
  const waiting = { since: env.clock.now(), timeoutMs: env.timeouts.taskMs + wait, what: `task ${id}` };
  env.emit('accepted', { component: w.name, wait: waiting });
  return followTask(env.client, location, env.clock, {
    timeoutMs: env.timeouts.taskMs + wait,
    pollMs: env.timeouts.pollMs,
    unreachableTimeoutMs: env.timeouts.bmcRebootMs,
    ...(env.signal ? { signal: env.signal } : {}),
    ...(states ? { states: (state: string, task: Task) => states(state, task) } : {}),
    ...(sent.taskUri ? { taskUri: sent.taskUri } : {}),
    onProgress: (p) =>
      env.emit(`${p.state ?? ''} ${p.messages.at(-1)?.id ?? ''}`.trim(), {
        component: w.name,
        ...(p.percent !== undefined ? { percent: p.percent } : {}),
        wait: waiting,
      }),
  });
}

/**
 * Multipart push, trying the driver's Targets lists in order: a 400 that refuses the Targets
 * (older bmcweb takes only its Manager) means nothing was accepted, so the next list is safe.
 */
async function sendMultipart(
  env: InstallEnv,
  w: Expected,
  delivery: Omit<Delivery, 'targets'>,
): Promise<Delivered> {
  const lists = env.driver.multipartTargets?.(installTarget(w), await managerUris(env.client)) ?? [[w.uri]];
  for (const [i, targets] of lists.entries()) {
    try {
      return await pushMultipart(env.client, env.caps, env.store, { ...delivery, targets });
    } catch (err) {
      if (i === lists.length - 1 || !refusesTargets(err)) throw err;
      env.emit(`Targets ${targets.join(', ')} refused; trying ${lists[i + 1]?.join(', ')}`, {
        component: w.name,
      });
    }
  }
  throw new UnsupportedError(`no multipart Targets for ${w.name}`);
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

/**
 * A BMC image activates by resetting the BMC: most BMCs do that themselves; a staged one gets a
 * Manager.Reset (outside a maintenance window). Then wait until the BMC answers again at the
 * target version: refused connections, 500/503 and lost sessions on the way are expected.
 */
export async function awaitBmc(env: InstallEnv, w: Expected, staged: boolean): Promise<void> {
  const atTarget = async () =>
    verifyComponent(w, await scanServer(env.client, env.server, env.clock), env.driver.vendor).state ===
    'verified';
  if (staged && env.windowStart === undefined) {
    await resetManager(env.client, (step) => env.emit(step, { component: w.name }));
  }
  env.emit('waiting for the BMC to come back', {
    component: w.name,
    wait: { since: env.clock.now(), timeoutMs: env.timeouts.bmcRebootMs },
  });
  await waitBmcBack(atTarget, env.clock, env.timeouts, `BMC not back at ${w.to}`);
}

/**
 * Polls `back` until true while a BMC resets (refused connections, 500/503 and lost sessions are
 * expected on the way); throws FW_ERR_BMC_UNREACHABLE once `bmcRebootMs` passed. `firmwarden bmc
 * reset` waits the same way.
 */
export async function waitBmcBack(
  back: () => Promise<boolean>,
  clock: Clock,
  timeouts: Pick<InstallTimeouts, 'bmcRebootMs' | 'pollMs'>,
  what: string,
): Promise<void> {
  if (!(await waitFor(back, clock, timeouts.bmcRebootMs, timeouts.pollMs))) {
    throw new FirmwardenError(
      'FW_ERR_BMC_UNREACHABLE',
      `${what} within ${Math.round(timeouts.bmcRebootMs / 1000)} s`,
    );
  }
}

/**
 * SimpleUpdate Targets: the inventory member, unless the ActionInfo restricts Targets to other
 * URIs (Supermicro X12: the Manager for BMC images, the Bios for BIOS images).
 */
export function simpleTargets(
  caps: UpdateCapabilities,
  w: { uri: string; kind: string; name: string },
): string[] {
  const allowed = caps.simple?.targets;
  if (!allowed || allowed.includes(w.uri)) return [w.uri];
  const pick =
    w.kind === 'bmc'
      ? allowed.find((a) => /\/Managers\/[^/]+\/?$/.test(a))
      : w.kind === 'bios'
        ? allowed.find((a) => /\/Bios\/?$/.test(a))
        : undefined;
  if (!pick) {
    throw new UnsupportedError(
      `SimpleUpdate Targets must be one of ${allowed.join(', ')}; none fits ${w.name}`,
    );
  }
  return [pick];
}

function endpointOf(caps: UpdateCapabilities, method: MethodChoice['method']): string {
  if (method === 'multipart') return caps.multipart?.uri ?? '';
  if (method === 'http-push') return caps.httpPush?.uri ?? '';
  return caps.simple?.target ?? '';
}

function installTarget(e: Expected): InstallTarget {
  return { uri: e.uri, id: e.id, name: e.name, kind: e.kind, from: e.from, to: e.to };
}

function flowContext(env: InstallEnv, component: string): FlowContext {
  return {
    client: env.client,
    clock: env.clock,
    timeouts: {
      taskMs: env.timeouts.taskMs,
      pollMs: env.timeouts.pollMs,
      bmcRebootMs: env.timeouts.bmcRebootMs,
    },
    ...(env.signal ? { signal: env.signal } : {}),
    emit: (step, extra) => env.emit(step, { component, ...extra }),
  };
}

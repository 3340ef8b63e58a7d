/**
 * One action of a server update: its image prepared and verified, the method chosen, the image
 * delivered, the task followed, the BMC waited for when it resets itself, and the final judgement
 * against the re-read inventory.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { scanServer } from '../inventory/scan.ts';
import type { PlanDecision } from '../planner/plan-model.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { assertNotFailed, followTask } from '../redfish/task-monitor.ts';
import type { ApplyTime, Vendor } from '../vocab.ts';
import type { UpdateCapabilities } from './capabilities.ts';
import { type Delivered, pushHttp, pushMultipart, simpleUpdate, startUpdate } from './deliver.ts';
import { waitFor } from './host-reset.ts';
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

export async function deliverOne(
  client: RedfishClient,
  caps: UpdateCapabilities,
  w: Work,
  server: ResolvedServer,
  deps: Deps,
  options: UpdateServerOptions,
  inWindow: boolean,
  t: UpdateTimeouts,
  emit: (step: string, extra?: Partial<UpdateEvent>) => void,
  vendor: Vendor,
): Promise<void> {
  const component = w.expected.name;
  let choice: MethodChoice;
  try {
    choice = chooseMethod(caps, {
      imageSize: w.image.size,
      applyTimes: wantedApplyTimes(w, inWindow),
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
  emit(`${choice.method}: ${choice.reason}`, { component });
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
    else if (choice.method === 'http-push') sent = await pushHttp(client, caps, options.store, delivery);
    else {
      const imageServer = options.imageServer as NonNullable<UpdateServerOptions['imageServer']>;
      grant = await imageServer.grant(w.image.sha256, {
        label: `${server.name} ${component}`,
        ttlMs: t.taskMs + t.hostResetMs,
      });
      sent = await simpleUpdate(client, caps, {
        ...delivery,
        imageUri: grant.url,
        protocol: choice.protocol ?? 'HTTP',
      });
    }
    if (sent.location) await follow(client, sent.location, w, deps, t, options, emit);
    if (choice.applyTime === 'OnStartUpdateRequest') {
      emit('UpdateService.StartUpdate', { component });
      const started = await startUpdate(client, caps);
      if (started.location) await follow(client, started.location, w, deps, t, options, emit);
    }
    w.staged = choice.applyTime === 'OnReset' || choice.applyTime === 'InMaintenanceWindowOnReset';
    if (w.expected.kind === 'bmc' || w.decision.target?.requires.bmcReset) {
      // The BMC resets itself to activate: wait until it answers again at the target version.
      emit('waiting for the BMC to come back', { component });
      const back = await waitFor(
        async () =>
          verifyComponent(w.expected, await scanServer(client, server, deps.clock), vendor).state ===
          'verified',
        deps.clock,
        t.bmcRebootMs,
        t.pollMs,
      );
      if (!back)
        throw new FirmwardenError(
          'FW_ERR_BMC_UNREACHABLE',
          `BMC not back at ${w.expected.to} within ${Math.round(t.bmcRebootMs / 1000)} s`,
        );
    }
    w.report.detail = 'delivered';
    w.report.outcome = 'verified';
  } catch (err) {
    fail(w, err);
  } finally {
    if (grant) options.imageServer?.revoke(grant.token);
  }
}

async function follow(
  client: RedfishClient,
  location: string,
  w: Work,
  deps: Deps,
  t: UpdateTimeouts,
  options: UpdateServerOptions,
  emit: (step: string, extra?: Partial<UpdateEvent>) => void,
) {
  w.report.task = location;
  const outcome = await followTask(client, location, deps.clock, {
    timeoutMs: t.taskMs,
    pollMs: t.pollMs,
    unreachableTimeoutMs: t.bmcRebootMs,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (p) =>
      emit(`${p.state ?? ''} ${p.messages.at(-1)?.id ?? ''}`.trim(), {
        component: w.expected.name,
        ...(p.percent !== undefined ? { percent: p.percent } : {}),
      }),
  });
  // `gone` (task deleted, monitor expired) is not failure: the inventory decides.
  assertNotFailed(outcome, location);
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

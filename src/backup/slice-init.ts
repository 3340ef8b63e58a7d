/**
 * `backup init`: carves the slice out of the server's RAID controller. Finds an existing slice by
 * name (idempotent, a creation still waiting for a reset included), checks the BMC offers the
 * slice path, sizes and lays out the volume, POSTs it to the Volumes collection and handles every
 * answer: 201 + Location, 202 + a task to follow, 202 deferred to the next host reset.
 */
import { z } from 'zod';
import type { Clock } from '../deps.ts';
import { RedfishHttpError } from '../errors.ts';
import { discoverUpdateService } from '../executor/capabilities.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { normalizeUri, ResourceSchema, type Task, TaskSchema } from '../redfish/models/index.ts';
import { pathOf } from '../redfish/session.ts';
import { assertNotFailed, followTask } from '../redfish/task-monitor.ts';
import { taskPhase } from '../vocab.ts';
import { BackupError, BackupErrorCode } from './backup-errors.ts';
import { formatBytes, planSlice, sliceSize } from './slice-layout.ts';
import { findSlice, raidControllers, SLICE_NAME, sliceOffered } from './slice-offer.ts';
import { type ControllerInfo, readControllers } from './storage-read.ts';

export interface InitSliceOptions {
  clock: Clock;
  /** Bytes of the images the slice will hold (the catalog images of the server's components). */
  imageBytes: number;
  /** Volume name (default firmwarden-backup). */
  name?: string;
  /** Create the volume even where the BMC does not offer volumes as update targets. */
  force?: boolean;
  taskTimeoutMs?: number;
  pollMs?: number;
}

export interface SliceInit {
  /**
   * created: made now; existing: found by name; pending-reset: the BMC creates it at the next host
   * reset; unsupported: the BMC does not offer the slice path, nothing was created.
   */
  outcome: 'created' | 'existing' | 'pending-reset' | 'unsupported';
  /** One sentence for the user. */
  detail: string;
  controller?: { uri: string; name: string };
  volume?: string;
  raidType?: string;
  capacityBytes?: number;
  drives?: string[];
  /** Why this layout (RAID type and drives). */
  why?: string;
  task?: string;
  applyTime?: 'Immediate' | 'OnReset';
}

export const INIT_DEFAULTS = { taskTimeoutMs: 10 * 60_000, pollMs: 2_000 } as const;

const PayloadSchema = z.looseObject({ TargetUri: z.string().optional(), JsonBody: z.string().optional() });

/** Creates the backup slice on the server's RAID controller, or finds the one there is. */
export async function initSlice(client: RedfishClient, opts: InitSliceOptions): Promise<SliceInit> {
  const name = opts.name ?? SLICE_NAME;
  const server = client.name;
  const [caps, controllers] = await Promise.all([discoverUpdateService(client), readControllers(client)]);
  const raid = raidControllers(controllers);
  if (raid.length === 0) {
    throw new BackupError(
      BackupErrorCode.noController,
      server,
      `no RAID controller: none of ${controllers.length} Storage resources has a controller with SupportedRAIDTypes, drives and a Volumes collection`,
    );
  }
  const found = findSlice(raid, name);
  if (found !== undefined) {
    const offered = sliceOffered(caps, found.controller);
    return {
      outcome: 'existing',
      detail: `slice ${found.volume.uri} (${found.volume.raidType ?? '?'}, ${formatBytes(found.volume.capacityBytes ?? 0)}) already exists${offered ? '' : '; the BMC does not offer it as an update target'}`,
      controller: { uri: found.controller.uri, name: found.controller.name },
      volume: found.volume.uri,
      ...(found.volume.raidType ? { raidType: found.volume.raidType } : {}),
      ...(found.volume.capacityBytes !== undefined ? { capacityBytes: found.volume.capacityBytes } : {}),
      drives: found.volume.drives,
    };
  }
  const offering = raid.filter((c) => sliceOffered(caps, c));
  if (offering.length === 0 && !opts.force) {
    return {
      outcome: 'unsupported',
      detail:
        'the BMC does not offer volumes as update targets (no Volumes collection among the SimpleUpdate ActionInfo Targets): no slice created, the fallback keeps the copies',
    };
  }
  const candidates = offering.length > 0 ? offering : raid;
  for (const c of candidates) {
    const pending = await pendingCreation(client, c, name);
    if (pending !== undefined) return waitingForReset(c, pending, 'was requested before');
  }
  const capacity = sliceSize(opts.imageBytes);
  const problems: string[] = [];
  for (const controller of candidates) {
    const layout = planSlice(controller.drives, controller.raidTypes, capacity);
    if ('problem' in layout) {
      problems.push(`${controller.name}: ${layout.problem}`);
      continue;
    }
    return create(client, controller, layout, name, opts);
  }
  throw new BackupError(BackupErrorCode.noCapacity, server, problems.join('; '));
}

async function create(
  client: RedfishClient,
  controller: ControllerInfo,
  layout: Exclude<ReturnType<typeof planSlice>, { problem: string }>,
  name: string,
  opts: InitSliceOptions,
): Promise<SliceInit> {
  const server = client.name;
  const times = controller.volumeApplyTimes;
  const applyTime =
    times === undefined
      ? undefined
      : times.includes('Immediate')
        ? 'Immediate'
        : times.includes('OnReset')
          ? 'OnReset'
          : null;
  if (applyTime === null) {
    throw new BackupError(
      BackupErrorCode.volume,
      server,
      `${controller.volumesUri} only applies volume changes at ${times?.join(', ')}, which firmwarden does not drive`,
    );
  }
  const body = {
    Name: name,
    RAIDType: layout.raidType,
    CapacityBytes: layout.capacityBytes,
    Links: { Drives: layout.drives.map((d) => ({ '@odata.id': d.uri })) },
    ...(applyTime ? { '@Redfish.OperationApplyTime': applyTime } : {}),
  };
  const base: SliceInit = {
    outcome: 'created',
    detail: '',
    controller: { uri: controller.uri, name: controller.name },
    raidType: layout.raidType,
    capacityBytes: layout.capacityBytes,
    drives: layout.drives.map((d) => d.uri),
    why: layout.why,
    ...(applyTime ? { applyTime } : {}),
  };
  let res: Awaited<ReturnType<RedfishClient['post']>>;
  try {
    res = await client.post(controller.volumesUri as string, body);
  } catch (err) {
    throw refusal(server, controller, err);
  }
  const location = res.headers['location']
    ? pathOf(res.headers['location'], client.transport.origin)
    : undefined;
  if (res.status === 201 && location) {
    return {
      ...base,
      volume: normalizeUri(location),
      detail: `created ${normalizeUri(location)}: ${layout.why}`,
    };
  }
  if (res.status === 202 && location) {
    base.task = location;
    if (applyTime === 'OnReset' || (await heldForReset(client, location))) {
      return { ...base, ...waitingForReset(controller, undefined, 'was requested'), task: location };
    }
    const outcome = assertNotFailed(
      await followTask(client, location, opts.clock, {
        timeoutMs: opts.taskTimeoutMs ?? INIT_DEFAULTS.taskTimeoutMs,
        pollMs: opts.pollMs ?? INIT_DEFAULTS.pollMs,
      }),
      location,
    );
    if (outcome.taskUri) base.task = outcome.taskUri;
  }
  // 202 finished, or 200/204: the collection now tells whether the volume exists.
  const after = findSlice(await readControllers(client), name);
  if (after === undefined) {
    throw new BackupError(
      BackupErrorCode.volume,
      server,
      `${controller.volumesUri} answered ${res.status} but no volume named ${name} appeared`,
    );
  }
  return { ...base, volume: after.volume.uri, detail: `created ${after.volume.uri}: ${layout.why}` };
}

function waitingForReset(c: ControllerInfo, task: Task | undefined, when: string): SliceInit {
  return {
    outcome: 'pending-reset',
    detail: `the slice on ${c.name} ${when} and waits for a host reset: the controller creates it when the server restarts`,
    controller: { uri: c.uri, name: c.name },
    ...(task ? { task: normalizeUri(task['@odata.id']) } : {}),
    applyTime: 'OnReset',
  };
}

/**
 * A BMC may defer a creation although Immediate was asked (iLO 5 Smart Array applies at boot
 * whatever the request says): its task sits Pending. Read once, before following it.
 */
async function heldForReset(client: RedfishClient, location: string): Promise<boolean> {
  const res = await client.request('GET', location);
  const parsed = TaskSchema.safeParse(res.body);
  return parsed.success && parsed.data.TaskState === 'Pending';
}

/** A creation of this slice the BMC holds until a reset (a Task still active whose payload names it). */
async function pendingCreation(
  client: RedfishClient,
  c: ControllerInfo,
  name: string,
): Promise<Task | undefined> {
  const root = await client.root();
  if (!root.Tasks) return undefined;
  const service = await client.get(root.Tasks['@odata.id'], ResourceSchema);
  const tasksUri = (service['Tasks'] as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
  if (typeof tasksUri !== 'string') return undefined;
  const tasks = await readMembers(client, tasksUri, TaskSchema);
  return tasks.find((t) => {
    if (taskPhase(t.TaskState ?? '', t.TaskStatus) !== 'active') return false;
    const payload = PayloadSchema.safeParse(t['Payload']);
    if (!payload.success || normalizeUri(payload.data.TargetUri ?? '') !== c.volumesUri) return false;
    try {
      return (JSON.parse(payload.data.JsonBody ?? '{}') as { Name?: unknown }).Name === name;
    } catch {
      return false;
    }
  });
}

/** The BMC's refusal in firmwarden's words: no room, no volume creation, or as it said. */
function refusal(server: string, c: ControllerInfo, err: unknown): unknown {
  if (!(err instanceof RedfishHttpError)) return err;
  const said = err.messages.map((m) => [m.Message, m.Resolution].filter(Boolean).join(' ')).join(' ');
  if (err.status === 405 || err.status === 501) {
    return new BackupError(
      BackupErrorCode.volume,
      server,
      `the BMC does not allow creating volumes on ${c.name} (${err.status})`,
      {
        cause: err,
      },
    );
  }
  if (err.messages.some((m) => /OutOfRange|Insufficient|Exhaust/i.test(m.MessageId ?? ''))) {
    return new BackupError(BackupErrorCode.noCapacity, server, `no free capacity on ${c.name}: ${said}`, {
      cause: err,
    });
  }
  return new BackupError(
    BackupErrorCode.volume,
    server,
    `creating the slice on ${c.name} failed: ${err.message}`,
    {
      cause: err,
    },
  );
}

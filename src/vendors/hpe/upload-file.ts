/**
 * Delivering an image to iLO 5/6 by its HttpPushUri, /cgi-bin/uploadFile: iLO's upload form, not
 * a DMTF push (HPEDevCom/redfishdocs updateService supplement "Upload Components";
 * python-redfish-utility UploadComponentCommand.uploadfunction and FwpkgCommand.applyfwpkg):
 * multipart/form-data with `sessionKey` (the X-Auth-Token, also as the sessionKey cookie), a
 * `parameters` part {UpdateRepository, UpdateTarget, ETag, Section} and the `file` part; iLO
 * answers 200 and no task, then reports in UpdateService Oem.Hpe.State (flash-state.ts).
 * - .bin / .signed.flash / .hpb / .fup (signature inside): UpdateTarget true, iLO flashes at once;
 * - .fwpkg: into the iLO Repository (UpdateRepository true, UpdateTarget false), then an Update
 *   Task Queue item ApplyUpdate for iLO ("Bmc") flashes it, followed by its State
 *   (update-queue.ts), as HPE's docs describe the repository flow;
 * - Smart Components (.exe, .rpm) need a `compsig` part firmwarden does not have: refused here.
 * The image streams from the store; the request is sent once (a stream cannot be replayed).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { TaskFailedError, UnsupportedError } from '../../errors.ts';
import type { TaskOutcome } from '../../redfish/task-monitor.ts';
import type { Accepted, DeliverRequest, FlowContext, InstallTarget } from '../types.ts';
import { followFlashState, HpeUpdateServiceSchema } from './flash-state.ts';
import { assertQueueFlows, enqueue, followQueueItem } from './update-queue.ts';

const SMART_COMPONENT = /\.(exe|rpm|scexe)$/i;

/** How followUntracked finds what deliver started: the upload's ETag, or the queue item. */
export interface IloDelivery {
  updateService: string;
  etag: string;
  queueItem?: string;
}

const DELIVERED = new WeakMap<Accepted, IloDelivery>();

/** What deliver left for the follower, when the pipeline hands back the same Accepted object. */
export function deliveryOf(accepted: Accepted): IloDelivery | undefined {
  return DELIVERED.get(accepted);
}

/** ilorest's ETag: "sum" + the file name without punctuation; firmwarden adds the digest. */
function etagFor(req: DeliverRequest): string {
  return `fw${req.image.fileName.replace(/[^A-Za-z0-9]/g, '')}${req.image.sha256.slice(0, 12)}`;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'image.bin';
}

/** POSTs the upload form; resolves once iLO answered 200. */
async function postForm(
  ctx: FlowContext,
  req: DeliverRequest,
  params: { UpdateRepository: boolean; UpdateTarget: boolean; ETag: string; Section: number },
): Promise<void> {
  const token = await ctx.client.sessionToken();
  if (token === undefined) {
    throw new UnsupportedError(
      `${req.endpoint}: iLO's upload form needs a Redfish session (sessionKey), not Basic auth`,
    );
  }
  const boundary = `firmwarden-${randomBytes(12).toString('hex')}`;
  const part = (name: string, extra = '') =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n`;
  const head = Buffer.from(
    `${part('sessionKey')}\r\n${token}\r\n` +
      `${part('parameters')}Content-Type: application/json\r\n\r\n${JSON.stringify(params)}\r\n` +
      `${part('file', `; filename="${safeName(req.image.fileName)}"`)}Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const image = req.openImage();
  async function* body() {
    yield head;
    yield* image;
    yield tail;
  }
  const res = await ctx.client.request('POST', req.endpoint, {
    body: {
      raw: Readable.from(body(), { objectMode: false }),
      contentType: `multipart/form-data; boundary=${boundary}`,
      length: head.length + req.image.size + tail.length,
    },
    headers: { cookie: `sessionKey=${token}` },
    attempts: 1,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (res.status !== 200) {
    throw new TaskFailedError(req.endpoint, undefined, `iLO answered the upload with ${res.status}, not 200`);
  }
}

const QueueLinkSchema = HpeUpdateServiceSchema.extend({
  Oem: z
    .looseObject({
      Hpe: z.looseObject({ UpdateTaskQueue: z.looseObject({ '@odata.id': z.string() }).nullish() }).nullish(),
    })
    .nullish(),
});

/** The driver's `deliver` hook: iLO's form for HttpPushUri; other methods go the generic way. */
export async function deliverToIlo(ctx: FlowContext, req: DeliverRequest): Promise<Accepted | undefined> {
  if (req.method !== 'http-push') return undefined;
  if (SMART_COMPONENT.test(req.image.fileName)) {
    throw new UnsupportedError(
      `${req.image.fileName}: iLO needs the Smart Component's .compsig with it; use the .fwpkg or .bin`,
    );
  }
  const etag = etagFor(req);
  const fwpkg = /\.fwpkg$/i.test(req.image.fileName);
  const accepted: Accepted = { status: 200 };
  if (!fwpkg) {
    ctx.emit('uploading to iLO for a direct flash');
    await postForm(ctx, req, { UpdateRepository: false, UpdateTarget: true, ETag: etag, Section: 0 });
    DELIVERED.set(accepted, { updateService: req.updateService, etag });
    return accepted;
  }
  // Checked before the upload, as ilorest does: an item behind an Exception would never run.
  const us = await ctx.client.get(req.updateService, QueueLinkSchema);
  const queue = us.Oem?.Hpe?.UpdateTaskQueue?.['@odata.id'];
  if (queue === undefined) {
    throw new UnsupportedError(
      `${req.updateService}: iLO announces no Oem.Hpe.UpdateTaskQueue for ${req.image.fileName}`,
    );
  }
  await assertQueueFlows(ctx.client, queue);
  ctx.emit('uploading into the iLO Repository');
  await postForm(ctx, req, { UpdateRepository: true, UpdateTarget: false, ETag: etag, Section: 0 });
  // The repository write is over at Complete; a failed verification or write is iLO's Error.
  const written = await followFlashState(ctx, { uri: req.updateService, afterReset: false, etag });
  if (written.outcome === 'failed') {
    const m = written.messages.at(-1);
    throw new TaskFailedError(
      req.updateService,
      'Error',
      `iLO refused ${req.image.fileName}: ${m?.text ?? m?.id}`,
    );
  }
  const item = await enqueue(ctx.client, queue, {
    // Names must be unique in the queue: a retry after a failure gets a name of its own.
    name: `firmwarden ${req.target.name} ${req.target.to} ${ctx.clock.now().toString(36)}`,
    filename: safeName(req.image.fileName),
  });
  ctx.emit(`queued on iLO's Update Task Queue: ${item}`);
  DELIVERED.set(accepted, { updateService: req.updateService, etag, queueItem: item });
  return accepted;
}

/**
 * The image waits for a host reset once iLO flashed it: everything but iLO itself (HPE dev blog
 * "HPE firmware updates: Part 3": "flashed instantaneously (iLO firmware) or staged and flashed
 * during next reboot (UEFI/Bios firmware)"; ilorest flashfwpkg: type B "a reboot is required for
 * this firmware to take effect").
 */
export function activatesAfterReset(target: InstallTarget): boolean {
  return target.kind !== 'bmc';
}

/**
 * The driver's `afterTask` hook: iLO 5 2.30+ and iLO 6 do give SimpleUpdate a task, but whether it
 * ends with Update.AwaitToActivate is not documented, and its monitor vanishes once iLO resets
 * (ironcore-dev/metal-operator issue 617). A host image iLO reports done is staged all the same.
 */
export async function afterIloTask(
  _ctx: FlowContext,
  outcome: TaskOutcome,
  target: InstallTarget,
): Promise<TaskOutcome> {
  const done = outcome.outcome === 'completed' || outcome.outcome === 'gone';
  return done && activatesAfterReset(target) ? { ...outcome, outcome: 'staged' } : outcome;
}

/** The driver's `followUntracked` hook. */
export async function followIlo(
  ctx: FlowContext,
  accepted: Accepted,
  target: InstallTarget,
): Promise<TaskOutcome> {
  const d = deliveryOf(accepted);
  const afterReset = activatesAfterReset(target);
  if (d?.queueItem !== undefined) {
    const t = ctx.timeouts;
    const end = await followQueueItem(
      ctx.client,
      d.queueItem,
      { afterReboot: afterReset },
      ctx.clock,
      {
        timeoutMs: t.taskMs,
        pollMs: t.pollMs,
        unreachableMs: t.bmcRebootMs,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      },
      (state) => ctx.emit(`queue item ${state}`),
    );
    return { outcome: end, state: 'Complete', messages: [], polls: 0 };
  }
  const uri =
    d?.updateService ?? (await ctx.client.root()).UpdateService?.['@odata.id'] ?? '/redfish/v1/UpdateService';
  return followFlashState(ctx, { uri, afterReset, ...(d ? { etag: d.etag } : {}) });
}

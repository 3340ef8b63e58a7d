/**
 * Supermicro X12/X13 firmware update as bmclib drives it (providers/supermicro/x12.go,
 * internal/redfishwrapper/firmware.go; docs/x12.md captures the BMC's own web UI doing the same):
 * 1. multipart upload with UpdateParameters {Targets: [the Manager | Systems/<id>/Bios],
 *    "@Redfish.OperationApplyTime": "OnStartUpdateRequest", Oem.Supermicro preserve flags};
 * 2. the answer's task ("BMC Verify" / "BIOS Verify") verifies the image and ends Completed;
 * 3. POST UpdateService.StartUpdate: 202 with a second task ("BMC Update" / "BIOS Update") that
 *    flashes. The pipeline follows that one as the update's task.
 * A BMC that keeps one task instead (DMTF: Pending + Update.AwaitToUpdate until StartUpdate, which
 * answers 204) goes through the same steps; its task is then followed on.
 */
import { z } from 'zod';
import { RedfishConnectionError } from '../../errors.ts';
import { delivered } from '../../executor/deliver.ts';
import { CollectionSchema, normalizeUri } from '../../redfish/models/index.ts';
import { multipartUpdateBody } from '../../redfish/multipart.ts';
import { assertNotFailed, followTask } from '../../redfish/task-monitor.ts';
import type { Accepted, DeliverRequest, FlowContext } from '../types.ts';
import { taskFromAccepted } from './accepted.ts';

const UpdateServiceSchema = z
  .object({
    'MultipartHttpPushUri@Redfish.OperationApplyTimeSupport': z
      .object({ SupportedValues: z.array(z.string()).optional() })
      .passthrough()
      .optional(),
    Actions: z
      .object({ '#UpdateService.StartUpdate': z.object({ target: z.string() }).passthrough().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const MemberSchema = z
  .object({ RelatedItem: z.array(z.object({ '@odata.id': z.string() }).passthrough()).optional() })
  .passthrough();

/** What bmclib keeps of the BMC's settings across a BMC flash (x12.go bmcFwInstallParams). */
const BMC_PRESERVE = { PreserveCfg: true, PreserveSdr: true, PreserveSsl: true };

/**
 * Delivers a BMC or BIOS image the X12 way when the BMC offers it (multipart with
 * OnStartUpdateRequest and a StartUpdate action); undefined leaves it to the generic delivery.
 */
export async function deliverX12(ctx: FlowContext, req: DeliverRequest): Promise<Accepted | undefined> {
  if (req.method !== 'multipart' || (req.target.kind !== 'bmc' && req.target.kind !== 'bios'))
    return undefined;
  // Asked for StartUpdate itself, the pipeline runs both steps already.
  if (req.applyTime === 'OnStartUpdateRequest') return undefined;
  const us = UpdateServiceSchema.parse((await ctx.client.request('GET', req.updateService)).body);
  const start = us.Actions?.['#UpdateService.StartUpdate']?.target;
  const applyTimes = us['MultipartHttpPushUri@Redfish.OperationApplyTimeSupport']?.SupportedValues ?? [];
  if (!start || !applyTimes.includes('OnStartUpdateRequest')) return undefined;

  const target = await flashTarget(ctx, req);
  const params: Record<string, unknown> = {
    Targets: [target],
    '@Redfish.OperationApplyTime': 'OnStartUpdateRequest',
    // BIOS preserve flags differ per board model (bmclib x12.go biosFwInstallParams): the BMC's
    // defaults apply.
    ...(req.target.kind === 'bmc' ? { Oem: { Supermicro: { BMC: BMC_PRESERVE } } } : {}),
  };
  ctx.emit(`uploading for ${target}; the flash starts with StartUpdate once verified`);
  const uploaded = await upload(ctx, req, params);
  if (!uploaded.location) return uploaded;
  // The verify task: Completed (X12), or Pending with AwaitToUpdate (a BMC keeping one task).
  const verified = await followTask(ctx.client, uploaded.location, ctx.clock, {
    timeoutMs: ctx.timeouts.taskMs,
    pollMs: ctx.timeouts.pollMs,
    unreachableTimeoutMs: ctx.timeouts.bmcRebootMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(uploaded.taskUri ? { taskUri: uploaded.taskUri } : {}),
    states: (state, task) =>
      state === 'Pending' && /\.AwaitToUpdate$/.test(task.Messages?.at(-1)?.MessageId ?? '')
        ? 'completed'
        : undefined,
    onProgress: (p) =>
      ctx.emit(`verify ${p.state ?? ''}`.trim(), p.percent !== undefined ? { percent: p.percent } : {}),
  });
  assertNotFailed(verified, uploaded.location);
  ctx.emit('verified; UpdateService.StartUpdate');
  let started: Accepted;
  try {
    started = delivered(ctx.client, await ctx.client.post(start, {}), taskFromAccepted);
  } catch (err) {
    // The BMC may go down for the flash before its answer is out: follow the first task on (a lost
    // task or an unchanged version then shows what happened; nothing is taken for success).
    if (!(err instanceof RedfishConnectionError)) throw err;
    ctx.emit(`StartUpdate unanswered (${err.message}); following the upload's task`);
    return uploaded;
  }
  if (started.location) return started;
  // No second task: the first one goes on to flash.
  return { ...uploaded, status: started.status };
}

/** The Manager for a BMC image, the System's Bios for a BIOS image (what X12 takes as Targets). */
async function flashTarget(ctx: FlowContext, req: DeliverRequest): Promise<string> {
  const member = MemberSchema.parse((await ctx.client.request('GET', req.target.uri)).body);
  const related = (member.RelatedItem ?? []).map((r) => normalizeUri(r['@odata.id']));
  const manager = related.find((r) => /\/Managers\/[^/]+$/.test(r));
  const system = related.find((r) => /\/Systems\/[^/]+$/.test(r));
  if (req.target.kind === 'bmc' && manager) return manager;
  if (req.target.kind === 'bios' && system) return `${system}/Bios`;
  const root = await ctx.client.root();
  const collection = req.target.kind === 'bmc' ? root.Managers : root.Systems;
  const first = collection
    ? (await ctx.client.get(collection['@odata.id'], CollectionSchema)).Members?.[0]?.['@odata.id']
    : undefined;
  if (!first) return req.target.uri;
  return req.target.kind === 'bmc' ? normalizeUri(first) : `${normalizeUri(first)}/Bios`;
}

/** MultipartHttpPushUri with these UpdateParameters, the image streamed from the store. */
async function upload(
  ctx: FlowContext,
  req: DeliverRequest,
  params: Record<string, unknown>,
): Promise<Accepted> {
  const res = await ctx.client.request('POST', req.endpoint, {
    body: multipartUpdateBody(params, {
      fileName: req.image.fileName,
      size: req.image.size,
      data: req.openImage(),
    }),
  });
  return delivered(ctx.client, res, taskFromAccepted);
}

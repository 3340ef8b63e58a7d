/**
 * iLO 5/6 actions outside an update: clearing the Update Task Queue and telling whether iLO is
 * flashing something no Task shows.
 * - The queue (UpdateService Oem.Hpe.UpdateTaskQueue) runs in strict order and stalls at an item
 *   in Exception, or at one Pending for an agent that never comes (HPEDevCom/redfishdocs
 *   updateService supplement, "Stalls in the Task Queue"). ilorest clears it by DELETE on each
 *   item: `taskqueue --cleanqueue` the Complete and Exception ones, `--resetqueue` all of them
 *   (python-redfish-utility UpdateTaskQueueCommand.py). firmwarden deletes every item except one
 *   InProgress: a flash under way is never cut short.
 * - A flash through /cgi-bin/uploadFile or SimpleUpdate has no Task; UpdateService Oem.Hpe.State
 *   says it (flash-state.ts).
 */
import { z } from 'zod';
import { RedfishHttpError, UnsupportedError } from '../../errors.ts';
import { readMembers } from '../../redfish/collection.ts';
import type { ActionContext, QueueCleared } from '../types.ts';
import { flashPhase, HpeUpdateServiceSchema } from './flash-state.ts';

const QueueLinkSchema = HpeUpdateServiceSchema.extend({
  Oem: z
    .looseObject({
      Hpe: z
        .looseObject({
          UpdateTaskQueue: z.looseObject({ '@odata.id': z.string() }).nullish(),
          State: z.string().nullish(),
          FlashProgressPercent: z.number().nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

const QueueItemSchema = z.looseObject({
  '@odata.id': z.string(),
  Name: z.string().nullish(),
  State: z.string().nullish(),
});

async function updateService(ctx: ActionContext) {
  const root = await ctx.client.root();
  return ctx.client.get(root.UpdateService?.['@odata.id'] ?? '/redfish/v1/UpdateService', QueueLinkSchema);
}

/** The hpe driver's clearJobQueue: DELETE on every Update Task Queue item not InProgress. */
export async function clearIloTaskQueue(ctx: ActionContext): Promise<QueueCleared> {
  const { client } = ctx;
  const queue = (await updateService(ctx)).Oem?.Hpe?.UpdateTaskQueue?.['@odata.id'];
  if (queue === undefined)
    throw new UnsupportedError(`${client.name}: iLO announces no Oem.Hpe.UpdateTaskQueue (iLO 4 has none)`);
  const items = await readMembers(client, queue, QueueItemSchema);
  const cleared: QueueCleared = {
    queue,
    how: 'DELETE on each Update Task Queue item',
    removed: [],
    kept: [],
  };
  for (const item of items) {
    const uri = item['@odata.id'];
    if (item.State === 'InProgress') {
      cleared.kept.push(uri);
      continue;
    }
    try {
      await client.delete(uri);
      cleared.removed.push(uri);
    } catch (err) {
      if (!(err instanceof RedfishHttpError) || err.status !== 404) throw err;
    }
  }
  return cleared;
}

/** The hpe driver's writingOutsideTasks: UpdateService Oem.Hpe.State while iLO flashes. */
export async function iloFlashing(ctx: ActionContext): Promise<string | undefined> {
  const hpe = (await updateService(ctx)).Oem?.Hpe;
  if (flashPhase(hpe?.State) !== 'busy') return undefined;
  const percent = hpe?.FlashProgressPercent;
  return `UpdateService Oem.Hpe.State is ${hpe?.State}${typeof percent === 'number' ? ` at ${percent}%` : ''}`;
}

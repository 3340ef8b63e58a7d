/**
 * iLO's iLO Repository and Update Task Queue (UpdateService Oem.Hpe.ComponentRepository and
 * Oem.Hpe.UpdateTaskQueue; HPEDevCom/redfishdocs updateService supplement "Creating Update Tasks"):
 * a POST {Name, Filename, Command: "ApplyUpdate", UpdatableBy: ["Bmc"]} queues a repository
 * component for iLO itself to flash. Names must be unique in the queue. The queue item is not a
 * Redfish Task: it is followed by its State (Pending, InProgress, Complete, Exception, Expired,
 * Canceled), and an Exception stalls the queue until it is removed.
 */
import { z } from 'zod';
import type { Clock } from '../../deps.ts';
import { RedfishConnectionError, TaskFailedError } from '../../errors.ts';
import type { RedfishClient } from '../../redfish/client.ts';
import { readMembers } from '../../redfish/collection.ts';
import { pathOf } from '../../redfish/session.ts';

export const QueueItemSchema = z.looseObject({
  State: z.string(),
  Result: z.looseObject({ MessageId: z.string().nullish() }).nullish(),
});

/** What iLO's Update Task Queue takes for one item. */
export interface QueueItemRequest {
  /** Unique in the queue. */
  name: string;
  /** The component's Filename in the iLO Repository. */
  filename: string;
}

const QueueMemberSchema = QueueItemSchema.extend({
  '@odata.id': z.string(),
  Name: z.string().nullish(),
  Filename: z.string().nullish(),
});

/**
 * Refuses to queue behind an item in Exception: iLO processes the queue in strict order and stops
 * at an Exception until someone removes it (HPEDevCom/redfishdocs updateService supplement,
 * "Handling Exceptions" and "Stalls in the Task Queue"; ilorest flashfwpkg's taskqueuecheck).
 */
export async function assertQueueFlows(client: RedfishClient, queue: string): Promise<void> {
  const items = await readMembers(client, queue, QueueMemberSchema);
  const stuck = items.find((i) => i.State === 'Exception');
  if (stuck === undefined) return;
  const what = stuck.Name ?? stuck.Filename ?? stuck['@odata.id'];
  throw new TaskFailedError(
    stuck['@odata.id'],
    'Exception',
    `iLO's Update Task Queue is stalled by "${what}" in Exception (${stuck.Result?.MessageId ?? 'no MessageId'}); ` +
      'remove that item (DELETE it) before queueing another',
  );
}

/** Queues one repository component for iLO to flash; returns the queue item's URI. */
export async function enqueue(client: RedfishClient, queue: string, item: QueueItemRequest): Promise<string> {
  const res = await client.post(queue, {
    Name: item.name,
    Filename: item.filename,
    Command: 'ApplyUpdate',
    UpdatableBy: ['Bmc'],
  });
  const location = res.headers['location'];
  const id = (res.body as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
  if (location) return pathOf(location, client.transport.origin);
  if (typeof id === 'string') return id;
  throw new TaskFailedError(queue, undefined, `queued ${item.filename} but iLO named no queue item`);
}

/**
 * Follows a queue item to its end: 'completed', or 'staged' for a component that runs after the
 * next host reset (`afterReboot`: the repository says Activates "AfterReboot", a System ROM). A
 * failed, expired or cancelled item throws; iLO not answering (it reboots into its own image) is
 * waited out until `unreachableMs`.
 */
export async function followQueueItem(
  client: RedfishClient,
  item: string,
  pkg: { afterReboot: boolean },
  clock: Clock,
  limits: { timeoutMs: number; pollMs: number; unreachableMs: number; signal?: AbortSignal },
  onState?: (state: string) => void,
): Promise<'completed' | 'staged'> {
  const deadline = clock.now() + limits.timeoutMs;
  let unreachableSince: number | undefined;
  let last = 'not read';
  for (;;) {
    try {
      const it = await client.get(item, QueueItemSchema);
      unreachableSince = undefined;
      if (it.State !== last) onState?.(it.State);
      last = it.State;
      if (it.State === 'Complete') return pkg.afterReboot ? 'staged' : 'completed';
      if (['Exception', 'Expired', 'Canceled', 'Cancelled'].includes(it.State)) {
        const why = it.Result?.MessageId;
        throw new TaskFailedError(
          item,
          it.State,
          `ended ${it.State}${why ? `: ${why}` : ''}`,
          why ? [{ MessageId: why }] : [],
        );
      }
    } catch (err) {
      // Only a BMC that does not answer is waited for (as task-monitor.ts does); an answer that
      // is an error, or a body without State, ends it now.
      if (!(err instanceof RedfishConnectionError)) throw err;
      unreachableSince ??= clock.now();
      if (clock.now() - unreachableSince > limits.unreachableMs) {
        throw new TaskFailedError(item, last, `iLO unreachable for too long: ${err.message}`, [], {
          code: 'FW_ERR_BMC_UNREACHABLE',
          cause: err,
        });
      }
    }
    if (clock.now() >= deadline) {
      throw new TaskFailedError(item, last, `still ${last} after ${limits.timeoutMs} ms`, [], {
        code: 'FW_ERR_TASK_TIMEOUT',
      });
    }
    await clock.sleep(limits.pollMs, limits.signal);
  }
}

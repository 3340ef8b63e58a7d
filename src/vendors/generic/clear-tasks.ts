/**
 * The DMTF way to clear a task queue: DELETE each finished Task (DSP0266 "Asynchronous
 * operations": a client may delete a completed task). A task still under way is left alone,
 * since DELETE on it means cancel. Where the TaskService refuses DELETE (bmcweb
 * redfish-core/lib/task.hpp routes only GET on TaskService/Tasks/<id>, so it answers 405; its
 * CompletedTaskOverWritePolicy "Oldest" drops old tasks itself), this says so: not supported.
 */
import { RedfishHttpError, UnsupportedError } from '../../errors.ts';
import { readMembers } from '../../redfish/collection.ts';
import { TaskSchema, tasksCollectionUri } from '../../redfish/models/index.ts';
import { taskPhase } from '../../vocab.ts';
import type { ActionContext, QueueCleared } from '../types.ts';

const REFUSED = [405, 501];

/** Deletes every finished Task; throws UnsupportedError when the BMC allows no DELETE on them. */
export async function clearFinishedTasks(ctx: ActionContext): Promise<QueueCleared> {
  const { client } = ctx;
  const queue = tasksCollectionUri(await client.root());
  const tasks = await readMembers(client, queue, TaskSchema).catch((err) => {
    if (err instanceof RedfishHttpError && [404, ...REFUSED].includes(err.status))
      throw new UnsupportedError(`${client.name}: no task service at ${queue} (${err.status})`, {
        cause: err,
      });
    throw err;
  });
  const cleared: QueueCleared = { queue, how: 'DELETE on each finished Task', removed: [], kept: [] };
  for (const task of tasks) {
    const uri = task['@odata.id'];
    const phase = taskPhase(task.TaskState ?? '', task.TaskStatus);
    if (phase !== 'completed' && phase !== 'failed') {
      cleared.kept.push(uri);
      continue;
    }
    try {
      await client.delete(uri);
      cleared.removed.push(uri);
    } catch (err) {
      if (!(err instanceof RedfishHttpError)) throw err;
      // Expired between the read and the DELETE: gone is what was wanted.
      if (err.status === 404) continue;
      if (REFUSED.includes(err.status))
        throw new UnsupportedError(
          `${client.name}: clearing the task queue is not supported by this BMC (DELETE ${uri} answered ${err.status}); it drops finished tasks by its own policy`,
          { cause: err },
        );
      throw err;
    }
  }
  return cleared;
}

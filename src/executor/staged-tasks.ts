/**
 * Images a BMC already holds for activation: tasks whose latest message is Update.AwaitToActivate
 * (a Dell job scheduled for the next reboot, a bmcweb task waiting for a reset). A driver that
 * resumes after a crash must not send those images again; it only performs the reset.
 * Target URIs come from the messages' MessageArgs (the Update registry names the component).
 */
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { normalizeUri, TaskSchema, tasksCollectionUri } from '../redfish/models/index.ts';
import { taskPhase } from '../vocab.ts';

/** Inventory member URIs with an image staged for activation → the task that staged it. */
export async function stagedTargets(client: RedfishClient): Promise<Map<string, string>> {
  const staged = new Map<string, string>();
  const tasks = await readMembers(client, tasksCollectionUri(await client.root()), TaskSchema);
  for (const task of tasks) {
    const messages = (task.Messages ?? []) as Array<{ MessageId?: string; MessageArgs?: unknown[] }>;
    const last = messages.at(-1);
    if (!last?.MessageId?.endsWith('.AwaitToActivate')) continue;
    if (taskPhase(task.TaskState ?? '', task.TaskStatus) === 'failed') continue;
    for (const arg of last.MessageArgs ?? []) {
      if (typeof arg === 'string' && arg.startsWith('/redfish/v1/'))
        staged.set(normalizeUri(arg), task['@odata.id']);
    }
  }
  return staged;
}

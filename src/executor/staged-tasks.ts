/**
 * Images a BMC already holds for activation: tasks whose latest message is Update.AwaitToActivate
 * (a Dell job scheduled for the next reboot, a bmcweb task waiting for a reset). A driver that
 * resumes after a crash must not send those images again; it only performs the reset.
 * Targets come from the messages' MessageArgs. The Update registry's AwaitToActivate takes the
 * image and the component as strings, and BMCs fill in a URI or a name (iDRAC writes the
 * component's name): a name is matched to the inventory member it names.
 */
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { normalizeUri, TaskSchema, tasksCollectionUri } from '../redfish/models/index.ts';
import { taskPhase } from '../vocab.ts';

/** What a message argument may name: an inventory member by URI, Id or Name. */
export interface NamedMember {
  uri: string;
  id: string;
  name: string;
}

/** Inventory member URIs with an image staged for activation → the task that staged it. */
export async function stagedTargets(
  client: RedfishClient,
  members: readonly NamedMember[] = [],
): Promise<Map<string, string>> {
  const staged = new Map<string, string>();
  const tasks = await readMembers(client, tasksCollectionUri(await client.root()), TaskSchema);
  for (const task of tasks) {
    const messages = (task.Messages ?? []) as Array<{ MessageId?: string; MessageArgs?: unknown[] }>;
    const last = messages.at(-1);
    if (!last?.MessageId?.endsWith('.AwaitToActivate')) continue;
    if (taskPhase(task.TaskState ?? '', task.TaskStatus) === 'failed') continue;
    for (const arg of last.MessageArgs ?? []) {
      const uri = typeof arg === 'string' ? memberNamed(arg, members) : undefined;
      if (uri) staged.set(uri, task['@odata.id']);
    }
  }
  return staged;
}

/** The member an argument names: its URI, else a unique Id or Name match (case-insensitive). */
function memberNamed(arg: string, members: readonly NamedMember[]): string | undefined {
  if (arg.startsWith('/redfish/v1/')) return normalizeUri(arg);
  const wanted = arg.trim().toLowerCase();
  if (wanted === '') return undefined;
  const hits = members.filter((m) => m.id.toLowerCase() === wanted || m.name.toLowerCase() === wanted);
  return hits.length === 1 ? normalizeUri((hits[0] as NamedMember).uri) : undefined;
}

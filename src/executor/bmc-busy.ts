/**
 * Whether a BMC is still writing firmware. The rule it serves: never reset a host, nor the BMC,
 * while the BMC is still writing (a flash cut short can leave a component, or the BMC, unbootable).
 * `update` and `rollout resume` wait on it before planning (resume.ts waitIdle); `firmwarden host
 * power` and `bmc reset` refuse while it holds, and no flag overrides that.
 */
import { FirmwardenError, RedfishHttpError } from '../errors.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { type Task, TaskSchema, tasksCollectionUri } from '../redfish/models/index.ts';
import type { ActionContext, VendorDriver } from '../vendors/types.ts';
import { taskPhase } from '../vocab.ts';

/**
 * DMTF TaskStates of work under way. Pending is not among them: a task Pending holds an image
 * staged for the host reset that activates it (iDRAC's scheduled job), and that reset is allowed.
 */
const WRITING_STATES = new Set(['New', 'Starting', 'Running']);

/**
 * True when the task is writing: a DMTF running state, or a family's own state its driver reads
 * as active. Given a driver, a state neither DMTF nor the driver knows counts as writing too: a
 * reset is never made on a guess. Without one (resume.ts, which waits rather than refuses) only
 * the DMTF running states count.
 */
function writing(task: Task, driver?: Pick<VendorDriver, 'taskState'>): boolean {
  const state = task.TaskState ?? '';
  if (WRITING_STATES.has(state)) return true;
  if (state === '' || taskPhase(state) !== undefined || driver === undefined) return false;
  const verdict = driver.taskState?.(state, task);
  return verdict === undefined || verdict === 'active';
}

/**
 * The BMC's tasks that are still writing. A BMC without a task service (404, 405, 501) has none;
 * any other error is thrown (the caller cannot tell, so it must not reset).
 */
export async function writingTasks(
  client: RedfishClient,
  driver?: Pick<VendorDriver, 'taskState'>,
): Promise<Task[]> {
  const root = await client.root();
  const tasks = await readMembers(client, tasksCollectionUri(root), TaskSchema).catch((err) => {
    if (err instanceof RedfishHttpError && [404, 405, 501].includes(err.status)) return [];
    throw err;
  });
  return tasks.filter((t) => writing(t, driver));
}

/** What the BMC is writing now, as a sentence; undefined when nothing is. */
export async function bmcWriting(ctx: ActionContext, driver: VendorDriver): Promise<string | undefined> {
  const tasks = await writingTasks(ctx.client, driver);
  if (tasks.length > 0) {
    const t = tasks[0] as Task;
    const more = tasks.length > 1 ? ` (and ${tasks.length - 1} more)` : '';
    return `task ${t['@odata.id']} is ${t.TaskState}${t.PercentComplete != null ? ` at ${t.PercentComplete}%` : ''}${more}`;
  }
  return driver.writingOutsideTasks?.(ctx);
}

/** Thrown instead of resetting a host or BMC that is still writing firmware. */
export class BmcBusyError extends FirmwardenError {
  constructor(server: string, what: string) {
    super(
      'FW_ERR_BMC_BUSY',
      `${server}: the BMC is still writing firmware (${what}); no reset until it has finished (--force does not override this)`,
    );
    this.name = 'BmcBusyError';
  }
}

/** Throws BmcBusyError when the BMC is writing firmware. */
export async function assertNotWriting(
  server: string,
  ctx: ActionContext,
  driver: VendorDriver,
): Promise<void> {
  const what = await bmcWriting(ctx, driver);
  if (what !== undefined) throw new BmcBusyError(server, what);
}

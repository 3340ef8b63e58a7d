/**
 * What a dead session (kill -9, power loss, an interrupted run) left on one BMC, found the same
 * way by `firmwarden update` and by `rollout resume`: the journal says which images were being
 * sent and whether a host reset had begun; the BMC says whether a task still runs, the host is
 * still resetting, or an image waits staged for activation. Nothing is sent and nothing is reset
 * here: the caller treats staged images as delivered (one host reset activates them with the
 * rest) and re-plans everything else from the inventory read after the BMC went quiet.
 */
import type { Clock } from '../deps.ts';
import { FirmwardenError } from '../errors.ts';
import type { ServerInventory } from '../inventory/model.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { ComputerSystemSchema, TaskSchema, tasksCollectionUri } from '../redfish/models/index.ts';
import { writingTasks } from './bmc-busy.ts';
import type { JournalEntry } from './journal.ts';
import { type NamedMember, stagedTargets } from './staged-tasks.ts';

/** Outcomes that do not close an intent: the image may still be installing or sit staged. */
const STILL_OPEN = new Set(['interrupted']);

/** What the journal says an earlier session left unfinished on one server. */
export interface Leftovers {
  /** Components whose intent has no outcome (or only "interrupted") since the last host reset. */
  open: Array<{ component: string; uri?: string; to?: string; at: string }>;
  /** A host reset was begun (this ISO time) and never recorded as over. */
  resetBegunAt?: string;
}

/** Reads one server's journal history (oldest first) for unfinished work. */
export function leftovers(history: readonly JournalEntry[]): Leftovers {
  // Everything before the last completed host reset was activated (or judged) by it.
  const since = history.slice(history.findLastIndex((e) => e.event === 'host-reset') + 1);
  const open = new Map<string, Leftovers['open'][number]>();
  for (const e of since) {
    const component = typeof e['component'] === 'string' ? e['component'] : undefined;
    if (!component) continue;
    // Keyed by member URI where the journal has it: names repeat (bmcweb: "Software Inventory").
    const uri = typeof e['uri'] === 'string' ? e['uri'] : undefined;
    const key = uri ?? component;
    if (e.event === 'intent')
      open.set(key, {
        component,
        ...(uri ? { uri } : {}),
        at: e.at,
        ...(typeof e['to'] === 'string' ? { to: e['to'] } : {}),
      });
    else if (e.event === 'outcome' && !STILL_OPEN.has(String(e['outcome']))) open.delete(key);
  }
  const begun = since.findLast((e) => e.event === 'host-reset-intent');
  return { open: [...open.values()], ...(begun ? { resetBegunAt: begun.at } : {}) };
}

/**
 * Components an earlier session sent that may sit staged although no task shows them (a bmcweb
 * task list forgets a finished task after a while and on a BMC reboot): an open intent with no
 * host reset since. A reset the dead session began after the intent counts as done when the
 * host's LastResetTime is later (or the BMC reports none): resetting again for it would be a
 * second outage for nothing.
 */
export function possiblyStaged(left: Leftovers, inv: Pick<ServerInventory, 'lastReset'>): Set<string> {
  const begun = left.resetBegunAt ? Date.parse(left.resetBegunAt) : undefined;
  const lastReset = inv.lastReset?.system ? Date.parse(inv.lastReset.system) : undefined;
  const resetSince = (at: string) =>
    begun !== undefined && begun >= Date.parse(at) && (lastReset === undefined || lastReset >= begun);
  return new Set(left.open.filter((o) => !resetSince(o.at)).map((o) => o.uri ?? o.component));
}

export interface IdleOptions {
  timeoutMs: number;
  pollMs: number;
  /**
   * Quiet polls in a row before the BMC counts as idle: 2 after a crash (a restart between two
   * polls shows as not On in one of them), 1 when the journal shows nothing unfinished.
   */
  steadyPolls: number;
  signal?: AbortSignal;
  /** Server name for the error. */
  server: string;
}

/**
 * Waits until no update task runs and the host is not between power states. After a crash the
 * BMC may still be busy: a task running, or the host in the reset that activates staged images
 * (its inventory shows the old version until POST ends; a second reset then answers 409
 * ResourceInUse on iDRAC). Re-planning before that would send an image a second time.
 */
export async function waitIdle(client: RedfishClient, clock: Clock, opts: IdleOptions): Promise<void> {
  const deadline = clock.now() + opts.timeoutMs;
  let steady = 0;
  for (;;) {
    try {
      const root = await client.root();
      // A BMC without a task service has no task to wait for; any other error: keep waiting.
      const busy = (await writingTasks(client)).length > 0;
      const systems = root.Systems
        ? await readMembers(client, root.Systems['@odata.id'], ComputerSystemSchema)
        : [];
      const power = systems[0]?.PowerState;
      // Off is steady too: a session killed between GracefulShutdown and On leaves the host off.
      steady = !busy && (!power || power === 'On' || power === 'Off') ? steady + 1 : 0;
      if (steady >= opts.steadyPolls) return;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      steady = 0; // the BMC may be rebooting after the interrupted update: keep waiting
    }
    if (clock.now() > deadline) {
      throw new FirmwardenError(
        'FW_ERR_TASK_TIMEOUT',
        `${opts.server}: the BMC is still busy with work left by an earlier session`,
      );
    }
    await clock.sleep(opts.pollMs, opts.signal);
  }
}

/** What a new session finds before it sends anything. */
export interface Resumption {
  leftovers: Leftovers;
  /** Inventory member URI → the task that holds its image staged for activation. */
  staged: Map<string, string>;
  /**
   * Tasks holding an image delivered for UpdateService.StartUpdate (Pending, AwaitToUpdate): an
   * earlier session sent it and died before starting it. StartUpdate, not a second upload.
   */
  awaitingStart: string[];
}

/**
 * Waits for the BMC to go quiet (longer when the journal shows unfinished work), then lists the
 * images it holds staged. Both `update` and `rollout resume` call this before planning or sending.
 */
export async function resumeFromLeftovers(
  client: RedfishClient,
  history: readonly JournalEntry[],
  clock: Clock,
  opts: Omit<IdleOptions, 'steadyPolls'> & {
    /** The inventory, read once the BMC is quiet: AwaitToActivate may name a component, not its URI. */
    members?: () => Promise<readonly NamedMember[]>;
  },
): Promise<Resumption> {
  const left = leftovers(history);
  const suspicious = left.open.length > 0 || left.resetBegunAt !== undefined;
  await waitIdle(client, clock, { ...opts, steadyPolls: suspicious ? 2 : 1 });
  // A BMC without a task service (or one that refuses the read) has nothing staged to show.
  const members = opts.members ? await opts.members() : [];
  const staged = await stagedTargets(client, members).catch(() => new Map<string, string>());
  const awaitingStart = await heldForStart(client).catch(() => []);
  return { leftovers: left, staged, awaitingStart };
}

/** Tasks waiting for UpdateService.StartUpdate: Pending with Update.AwaitToUpdate as the latest message. */
async function heldForStart(client: RedfishClient): Promise<string[]> {
  const tasks = await readMembers(client, tasksCollectionUri(await client.root()), TaskSchema);
  return tasks
    .filter((t) => t.TaskState === 'Pending' && t.Messages?.at(-1)?.MessageId?.endsWith('.AwaitToUpdate'))
    .map((t) => t['@odata.id']);
}

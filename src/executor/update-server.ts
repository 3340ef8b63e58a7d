/**
 * Turns one server's plan into installed firmware: verify every image before anything is sent,
 * discover what the BMC offers, deliver each image in plan order by the best method, follow its
 * task, wait out the BMC's own reset after a BMC image, reset the host once for staged images,
 * then read the whole inventory back: an action succeeded only if the component shows the
 * target version and is healthy. Every intent and outcome goes to the journal.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import type { ServerInventory } from '../inventory/model.ts';
import { scanServer } from '../inventory/scan.ts';
import type { ServerPlan } from '../planner/plan-model.ts';
import { RedfishClient } from '../redfish/client.ts';
import { vendorDriver } from '../vendors/detect.ts';
import type { ApplyTime, UpdateMethod, Vendor } from '../vocab.ts';
import { activationResetHost } from './activation-reset.ts';
import { discoverUpdateService } from './capabilities.ts';
import { setMaintenanceWindow, startUpdate } from './deliver.ts';
import { resetHost } from './host-reset.ts';
import type { ImageGrantor } from './install.ts';
import type { Journal } from './journal.ts';
import { possiblyStaged, resumeFromLeftovers, waitIdle } from './resume.ts';
import {
  deliverOne,
  judge,
  prepare,
  resumeStaged,
  type StepEnv,
  type Work,
  windowUsable,
} from './update-step.ts';
import { verifyComponent } from './verify.ts';

export type { ImageGrantor } from './install.ts';

export interface UpdateTimeouts {
  /** One update task, start to end. */
  taskMs: number;
  /** A BMC coming back after its own reset. */
  bmcRebootMs: number;
  /** A host restart (graceful, then again forced) until the staged images show. */
  hostResetMs: number;
  pollMs: number;
}

/** Production defaults: BMCs are slow; the unusual ones are explained. */
export const UPDATE_DEFAULTS: UpdateTimeouts = {
  // Large BIOS/NIC images on iDRAC 9 can sit in "Running" for 30+ minutes.
  taskMs: 60 * 60_000,
  bmcRebootMs: 15 * 60_000,
  // A graceful restart waits for the OS to shut down; servers with much RAM POST slowly.
  hostResetMs: 20 * 60_000,
  pollMs: 5_000,
};

/**
 * When a host reset is over: every staged image shows, or the host was seen going down and has
 * been back On for three polls (an image that never activates must not hold the reset hostage;
 * the final verification reports it).
 */
function resetObserver(
  client: RedfishClient,
  server: ResolvedServer,
  deps: Deps,
  staged: Work[],
  vendor: Vendor,
) {
  let sawDown = false;
  let upPolls = 0;
  return async (): Promise<boolean> => {
    let inv: Awaited<ReturnType<typeof scanServer>>;
    try {
      inv = await scanServer(client, server, deps.clock);
    } catch (err) {
      sawDown = true;
      throw err;
    }
    if (staged.every((w) => verifyComponent(w.expected, inv, vendor).state === 'verified')) return true;
    if (inv.powerState !== 'On') {
      sawDown = true;
      upPolls = 0;
      return false;
    }
    if (sawDown) upPolls++;
    return upPolls >= 3;
  };
}

export interface UpdateEvent {
  server: string;
  step: string;
  component?: string;
  percent?: number;
  /**
   * Waiting (for a task, the BMC, the host) since `since` (clock ms), for at most `timeoutMs`;
   * `what` names it when the step does not (`task JID_…`).
   */
  wait?: { since: number; timeoutMs: number; what?: string };
}

export interface UpdateServerOptions {
  store: ImageStore;
  journal: Journal;
  imageServer?: ImageGrantor & { scheme: 'http' | 'https' };
  method?: UpdateMethod | 'auto';
  /** Start at this time: through the BMC's maintenance window when offered, else firmwarden waits. */
  at?: Date;
  /** Maintenance window length when `at` is used (default 1 h). */
  windowSeconds?: number;
  allowForceReset?: boolean;
  /** Reset the host when staged images need it (default true). */
  resetHost?: boolean;
  timeouts?: Partial<UpdateTimeouts>;
  onEvent?: (e: UpdateEvent) => void;
  signal?: AbortSignal;
}

export interface ActionReport {
  component: string;
  kind: string;
  from: string;
  to: string;
  entryId: string;
  method?: UpdateMethod;
  applyTime?: ApplyTime;
  why?: string;
  task?: string;
  /** interrupted: the process was stopped while the action was under way (see resume.ts). */
  outcome: 'verified' | 'failed' | 'interrupted';
  detail: string;
  error?: { code: string; message: string };
}

export interface ServerUpdateReport {
  server: string;
  outcome: 'updated' | 'nothing-to-do' | 'failed' | 'partial';
  actions: ActionReport[];
  hostReset?: 'graceful' | 'forced';
  /** The host reset was the driver's reset beyond a restart (iDRAC: virtual A/C power cycle). */
  activationReset?: string;
  scheduled?: 'bmc-window' | 'held';
  error?: { code: string; message: string };
  durationMs: number;
}

/** Updates one server to its plan. Never throws for BMC trouble: the report says what happened. */
export async function updateServer(
  server: ResolvedServer,
  plan: ServerPlan,
  deps: Deps,
  options: UpdateServerOptions,
): Promise<ServerUpdateReport> {
  const started = deps.clock.now();
  const t = { ...UPDATE_DEFAULTS, ...options.timeouts };
  const emit = (step: string, extra: Partial<UpdateEvent> = {}) =>
    options.onEvent?.({ server: server.name, step, ...extra });
  const report: ServerUpdateReport = {
    server: server.name,
    outcome: 'nothing-to-do',
    actions: [],
    durationMs: 0,
  };
  // A server whose inventory could not be read is a failure, never "nothing to do".
  if (!plan.readable) {
    const why = plan.decisions.find((d) => d.decision === 'unreadable-server')?.reason;
    return {
      ...report,
      outcome: 'failed',
      error: { code: 'FW_ERR_UNREADABLE', message: `inventory could not be read${why ? `: ${why}` : ''}` },
    };
  }
  const actions = plan.decisions.filter((d) => d.decision === 'upgrade' || d.decision === 'downgrade');
  if (actions.length === 0) return { ...report, durationMs: 0 };

  let client: RedfishClient | undefined;
  const work: Work[] = [];
  try {
    // 1. Every image verified against its digest before anything reaches the BMC.
    for (const d of actions) work.push(await prepare(d, options.store));
    client = new RedfishClient(server.client, deps);
    const caps = await discoverUpdateService(client);
    // Truth first: what an earlier (killed) session left — a task still running, a host reset
    // under way, images staged — is waited for and read before anything is sent.
    // The inventory is read once the BMC is quiet: staged images may be named by component name.
    const scanned: { inventory?: ServerInventory } = {};
    const resumed = await resumeFromLeftovers(
      client,
      (await options.journal.history?.(server.name)) ?? [],
      deps.clock,
      {
        timeoutMs: t.taskMs,
        pollMs: t.pollMs,
        server: server.name,
        ...signalOf(options),
        members: async () => {
          scanned.inventory = await scanServer(client as RedfishClient, server, deps.clock);
          return scanned.inventory.components;
        },
      },
    );
    let before = scanned.inventory ?? (await scanServer(client, server, deps.clock));
    if (resumed.awaitingStart.length > 0 && caps.startUpdate) {
      // Delivered by a session that died before UpdateService.StartUpdate: start them, wait for
      // the BMC to finish, and plan the rest from what it then runs. Nothing is uploaded twice.
      emit(
        `${resumed.awaitingStart.length} image(s) an earlier session delivered wait for StartUpdate: starting them`,
      );
      await startUpdate(client, caps, vendorDriver(plan.vendor).taskFromAnswer);
      emit('waiting for the BMC to finish them', { wait: { since: deps.clock.now(), timeoutMs: t.taskMs } });
      await waitIdle(client, deps.clock, {
        timeoutMs: t.taskMs,
        pollMs: t.pollMs,
        steadyPolls: 2,
        server: server.name,
        ...signalOf(options),
      });
      before = await scanServer(client, server, deps.clock);
    }

    // 2. A start time: the BMC's maintenance window when offered, else hold the job here.
    if (options.at && options.at.getTime() > deps.clock.now()) {
      report.scheduled = windowUsable(caps, work) ? 'bmc-window' : 'held';
      if (report.scheduled === 'held') {
        emit(`holding until ${options.at.toISOString()} (no maintenance-window apply time offered)`, {
          wait: waitUntil(deps.clock.now(), options.at.getTime()),
        });
        await options.journal.append({ server: server.name, event: 'hold', until: options.at.toISOString() });
        await deps.clock.sleep(options.at.getTime() - deps.clock.now(), options.signal);
      } else {
        const window = { start: options.at.toISOString(), durationSeconds: options.windowSeconds ?? 3600 };
        await setMaintenanceWindow(client, caps, window);
        emit(`maintenance window set: ${window.start} for ${window.durationSeconds} s`);
      }
    }

    const env: StepEnv = {
      client,
      caps,
      server,
      deps,
      options,
      t,
      vendor: plan.vendor,
      driver: vendorDriver(plan.vendor),
      emit,
      ...(report.scheduled === 'bmc-window' && options.at ? { windowStart: options.at.getTime() } : {}),
    };
    // 3. Deliver in plan order; a BMC image is followed until the BMC is back at the target.
    // Images an earlier session staged, or installed while nobody watched, are not sent again.
    const maybeStaged = possiblyStaged(resumed.leftovers, before);
    // A BMC image an earlier session sent to a BMC that stages it silently (bmcweb: the task just
    // completes) is waiting for a Manager.Reset, not lost: reset the BMC rather than send it again.
    const bmcStagesSilently = env.driver.stagesBmcImageSilently ?? false;
    // Taken as staged on the journal's word alone (no task shows them): checked after the reset.
    const inferred: Work[] = [];
    for (const w of work) {
      if (verifyComponent(w.expected, before, plan.vendor).state === 'verified') {
        Object.assign(w, { delivered: true });
        w.report.why = 'already at the target: an earlier session installed it; not sent again';
        emit('already at the target; not sending it again', { component: w.expected.name });
        continue;
      }
      const task =
        resumed.staged.get(w.expected.uri) ??
        ((maybeStaged.has(w.expected.uri) || maybeStaged.has(w.expected.name)) &&
        (w.expected.kind !== 'bmc' || bmcStagesSilently)
          ? 'sent by an earlier session (journal); its task is no longer listed'
          : undefined);
      if (task) {
        if (!resumed.staged.has(w.expected.uri)) inferred.push(w);
        await resumeStaged(env, w, task);
        continue;
      }
      if (options.signal?.aborted) throw options.signal.reason;
      if (!before.components.some((c) => c.id === w.expected.id || c.uri === w.expected.uri)) {
        throw new FirmwardenError(
          'FW_ERR_INVENTORY_CHANGED',
          `${w.expected.name} (${w.expected.id}) is gone since the plan was made`,
        );
      }
      await deliverOne(env, w);
    }

    // A stop asked for now must not start a host reset (a production outage) it cannot finish.
    if (options.signal?.aborted) throw options.signal.reason;
    // 4. One host reset for everything staged, then the final read.
    const activate = async (batch: Work[]): Promise<ServerInventory> => {
      const now = await scanServer(client as RedfishClient, server, deps.clock);
      const toActivate = batch.filter(
        (w) =>
          w.delivered &&
          (w.staged || w.decision.target?.requires.reboot) &&
          verifyComponent(w.expected, now, plan.vendor).state !== 'verified',
      );
      if (toActivate.length === 0 || options.resetHost === false) return now;
      // Staged for "a reset inside the window": the reset must not come before the window opens.
      if (env.windowStart !== undefined && env.windowStart > deps.clock.now()) {
        emit(
          `waiting for the maintenance window at ${new Date(env.windowStart).toISOString()} to reset the host`,
          { wait: waitUntil(deps.clock.now(), env.windowStart) },
        );
        await deps.clock.sleep(env.windowStart - deps.clock.now(), options.signal);
      }
      // A reset beyond a host restart (iDRAC's A/C cycle for CPLD) powers the host off and on
      // too, so it activates everything staged at once.
      const special = toActivate.find((w) => w.reset)?.reset;
      await options.journal.append({
        server: server.name,
        event: 'host-reset-intent',
        ...(special ? { kind: special.name } : {}),
      });
      const resetOpts = {
        graceMs: t.hostResetMs,
        allowForce: options.allowForceReset ?? false,
        pollMs: t.pollMs,
        onStep: (step: string, wait?: UpdateEvent['wait']) => emit(step, wait ? { wait } : {}),
        done: resetObserver(client as RedfishClient, server, deps, toActivate, plan.vendor),
      };
      report.hostReset = special
        ? await activationResetHost(client as RedfishClient, deps.clock, env.driver, special, resetOpts)
        : await resetHost(client as RedfishClient, deps.clock, resetOpts);
      if (special) report.activationReset = special.name;
      await options.journal.append({ server: server.name, event: 'host-reset', how: report.hostReset });
      return scanServer(client as RedfishClient, server, deps.clock);
    };
    let after = await activate(work);
    // A journal intent the reset did not activate: the dead session died before the BMC took the
    // image. With nothing left staged, sending it now cannot apply anything twice.
    const unsent = inferred.filter(
      (w) => verifyComponent(w.expected, after, plan.vendor).state === 'unchanged',
    );
    if (unsent.length > 0 && !options.signal?.aborted) {
      for (const w of unsent) {
        Object.assign(w, { delivered: false, staged: false });
        emit('not activated by the reset: the earlier session never delivered it; sending it now', {
          component: w.expected.name,
        });
        await deliverOne(env, w);
      }
      after = await activate(unsent);
    }
    for (const w of work) if (w.delivered) judge(w, verifyComponent(w.expected, after, plan.vendor));
  } catch (err) {
    const cause = options.signal?.aborted ? options.signal.reason : err;
    report.error = {
      code: cause instanceof FirmwardenError ? cause.code : 'FW_ERR_UNEXPECTED',
      message: describeError(cause),
    };
    for (const w of work) {
      // Sent (its intent is journaled) and not verified when the stop came: the next session
      // looks at the BMC for it (resume.ts), so the journal must not call it finished.
      if (options.signal?.aborted && w.report.method && w.report.outcome !== 'verified') {
        Object.assign(w.report, { outcome: 'interrupted', detail: `interrupted: ${report.error.message}` });
        continue;
      }
      if (w.report.detail) continue;
      const detail = w.delivered
        ? `delivered, not verified: ${report.error.message}`
        : 'not attempted: the server update stopped';
      Object.assign(w.report, { outcome: 'failed', detail });
    }
  } finally {
    await client?.close();
  }
  report.actions = work.map((w) => w.report);
  for (const [i, a] of report.actions.entries()) {
    const uri = work[i]?.expected.uri;
    await options.journal.append({
      server: server.name,
      event: 'outcome',
      component: a.component,
      ...(uri ? { uri } : {}),
      from: a.from,
      to: a.to,
      outcome: a.outcome,
      detail: a.detail,
      ...(a.error ? { error: a.error } : {}),
    });
  }
  const ok = report.actions.filter((a) => a.outcome === 'verified').length;
  report.outcome =
    ok === report.actions.length && !report.error ? 'updated' : ok === 0 ? 'failed' : 'partial';
  report.durationMs = deps.clock.now() - started;
  emit(`done: ${report.outcome}`);
  return report;
}

function signalOf(options: UpdateServerOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

/** A wait from `now` until `end` (clock ms), as UpdateEvent.wait. */
function waitUntil(now: number, end: number): NonNullable<UpdateEvent['wait']> {
  return { since: now, timeoutMs: end - now };
}

/**
 * One server through a rollout: claim → gates → drain → update → gates → undrain → done, each
 * step a compare-and-set in the store so a crashed driver's work is picked up where it stopped.
 * Truth is re-read from the BMC at every resumption: a server whose update finished while no
 * driver watched is verified, not updated again; an update task left running is waited for.
 */
import { describeError, FirmwardenError } from '../errors.ts';
import { resetHost } from '../executor/host-reset.ts';
import { UPDATE_DEFAULTS, updateServer } from '../executor/update-server.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { scanServer } from '../inventory/scan.ts';
import { plan, type ServerPlan } from '../planner/index.ts';
import { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { ComputerSystemSchema, TaskSchema, tasksCollectionUri } from '../redfish/models/index.ts';
import type { RolloutServerRecord } from '../store/types.ts';
import type { RolloutContext } from './context.ts';
import { gateAfter, gateBefore } from './gates.ts';
import { runHook } from './hooks.ts';

const IN_FLIGHT = ['claimed', 'drained', 'updating', 'verifying'] as const;

/**
 * Drives one server from its recorded step to done, skipped or failed. `how`: the driver just
 * claimed it (claimServers), or resumes it (its own earlier work, or adopted from a dead
 * instance); a pending record is claimed here by compare-and-set.
 */
export async function processServer(
  ctx: RolloutContext,
  rec: RolloutServerRecord,
  how: 'claimed' | 'resumed' = 'resumed',
): Promise<void> {
  const name = rec.server;
  const server = ctx.servers.get(name);
  const note = (step: string, detail?: string) =>
    ctx.emit({ type: 'server', server: name, step, ...(detail ? { detail } : {}) });
  if (!server) {
    await ctx.store.setServerStep(ctx.id, name, ['pending', ...IN_FLIGHT], 'failed', {
      error: 'no longer in the fleet file',
    });
    return note('failed', 'no longer in the fleet file');
  }
  let step = rec.step;
  if (step === 'pending') {
    if (
      !(await ctx.store.setServerStep(ctx.id, name, ['pending'], 'claimed', undefined, {
        countAttempt: true,
      }))
    )
      return;
    step = 'claimed';
  } else if (how === 'claimed') {
    await log(ctx, name, 'step-claimed', { holder: ctx.actor });
  } else {
    await log(ctx, name, 'resume', { from: step });
  }
  note(step);
  const client = new RedfishClient(server.client, ctx.deps);
  try {
    if (step === 'claimed') {
      const fresh = await freshPlan(ctx, client, server);
      if (actions(fresh) === 0) {
        await move(ctx, name, 'claimed', 'skipped', { reason: 'already at target' });
        return note('skipped', 'already at target');
      }
      await gateBefore(client, name, ctx.spec);
      if (ctx.spec.drain)
        await runHook(ctx.spec.drain, {
          server: name,
          rollout: ctx.id,
          phase: 'drain',
          labels: server.labels,
        });
      await move(ctx, name, 'claimed', 'drained');
      step = 'drained';
      note(step);
    }
    if (step === 'drained' || step === 'updating') {
      if (step === 'drained') await move(ctx, name, 'drained', 'updating');
      else {
        await waitIdle(ctx, client, name);
        await activateWhatMayBeStaged(ctx, client, name);
      }
      note('updating');
      const fresh = await freshPlan(ctx, client, server);
      if (actions(fresh) > 0) {
        const report = await updateServer(server, fresh, ctx.deps, {
          store: ctx.images,
          journal: ctx.journal,
          imageServer: ctx.imageServer,
          method: ctx.spec.update.method,
          allowForceReset: ctx.spec.update.allowForceReset,
          ...(ctx.spec.update.timeouts ? { timeouts: ctx.spec.update.timeouts } : {}),
          onEvent: (e) => note('updating', [e.component, e.step].filter(Boolean).join(': ')),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        if (report.outcome !== 'updated') {
          const failed = report.actions
            .filter((a) => a.outcome === 'failed')
            .map((a) => `${a.component}: ${a.detail}`);
          throw new FirmwardenError(
            'FW_ERR_UPDATE_FAILED',
            report.error?.message ?? (failed.join('; ') || 'update failed'),
          );
        }
      }
      await move(ctx, name, 'updating', 'verifying');
      step = 'verifying';
      note(step);
    }
    if (step === 'verifying') {
      const timeouts = { ...UPDATE_DEFAULTS, ...ctx.spec.update.timeouts };
      await gateAfter(client, name, ctx.spec, {
        clock: ctx.deps.clock,
        timeoutMs: timeouts.hostResetMs,
        pollMs: timeouts.pollMs,
      });
      const after = await freshPlan(ctx, client, server);
      if (actions(after) > 0) {
        throw new FirmwardenError(
          'FW_ERR_VERIFY_MISMATCH',
          `${actions(after)} components still not at target after the update`,
        );
      }
      if (ctx.spec.undrain)
        await runHook(ctx.spec.undrain, {
          server: name,
          rollout: ctx.id,
          phase: 'undrain',
          labels: server.labels,
        });
      await move(ctx, name, 'verifying', 'done');
      note('done');
    }
  } catch (err) {
    const fenced = (ctx.signal?.reason as { code?: string } | undefined)?.code === 'FW_ERR_CLUSTER_FENCED';
    if ((err instanceof FirmwardenError && err.code === 'FW_ERR_ROLLOUT_CONFLICT') || fenced) {
      // Another driver moved it, or will adopt it (this one was fenced): leave the record be.
      await log(ctx, name, 'server-given-up', { error: describeError(err) });
      note(step, 'handed over to another driver');
      return;
    }
    const detail = {
      error: describeError(err),
      code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
      leftDrained: step !== 'claimed',
    };
    await ctx.store.setServerStep(ctx.id, name, [...IN_FLIGHT], 'failed', detail);
    await log(ctx, name, 'server-failed', detail);
    note('failed', detail.error);
  } finally {
    await client.close();
  }
}

/** Reads the server's inventory now, stores the snapshot, and plans it alone. */
async function freshPlan(
  ctx: RolloutContext,
  client: RedfishClient,
  server: ResolvedServer,
): Promise<ServerPlan> {
  const inv = await scanServer(client, server, ctx.deps.clock);
  await ctx.store.saveInventory(inv);
  const p = plan({ scannedAt: inv.scannedAt, servers: [inv], failed: 0 }, ctx.catalog, ctx.policy);
  return p.servers[0] as ServerPlan;
}

function actions(p: ServerPlan): number {
  return p.decisions.filter((d) => d.decision === 'upgrade' || d.decision === 'downgrade').length;
}

async function move(
  ctx: RolloutContext,
  server: string,
  from: RolloutServerRecord['step'],
  to: RolloutServerRecord['step'],
  detail?: unknown,
) {
  if (!(await ctx.store.setServerStep(ctx.id, server, [from], to, detail))) {
    throw new FirmwardenError(
      'FW_ERR_ROLLOUT_CONFLICT',
      `${server}: expected step ${from}, another driver moved it`,
    );
  }
  await log(ctx, server, `step-${to}`, detail);
}

function log(ctx: RolloutContext, server: string, event: string, data?: unknown) {
  return ctx.store.append({
    actor: ctx.actor,
    rolloutId: ctx.id,
    server,
    event,
    ...(data !== undefined ? { data } : {}),
  });
}

/**
 * After a crash mid-update the BMC may still be busy: a task running, or the host in the reset
 * that activates staged images (its inventory shows the old version until POST ends). Re-planning
 * then would send an image a second time; wait until the host is steady first.
 */
async function waitIdle(ctx: RolloutContext, client: RedfishClient, server: string): Promise<void> {
  const timeout = ctx.spec.update.timeouts?.taskMs ?? 3_600_000;
  const poll = ctx.spec.update.timeouts?.pollMs ?? 5_000;
  const deadline = ctx.deps.clock.now() + timeout;
  let steadyPolls = 0;
  for (;;) {
    try {
      const root = await client.root();
      const tasks = await readMembers(client, tasksCollectionUri(root), TaskSchema);
      const busy = tasks.some((t) => ['New', 'Starting', 'Running'].includes(t.TaskState ?? ''));
      const systems = root.Systems
        ? await readMembers(client, root.Systems['@odata.id'], ComputerSystemSchema)
        : [];
      const power = systems[0]?.PowerState;
      // Off is steady too: a driver killed between GracefulShutdown and On leaves the host off.
      steadyPolls = !busy && (!power || power === 'On' || power === 'Off') ? steadyPolls + 1 : 0;
      // Two steady polls in a row: a restart between polls would show as not On in one of them.
      if (steadyPolls >= 2) return;
    } catch {
      steadyPolls = 0; // the BMC may be resetting after the interrupted update: keep waiting
    }
    if (ctx.deps.clock.now() > deadline) {
      throw new FirmwardenError(
        'FW_ERR_TASK_TIMEOUT',
        `${server}: the BMC is still busy with work left by the previous driver`,
      );
    }
    await ctx.deps.clock.sleep(poll, ctx.signal);
  }
}

/**
 * The driver died after delivering images but before the host reset: they may sit staged on the
 * BMC even when its task list has long forgotten them. The journal knows: intents with no
 * outcome and no host reset since. Reset the host first (the server is drained and inside its
 * window), so the re-read inventory shows what really got installed and nothing is sent twice.
 */
async function activateWhatMayBeStaged(
  ctx: RolloutContext,
  client: RedfishClient,
  server: string,
): Promise<void> {
  const entries = await ctx.store.journal({ rolloutId: ctx.id, server });
  const lastReset = entries.findLastIndex((e) => e.event === 'host-reset');
  const open = entries.slice(lastReset + 1).filter((e, i, rest) => {
    if (e.event !== 'intent') return false;
    const component = (e.data as { component?: string } | undefined)?.component;
    return !rest
      .slice(i + 1)
      .some((o) => o.event === 'outcome' && (o.data as { component?: string })?.component === component);
  });
  if (open.length === 0) return;
  const components = open.map((e) => (e.data as { component?: string }).component).join(', ');
  ctx.emit({
    type: 'server',
    server,
    step: 'updating',
    detail: `host reset first: a crashed driver may have staged ${components}`,
  });
  const t = { ...UPDATE_DEFAULTS, ...ctx.spec.update.timeouts };
  let sawDown = false;
  let upPolls = 0;
  const how = await resetHost(client, ctx.deps.clock, {
    graceMs: t.hostResetMs,
    allowForce: ctx.spec.update.allowForceReset,
    pollMs: t.pollMs,
    done: async () => {
      let power: string | null | undefined;
      try {
        const root = await client.root();
        power = root.Systems
          ? (await readMembers(client, root.Systems['@odata.id'], ComputerSystemSchema))[0]?.PowerState
          : 'On';
      } catch {
        sawDown = true;
        return false;
      }
      if (power !== 'On') sawDown = true;
      upPolls = sawDown && power === 'On' ? upPolls + 1 : 0;
      return upPolls >= 2;
    },
  });
  await ctx.journal.append({
    server,
    event: 'host-reset',
    how,
    reason: `resume: possibly staged ${components}`,
  });
}

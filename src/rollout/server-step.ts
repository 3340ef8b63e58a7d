/**
 * One server through a rollout: claim → gates → drain → update → gates → undrain → done, each
 * step a compare-and-set in the store so a crashed driver's work is picked up where it stopped.
 * Truth is re-read from the BMC at every resumption: a server whose update finished while no
 * driver watched is verified, not updated again; an update task left running is waited for.
 */
import { describeError, FirmwardenError } from '../errors.ts';
import { resumeFromLeftovers } from '../executor/resume.ts';
import { UPDATE_DEFAULTS, type UpdateEvent, updateServer } from '../executor/update-server.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { scanServer } from '../inventory/scan.ts';
import type { ServerPlan } from '../planner/index.ts';
import { RedfishClient } from '../redfish/client.ts';
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
  const note = (step: string, detail?: string, wait?: UpdateEvent['wait']) =>
    ctx.emit({
      type: 'server',
      server: name,
      step,
      ...(detail ? { detail } : {}),
      ...(wait ? { wait } : {}),
    });
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
      if (step === 'drained') {
        await move(ctx, name, 'drained', 'updating');
        step = 'updating';
      } else {
        // The dead driver's task or host reset may still run: plan only once the BMC is quiet.
        // Staged images are found again by updateServer (the same resume code as `update`) and
        // activated by its one host reset; the host is never reset just in case.
        const t = { ...UPDATE_DEFAULTS, ...ctx.spec.update.timeouts };
        await resumeFromLeftovers(client, (await ctx.journal.history?.(name)) ?? [], ctx.deps.clock, {
          timeoutMs: t.taskMs,
          pollMs: t.pollMs,
          server: name,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
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
          onEvent: (e) =>
            note(
              'updating',
              [e.component, e.wait?.what ? `waiting for ${e.wait.what}: ${e.step}` : e.step]
                .filter(Boolean)
                .join(': '),
              e.wait,
            ),
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
    const reason = (ctx.signal?.aborted ? ctx.signal.reason : undefined) as { code?: string } | undefined;
    const fenced = reason?.code === 'FW_ERR_CLUSTER_FENCED';
    if (reason?.code === 'FW_ERR_INTERRUPTED') {
      // Stopped by SIGINT/SIGTERM: the record stays in flight for `rollout resume` to pick up
      // from the BMC's truth (resume.ts); failing it would skip the server.
      await log(ctx, name, 'server-interrupted', { step, error: describeError(reason) });
      note(step, 'interrupted: resume the rollout to finish it');
      return;
    }
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
  const p = ctx.planner.plan({ scannedAt: inv.scannedAt, servers: [inv], failed: 0 });
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

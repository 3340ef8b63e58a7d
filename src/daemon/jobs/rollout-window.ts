/**
 * rollout-window: drive the configured rollout while its maintenance window is open. The rollout
 * is created once, the first time the job runs inside a window, and found again by spec file and
 * name in the store afterwards (a new `name` in the spec starts a new rollout). Inside a window the
 * driver starts servers until the window closes (stopOutsideWindow), lets the ones in flight
 * finish, and returns; outside one the job only says when the next opens. A rollout that paused
 * (failure budget, operator) is left alone: resuming it is a human decision, and the run says
 * `partial` (as for an aborted one) so the job's outcome shows the rollout is not going forward.
 */

import { createHash } from 'node:crypto';
import { FirmwardenError } from '../../errors.ts';
import type { StoredSpec } from '../../rollout/create.ts';
import { createRollout } from '../../rollout/create.ts';
import { driveRollout } from '../../rollout/driver.ts';
import { loadSpec } from '../../rollout/spec.ts';
import { inWindow, nextOpening } from '../../rollout/window.ts';
import type { RolloutRecord, Store } from '../../store/types.ts';
import type { JobContext, JobReport } from '../job-context.ts';

export async function rolloutWindow(ctx: JobContext): Promise<JobReport> {
  const specFile = ctx.config.rollout?.spec as string;
  const loaded = await loadSpec(specFile);
  const { windows } = loaded.spec;
  const now = ctx.deps.clock.now();
  const open = inWindow(windows, now);
  const next = open ? undefined : nextOpening(windows, now);
  const outside = `outside the maintenance window${next !== undefined ? `; next opens ${new Date(next).toISOString()}` : ''}`;
  let rollout = await findRollout(ctx.store, loaded.file, loaded.spec.name);
  const base = { spec: loaded.file, name: loaded.spec.name };

  if (rollout === undefined) {
    if (!open) {
      return {
        outcome: 'ok',
        summary: `${outside}; rollout not created yet`,
        data: { ...base, window: 'closed', ...nextOf(next) },
      };
    }
    // In a cluster several instances may create it at once: one id per spec, the others find it.
    const id = ctx.config.cluster ? clusterRolloutId(loaded.file, loaded.spec.name) : undefined;
    try {
      rollout = await createRollout(ctx.store, loaded, id !== undefined ? { id } : {});
    } catch (err) {
      const found = id !== undefined ? await ctx.store.getRollout(id) : undefined;
      if (!(err instanceof FirmwardenError && err.code === 'FW_ERR_STORE_CONFLICT' && found)) throw err;
      rollout = found;
    }
    await ctx.store.append({
      actor: ctx.actor,
      rolloutId: rollout.id,
      event: 'rollout-created',
      data: { spec: loaded.file, by: 'daemon', runId: ctx.runId },
    });
    ctx.deps.logger.info({ rollout: rollout.id }, 'rollout created');
  }
  const ids = { ...base, rollout: rollout.id };
  if (rollout.status === 'completed' || rollout.status === 'aborted') {
    // An aborted rollout never reaches its target: partial, so the alert (job outcome) shows it.
    return {
      outcome: rollout.status === 'aborted' ? 'partial' : 'ok',
      summary: `rollout ${rollout.id} is ${rollout.status}; nothing to do`,
      data: { ...ids, status: rollout.status },
      rolloutId: rollout.id,
    };
  }
  if (rollout.status === 'paused') {
    return {
      outcome: 'partial',
      summary: `rollout ${rollout.id} is paused${rollout.note ? ` (${rollout.note})` : ''}; the daemon does not resume paused rollouts`,
      data: { ...ids, status: rollout.status, ...(rollout.note ? { note: rollout.note } : {}) },
      rolloutId: rollout.id,
    };
  }
  if (!open) {
    return {
      outcome: 'ok',
      summary: `rollout ${rollout.id}: ${outside}`,
      data: { ...ids, status: rollout.status, window: 'closed', ...nextOf(next) },
      rolloutId: rollout.id,
    };
  }

  let after: RolloutRecord;
  try {
    after = await driveRollout(rollout.id, ctx.deps, {
      store: ctx.store,
      actor: ctx.actor,
      stateDir: ctx.config.stateDir,
      stopOutsideWindow: true,
      ...(ctx.config.cluster
        ? {
            cluster: ctx.config.cluster,
            ...(ctx.config.cluster.leaseTtlMs !== undefined
              ? { leaseTtlMs: ctx.config.cluster.leaseTtlMs }
              : {}),
          }
        : {}),
      signal: ctx.signal,
      onEvent: (e) => ctx.deps.logger.info({ rollout: rollout.id, event: e }, `rollout ${e.type}`),
    });
  } catch (err) {
    if (err instanceof FirmwardenError && err.code === 'FW_ERR_ROLLOUT_LOCKED') {
      return {
        outcome: 'skipped',
        summary: `skipped: ${err.message}`,
        data: { ...ids, reason: 'rollout driven elsewhere' },
        rolloutId: rollout.id,
      };
    }
    throw err;
  }
  const servers = await ctx.store.rolloutServers(rollout.id);
  const steps: Record<string, number> = {};
  for (const s of servers) steps[s.step] = (steps[s.step] ?? 0) + 1;
  const counts = Object.entries(steps)
    .map(([step, n]) => `${n} ${step}`)
    .join(', ');
  const stillOpen = inWindow(windows, ctx.deps.clock.now());
  return {
    outcome: after.status === 'paused' ? 'partial' : 'ok',
    summary:
      `rollout ${rollout.id} ${after.status}` +
      (after.status === 'running' && !stillOpen ? ' (window closed: no new servers until it opens)' : '') +
      (after.note && after.status !== 'running' ? `: ${after.note}` : '') +
      ` [${counts}]`,
    data: { ...ids, status: after.status, servers: steps, ...(after.note ? { note: after.note } : {}) },
    rolloutId: rollout.id,
  };
}

function nextOf(next: number | undefined): { nextOpening?: string } {
  return next === undefined ? {} : { nextOpening: new Date(next).toISOString() };
}

/** The newest rollout created from this spec file under this name. */
async function findRollout(store: Store, specFile: string, name: string): Promise<RolloutRecord | undefined> {
  const matches = (await store.listRollouts()).filter(
    (r) => r.name === name && (r.spec as Partial<StoredSpec> | undefined)?.specFile === specFile,
  );
  return matches.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
}

/** A rollout id every instance derives alike from the spec file and name. */
function clusterRolloutId(specFile: string, name: string): string {
  return `${name}-${createHash('sha256').update(specFile).digest('hex').slice(0, 6)}`;
}

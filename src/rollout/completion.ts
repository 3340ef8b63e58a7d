/**
 * The coordinator's decisions about the whole rollout: publish the fleet's acting version per
 * component line (recomputed from the newest snapshots), pause or complete, each journalled.
 */
import type { ActingVersionRecord, RolloutRecord, RolloutServerRecord } from '../store/types.ts';
import { actingVersions } from './acting-version.ts';
import type { RolloutContext } from './context.ts';

export async function recordActing(ctx: RolloutContext): Promise<ActingVersionRecord[]> {
  const names = (await ctx.store.rolloutServers(ctx.id)).map((s) => s.server);
  const inventory = await ctx.store.latestInventory(names);
  const lines = actingVersions(
    inventory,
    ctx.planner,
    ctx.policy,
    ctx.id,
    new Date(ctx.deps.clock.now()).toISOString(),
  );
  if (lines.length) await ctx.store.recordActingVersions(lines);
  ctx.emit({ type: 'acting', lines });
  return lines;
}

/** Every server is done, skipped or failed: complete when none failed and every line converged. */
export async function finish(ctx: RolloutContext, servers: RolloutServerRecord[]): Promise<void> {
  // Judged on a fresh computation from the newest snapshots, never on recorded history: a line
  // key an earlier driver recorded may no longer exist.
  const lines = await recordActing(ctx);
  const failed = servers.filter((s) => s.step === 'failed');
  const behind = lines.filter((l) => !l.converged);
  if (failed.length === 0 && behind.length === 0) {
    await setStatus(
      ctx,
      'running',
      'completed',
      `all ${servers.length} servers at target; acting version = target on ${lines.length} component lines`,
    );
  } else {
    const why = [
      failed.length ? `${failed.length} servers failed (${failed.map((f) => f.server).join(', ')})` : '',
      behind.length
        ? `${behind.length} component lines below target (${behind.map((b) => `${b.name ?? b.line}: ${b.lowest ?? '?'} < ${b.target}`).join('; ')})`
        : '',
    ].filter(Boolean);
    await setStatus(ctx, 'running', 'paused', `every server was attempted but ${why.join('; ')}`);
  }
}

export async function setStatus(
  ctx: RolloutContext,
  from: RolloutRecord['status'],
  to: RolloutRecord['status'],
  note: string,
) {
  if (await ctx.store.setRolloutStatus(ctx.id, [from], to, note)) {
    await ctx.store.append({ actor: ctx.actor, rolloutId: ctx.id, event: `rollout-${to}`, data: { note } });
    ctx.emit({ type: 'rollout', status: to, note });
  }
}

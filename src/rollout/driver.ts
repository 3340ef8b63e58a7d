/**
 * Drives a rollout to its end: one driver per rollout (a lease in the store, renewed while it
 * runs; a second process refuses clearly), waves in order, never more servers out of service than
 * `maxUnavailable` (fleet-wide) or `perLabel` allows, new servers only inside maintenance windows,
 * pause when the failure budget is spent, and completion by itself when every server is done and
 * the acting version of every line reached the target. Crash-safe: run it again and it resumes.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ImageStore, loadCatalog } from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import { FirmwardenError } from '../errors.ts';
import { startImageServer } from '../executor/image-server.ts';
import { loadFleetFile } from '../fleet/load.ts';
import { loadPolicyFile } from '../fleet/plan-fleet.ts';
import { processActor, StoreJournal } from '../store/store-journal.ts';
import type { ActingVersionRecord, RolloutRecord, RolloutServerRecord, Store } from '../store/types.ts';
import { actingVersions } from './acting-version.ts';
import { type RolloutContext, type RolloutEvent, withComponentFilter } from './context.ts';
import type { StoredSpec } from './create.ts';
import { processServer } from './server-step.ts';
import { countOf } from './spec.ts';
import { startable } from './waves.ts';
import { inWindow, nextOpening } from './window.ts';

export interface DriveOptions {
  store: Store;
  /** Who drives (journal actor and lease holder); default cli:<pid>@<host>. */
  actor?: string;
  stateDir: string;
  leaseTtlMs?: number;
  /** Outside the windows: stop (daemon jobs) instead of waiting for the next one. */
  stopOutsideWindow?: boolean;
  onEvent?: (e: RolloutEvent) => void;
  signal?: AbortSignal;
}

export const DRIVE_DEFAULTS = { leaseTtlMs: 60_000, idlePollMs: 1_000 } as const;

const TERMINAL = new Set(['done', 'skipped', 'failed']);
const ACTIVE = new Set(['claimed', 'drained', 'updating', 'verifying']);

/** Runs (or resumes) a rollout until it completes, pauses, is aborted, or leaves its window. */
export async function driveRollout(id: string, deps: Deps, options: DriveOptions): Promise<RolloutRecord> {
  const { store } = options;
  const actor = options.actor ?? processActor('cli');
  const ttl = options.leaseTtlMs ?? DRIVE_DEFAULTS.leaseTtlMs;
  const leaseName = `rollout:${id}`;
  let lease = await store.acquireLease(leaseName, actor, ttl);
  if (lease.holder !== actor && holderIsDead(lease.holder)) {
    // kill -9 leaves the lease behind until it expires; a dead pid on this host proves it stale.
    await store.append({ actor, rolloutId: id, event: 'lease-taken-over', data: { from: lease.holder } });
    await store.releaseLease(leaseName, lease.holder);
    lease = await store.acquireLease(leaseName, actor, ttl);
  }
  if (lease.holder !== actor) {
    throw new FirmwardenError(
      'FW_ERR_ROLLOUT_LOCKED',
      `rollout ${id} is driven by ${lease.holder} (lease until ${lease.expiresAt})`,
    );
  }
  const stop = new AbortController();
  const heartbeat = setInterval(
    () => {
      void store.acquireLease(leaseName, actor, ttl).then((l) => {
        if (l.holder !== actor)
          stop.abort(new FirmwardenError('FW_ERR_ROLLOUT_LOCKED', `lost the lease of ${id} to ${l.holder}`));
      });
    },
    Math.max(1_000, ttl / 3),
  );
  heartbeat.unref();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  try {
    const record = await store.getRollout(id);
    if (!record) throw new FirmwardenError('FW_ERR_ROLLOUT_NOT_FOUND', `no rollout ${id}`);
    if (record.status === 'completed' || record.status === 'aborted') return record;
    await store.setRolloutStatus(id, ['pending', 'paused', 'running'], 'running');
    await store.append({ actor, rolloutId: id, event: 'drive-start' });
    const ctx = await loadContext(id, record.spec as StoredSpec, deps, actor, options, signal);
    try {
      await loop(ctx, options);
    } finally {
      await ctx.imageServer.close();
    }
    return (await store.getRollout(id)) as RolloutRecord;
  } finally {
    clearInterval(heartbeat);
    await store.releaseLease(leaseName, actor);
  }
}

async function loadContext(
  id: string,
  stored: StoredSpec,
  deps: Deps,
  actor: string,
  options: DriveOptions,
  signal: AbortSignal,
): Promise<RolloutContext> {
  const spec = stored.spec;
  const fleet = await loadFleetFile(stored.fleetFile);
  const catalog = await loadCatalog(stored.catalogFile);
  const policy = withComponentFilter(
    stored.policyFile ? await loadPolicyFile(stored.policyFile) : {},
    spec.components,
  );
  const images = await ImageStore.open(spec.store ?? join(options.stateDir, 'images'));
  const is = spec.update.imageServer;
  const imageServer = await startImageServer(
    {
      store: images,
      ...(is?.host ? { host: is.host } : {}),
      ...(is?.port !== undefined ? { port: is.port } : {}),
      ...(is?.url ? { publicUrl: is.url } : {}),
      ...(is?.tls ? { tls: 'self-signed' as const } : {}),
    },
    deps,
  );
  const emit = (e: RolloutEvent) => options.onEvent?.(e);
  return {
    id,
    spec,
    store: options.store,
    deps,
    actor,
    servers: new Map(fleet.map((s) => [s.name, s])),
    catalog,
    policy,
    images,
    imageServer,
    journal: new StoreJournal(options.store, { actor, rolloutId: id }),
    emit,
    signal,
  };
}

async function loop(ctx: RolloutContext, options: DriveOptions): Promise<void> {
  const { store, id, spec, deps } = ctx;
  const running = new Map<string, Promise<void>>();
  const launch = (rec: RolloutServerRecord) => {
    const p = processServer(ctx, rec)
      .then(() => recordActing(ctx))
      .then(() => undefined)
      .finally(() => running.delete(rec.server));
    running.set(rec.server, p);
  };
  for (;;) {
    const servers = await store.rolloutServers(id);
    const status = (await store.getRollout(id))?.status;
    const stopping = status !== 'running' || ctx.signal?.aborted;
    // Servers a crashed driver left mid-way are resumed first; they count as unavailable.
    if (!stopping) for (const s of servers) if (ACTIVE.has(s.step) && !running.has(s.server)) launch(s);
    const failed = servers.filter((s) => s.step === 'failed').length;
    const remaining = servers.filter((s) => !TERMINAL.has(s.step));
    if (!stopping && failed >= spec.failureBudget && failed > 0) {
      await setStatus(
        ctx,
        'running',
        'paused',
        `failure budget spent: ${failed} failed (budget ${spec.failureBudget})`,
      );
    } else if (!stopping && remaining.length === 0 && running.size === 0) {
      await finish(ctx, servers);
    } else if (!stopping && inWindow(spec.windows, deps.clock.now())) {
      const wave = Math.min(...remaining.map((s) => s.wave));
      const inFlight = servers.filter((s) => ACTIVE.has(s.step) || running.has(s.server));
      const candidates = servers.filter(
        (s) => s.step === 'pending' && s.wave === wave && !running.has(s.server),
      );
      const maxUnavailable = countOf(spec.maxUnavailable, servers.length);
      for (const c of startable(candidates, inFlight, {
        maxUnavailable,
        ...(spec.perLabel ? { perLabel: spec.perLabel } : {}),
      })) {
        launch(servers.find((s) => s.server === c.server) as RolloutServerRecord);
      }
    } else if (!stopping && running.size === 0) {
      const next = nextOpening(spec.windows, deps.clock.now());
      if (options.stopOutsideWindow || next === undefined) {
        await store.append({ actor: ctx.actor, rolloutId: id, event: 'outside-window' });
        ctx.emit({
          type: 'rollout',
          status: 'running',
          note: 'outside the maintenance window: stopped starting servers',
        });
        return;
      }
      ctx.emit({
        type: 'rollout',
        status: 'running',
        note: `waiting for the window at ${new Date(next).toISOString()}`,
      });
      await deps.clock.sleep(next - deps.clock.now(), ctx.signal);
      continue;
    }
    if ((stopping || (await store.getRollout(id))?.status !== 'running') && running.size === 0) return;
    const idle = deps.clock.sleep(DRIVE_DEFAULTS.idlePollMs).catch(() => undefined);
    await (running.size > 0 ? Promise.race([...running.values(), idle]) : idle);
  }
}

async function recordActing(ctx: RolloutContext): Promise<ActingVersionRecord[]> {
  const names = (await ctx.store.rolloutServers(ctx.id)).map((s) => s.server);
  const inventory = await ctx.store.latestInventory(names);
  const lines = actingVersions(
    inventory,
    ctx.catalog,
    ctx.policy,
    ctx.id,
    new Date(ctx.deps.clock.now()).toISOString(),
  );
  if (lines.length) await ctx.store.recordActingVersions(lines);
  ctx.emit({ type: 'acting', lines });
  return lines;
}

/** Every server is done, skipped or failed: complete when none failed and every line converged. */
async function finish(ctx: RolloutContext, servers: RolloutServerRecord[]): Promise<void> {
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
        ? `${behind.length} component lines below target (${behind.map((b) => `${b.line}: ${b.lowest ?? '?'} < ${b.target}`).join('; ')})`
        : '',
    ].filter(Boolean);
    await setStatus(ctx, 'running', 'paused', `every server was attempted but ${why.join('; ')}`);
  }
}

async function setStatus(
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

/** A holder "role:pid@host" on this host whose process no longer exists. */
function holderIsDead(holder: string): boolean {
  const m = /^[^:]+:(\d+)@(.+)$/.exec(holder);
  if (!m || m[2] !== hostname()) return false;
  try {
    process.kill(Number(m[1]), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

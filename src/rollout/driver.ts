/**
 * Drives a rollout to its end, alone (the CLI: one driver per rollout, a second one refused) or
 * as one of several instances sharing the store (the daemon on PostgreSQL). Either way: waves in
 * order, never more servers out of service than `maxUnavailable` (fleet-wide) or `perLabel`
 * allows — servers are claimed in one store transaction that counts every instance's servers in
 * flight — new servers only inside maintenance windows, pause when the failure budget is spent,
 * and completion by itself when every server is done and every line's acting version reached
 * the target. The coordinator (the holder of the lease `rollout:<id>`) publishes acting versions
 * and decides pause and completion; every instance claims and updates servers. Crash-safe: a
 * server whose holder died (its heartbeat expired, or its pid is gone on this host) is adopted
 * and resumed from the BMC's truth and the journal, never applied twice.
 */
import { join } from 'node:path';
import { type Catalog, ImageStore, loadCatalog } from '../catalog/index.ts';
import { CLUSTER_DEFAULTS } from '../cluster/defaults.ts';
import { isAlive } from '../cluster/liveness.ts';
import { Membership } from '../cluster/membership.ts';
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import { startImageServer } from '../executor/image-server.ts';
import { loadFleetFile } from '../fleet/load.ts';
import { loadPolicyFile } from '../fleet/plan-fleet.ts';
import { createPlanner, type Planner, type PlanPolicy } from '../planner/index.ts';
import { processActor, StoreJournal } from '../store/store-journal.ts';
import type { InstanceRecord, RolloutRecord, RolloutServerRecord, Store } from '../store/types.ts';
import { finish, recordActing, setStatus } from './completion.ts';
import { type RolloutContext, type RolloutEvent, withComponentFilter } from './context.ts';
import type { StoredSpec } from './create.ts';
import { rolloutProgress } from './progress.ts';
import { processServer } from './server-step.ts';
import { countOf } from './spec.ts';
import { inWindow, nextOpening } from './window.ts';

/** Joining a rollout as one of several instances. */
export interface ClusterOptions {
  /** Instance name for status views (default: the actor). */
  instance?: string;
  /** Label affinity: only claim servers whose labels match (e.g. { site: fra1 }: BMC traffic stays local). */
  labels?: Record<string, string | string[]>;
  /** Servers this instance works on at once (default: the rollout's maxUnavailable). */
  maxServers?: number;
}

export interface DriveOptions {
  store: Store;
  /** Who drives (journal actor, lease and server holder, instance id); default cli:<pid>@<host>. */
  actor?: string;
  stateDir: string;
  /** Coordinator lease and heartbeat lifetime (default 60 s alone, 15 s in a cluster). */
  leaseTtlMs?: number;
  /** Outside the windows: stop (daemon jobs) instead of waiting for the next one. */
  stopOutsideWindow?: boolean;
  /**
   * Share the rollout with other instances: do not refuse when another instance coordinates;
   * claim servers alongside it and take over coordination when it dies.
   */
  cluster?: ClusterOptions;
  onEvent?: (e: RolloutEvent) => void;
  signal?: AbortSignal;
}

export const DRIVE_DEFAULTS = { leaseTtlMs: 60_000, idlePollMs: 1_000 } as const;

const TERMINAL = new Set(['done', 'skipped', 'failed']);
const ACTIVE = new Set(['claimed', 'drained', 'updating', 'verifying']);

/** Runs (or resumes, or joins) a rollout until it completes, pauses, is aborted, or leaves its window. */
export async function driveRollout(id: string, deps: Deps, options: DriveOptions): Promise<RolloutRecord> {
  const { store } = options;
  const actor = options.actor ?? processActor('cli');
  const clustered = options.cluster !== undefined;
  const ttl = options.leaseTtlMs ?? (clustered ? CLUSTER_DEFAULTS.leaseTtlMs : DRIVE_DEFAULTS.leaseTtlMs);
  const name = options.cluster?.instance ?? actor;
  const stop = new AbortController();
  const note = (e: RolloutEvent) => options.onEvent?.(e);
  const member = new Membership(
    store,
    id,
    { id: actor, name, labels: options.cluster?.labels ?? {} },
    {
      ttlMs: ttl,
      clock: deps.clock,
      events: {
        onLead: (from) => {
          void store
            .append({
              actor,
              rolloutId: id,
              event: 'coordinator',
              data: { instance: name, ...(from ? { from } : {}) },
            })
            .catch(() => undefined);
          note({ type: 'cluster', role: 'coordinator', note: `${name} coordinates the rollout` });
        },
        onDemoted: (to) => {
          if (!clustered)
            stop.abort(new FirmwardenError('FW_ERR_ROLLOUT_LOCKED', `lost the lease of ${id} to ${to}`));
          note({ type: 'cluster', role: 'worker', note: `coordinator lease lost to ${to}` });
        },
        onFenced: (err) => stop.abort(err),
        onError: (err) =>
          deps.logger.warn({ rollout: id, err: describeError(err) }, 'cluster renewal failed'),
      },
    },
  );
  const lease = await member.lead();
  if (!clustered && lease.holder !== actor) {
    throw new FirmwardenError(
      'FW_ERR_ROLLOUT_LOCKED',
      `rollout ${id} is driven by ${lease.holder} (lease until ${lease.expiresAt})`,
    );
  }
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  try {
    await member.join();
    const record = await store.getRollout(id);
    if (!record) throw new FirmwardenError('FW_ERR_ROLLOUT_NOT_FOUND', `no rollout ${id}`);
    if (record.status === 'completed' || record.status === 'aborted') return record;
    // Alone, driving means running it; in a cluster only the coordinator starts a pending one.
    if (member.leading) await store.setRolloutStatus(id, ['pending', 'paused', 'running'], 'running');
    await store.append({
      actor,
      rolloutId: id,
      event: 'drive-start',
      ...(clustered ? { data: { instance: name, labels: options.cluster?.labels ?? {} } } : {}),
    });
    const ctx = await loadContext(id, record.spec as StoredSpec, deps, actor, options, signal);
    try {
      await loop(ctx, options, member);
    } finally {
      await ctx.imageServer.close();
    }
    return (await store.getRollout(id)) as RolloutRecord;
  } finally {
    await member
      .leave()
      .catch((err) =>
        deps.logger.warn({ rollout: id, err: describeError(err) }, 'leaving the cluster failed'),
      );
  }
}

/**
 * The drive's planner, made on first use: a catalog the planner refuses (a prerequisite cycle)
 * fails each server as it is planned, as plan() did, rather than the whole drive up front.
 */
function oncePlanner(catalog: Catalog, policy: PlanPolicy): Planner {
  let made: Planner | undefined;
  return {
    plan(inventory) {
      made ??= createPlanner(catalog, policy);
      return made.plan(inventory);
    },
  };
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
    planner: oncePlanner(catalog, policy),
    images,
    imageServer,
    journal: new StoreJournal(options.store, { actor, rolloutId: id }),
    emit,
    signal,
  };
}

async function loop(ctx: RolloutContext, options: DriveOptions, member: Membership): Promise<void> {
  const { store, id, spec, deps } = ctx;
  const running = new Map<string, Promise<void>>();
  let published = -1;
  let shown = '';
  const launch = (rec: RolloutServerRecord, how: 'claimed' | 'resumed') => {
    const p = processServer(ctx, rec, how)
      .catch((err) =>
        deps.logger.error({ rollout: id, server: rec.server, err: describeError(err) }, 'server'),
      )
      .finally(() => running.delete(rec.server));
    running.set(rec.server, p);
  };
  for (;;) {
    if (options.cluster && !member.leading) await member.lead().catch(() => undefined);
    const servers = await store.rolloutServers(id);
    const progress = rolloutProgress(servers);
    if (JSON.stringify(progress) !== shown) {
      shown = JSON.stringify(progress);
      ctx.emit({ type: 'progress', ...progress });
    }
    let status = (await store.getRollout(id))?.status;
    if (status === 'pending' && member.leading) {
      await store.setRolloutStatus(id, ['pending'], 'running');
      status = (await store.getRollout(id))?.status;
    }
    // A worker that joined before any coordinator started the rollout waits for it.
    const waiting = options.cluster !== undefined && status === 'pending';
    const stopping = (status !== 'running' && !waiting) || ctx.signal?.aborted;
    // Servers left mid-way (by this actor earlier, or by a dead instance) are resumed first.
    if (!stopping) await resumeOrAdopt(ctx, servers, running, launch);
    const failed = servers.filter((s) => s.step === 'failed').length;
    const remaining = servers.filter((s) => !TERMINAL.has(s.step));
    const budgetSpent = failed >= spec.failureBudget && failed > 0;
    if (!stopping && member.leading) {
      const finished = servers.length - remaining.length;
      if (budgetSpent) {
        await setStatus(
          ctx,
          'running',
          'paused',
          `failure budget spent: ${failed} failed (budget ${spec.failureBudget})`,
        );
      } else if (remaining.length === 0 && running.size === 0) {
        await finish(ctx, servers);
      } else if (finished !== published) {
        // The coordinator publishes the acting version after every server, whoever updated it.
        published = finished;
        await recordActing(ctx);
      }
    }
    if (!stopping && !budgetSpent && remaining.length > 0) {
      if (inWindow(spec.windows, deps.clock.now())) {
        const maxUnavailable = countOf(spec.maxUnavailable, servers.length);
        const slots = (options.cluster?.maxServers ?? maxUnavailable) - running.size;
        if (slots > 0 && remaining.some((s) => s.step === 'pending')) {
          const claimed = await store.claimServers(id, ctx.actor, {
            limit: slots,
            maxUnavailable,
            failureBudget: spec.failureBudget,
            ...(spec.perLabel ? { perLabel: spec.perLabel } : {}),
            ...(options.cluster?.labels ? { affinity: options.cluster.labels } : {}),
          });
          for (const rec of claimed) launch(rec, 'claimed');
        }
      } else if (running.size === 0) {
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
        const now = deps.clock.now();
        ctx.emit({
          type: 'rollout',
          status: 'running',
          note: `waiting for the window at ${new Date(next).toISOString()}`,
          wait: { since: now, timeoutMs: next - now },
        });
        await deps.clock.sleep(next - deps.clock.now(), ctx.signal);
        continue;
      }
    }
    const after = (await store.getRollout(id))?.status;
    const stillWaiting = options.cluster !== undefined && after === 'pending' && !ctx.signal?.aborted;
    if ((stopping || after !== 'running') && !stillWaiting && running.size === 0) return;
    // Stopping: only the servers in flight are waited for (an aborted sleep would not pace it).
    if (stopping && running.size > 0) {
      await Promise.race(running.values());
      continue;
    }
    const idle = deps.clock.sleep(DRIVE_DEFAULTS.idlePollMs).catch(() => undefined);
    await (running.size > 0 ? Promise.race([...running.values(), idle]) : idle);
  }
}

/**
 * In-flight servers nobody here is working on: this actor's own from an earlier drive are
 * resumed; a dead holder's are adopted (compare-and-set on the holder, so of several survivors
 * exactly one takes each) and resumed. A live holder's are left alone.
 */
async function resumeOrAdopt(
  ctx: RolloutContext,
  servers: RolloutServerRecord[],
  running: Map<string, Promise<void>>,
  launch: (rec: RolloutServerRecord, how: 'claimed' | 'resumed') => void,
): Promise<void> {
  let instances: InstanceRecord[] | undefined;
  for (const s of servers) {
    if (!ACTIVE.has(s.step) || running.has(s.server)) continue;
    if (s.holder === ctx.actor) {
      launch(s, 'resumed');
      continue;
    }
    instances ??= await ctx.store.instances();
    if (isAlive(s.holder, instances, ctx.deps.clock.now())) continue;
    if (!(await ctx.store.setServerHolder(ctx.id, s.server, s.holder ?? null, ctx.actor))) continue;
    await ctx.store.append({
      actor: ctx.actor,
      rolloutId: ctx.id,
      server: s.server,
      event: 'server-adopted',
      data: { from: s.holder ?? null, step: s.step },
    });
    launch({ ...s, holder: ctx.actor }, 'resumed');
  }
}

/**
 * Updates several servers in parallel, at most `concurrency` at once, each under its own update
 * lock (one update session per server at a time, across processes). One server's failure never
 * stops the others.
 */
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import type { ServerPlan } from '../planner/plan-model.ts';
import { lockServer } from './journal.ts';
import { type ServerUpdateReport, type UpdateServerOptions, updateServer } from './update-server.ts';

export interface FleetUpdateOptions extends UpdateServerOptions {
  /** Servers updated at once (default 4). */
  concurrency?: number;
  /** Directory for per-server lock files; no cross-process lock when absent. */
  lockDir?: string;
  /** After each server, whatever its outcome (progress counters). */
  onServer?: (report: ServerUpdateReport, done: number, total: number) => void;
}

export interface FleetUpdateReport {
  servers: ServerUpdateReport[];
  updated: number;
  failed: number;
  unchanged: number;
}

/** Runs updateServer over many servers with a concurrency cap. */
export async function updateFleet(
  work: Array<{ server: ResolvedServer; plan: ServerPlan }>,
  deps: Deps,
  options: FleetUpdateOptions,
): Promise<FleetUpdateReport> {
  const results: ServerUpdateReport[] = new Array(work.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < work.length && !options.signal?.aborted) {
      const i = next++;
      const { server, plan } = work[i] as (typeof work)[number];
      const result = await runLocked(server, plan, deps, options);
      results[i] = result;
      options.onServer?.(result, ++done, work.length);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? 4, work.length));
  await Promise.all(Array.from({ length: width }, worker));
  const servers = results.filter(Boolean);
  return {
    servers,
    updated: servers.filter((s) => s.outcome === 'updated').length,
    failed: servers.filter((s) => s.outcome === 'failed' || s.outcome === 'partial').length,
    unchanged: servers.filter((s) => s.outcome === 'nothing-to-do').length,
  };
}

async function runLocked(server: ResolvedServer, plan: ServerPlan, deps: Deps, options: FleetUpdateOptions) {
  let release: (() => Promise<void>) | undefined;
  try {
    if (options.lockDir) release = await lockServer(options.lockDir, server.name);
  } catch (err) {
    return {
      server: server.name,
      outcome: 'failed' as const,
      actions: [],
      error: {
        code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
        message: describeError(err),
      },
      durationMs: 0,
    };
  }
  try {
    return await updateServer(server, plan, deps, options);
  } finally {
    await release?.();
  }
}

/**
 * Where a rollout stands, from its server records: how many servers are finished and failed,
 * and the wave being worked on with how its canary went. Pure: the driver emits it as a
 * `progress` event whenever it changes; status views and the CLI's live view read it.
 */
import type { RolloutServerRecord } from '../store/types.ts';

const TERMINAL = new Set(['done', 'skipped', 'failed']);

/** The wave being worked on: the lowest one with a server not yet finished. */
export interface WaveProgress {
  /** 1-based position among the rollout's waves (wave 1 is the canary). */
  number: number;
  /** How many waves the rollout has. */
  count: number;
  servers: number;
  /** This is the canary wave. */
  isCanary?: boolean;
  /** How the canary wave ended, once a later wave is under way. */
  canary?: { passed: boolean; failed: number };
}

export interface RolloutProgress {
  total: number;
  /** Finished servers: done, skipped or failed. */
  done: number;
  failed: number;
  /** Absent when every server is finished. */
  wave?: WaveProgress;
}

/** Counts and the current wave of a rollout's servers. */
export function rolloutProgress(servers: readonly RolloutServerRecord[]): RolloutProgress {
  const waves = [...new Set(servers.map((s) => s.wave))].sort((a, b) => a - b);
  const finished = servers.filter((s) => TERMINAL.has(s.step));
  const failed = servers.filter((s) => s.step === 'failed').length;
  const current = waves.find((w) => servers.some((s) => s.wave === w && !TERMINAL.has(s.step)));
  const progress: RolloutProgress = { total: servers.length, done: finished.length, failed };
  if (current === undefined) return progress;
  // Wave 0 is the canary (create.ts); a spec with `canary: 0` has none.
  const canaryFailed = servers.filter((s) => s.wave === 0 && s.step === 'failed').length;
  progress.wave = {
    number: waves.indexOf(current) + 1,
    count: waves.length,
    servers: servers.filter((s) => s.wave === current).length,
    ...(current === 0 ? { isCanary: true } : {}),
    ...(current > 0 && waves[0] === 0
      ? { canary: { passed: canaryFailed === 0, failed: canaryFailed } }
      : {}),
  };
  return progress;
}

/** `wave 2/5: 8 servers (canary passed)`: the header printed when a wave begins. */
export function waveHeader(w: WaveProgress): string {
  const servers = `${w.servers} ${w.servers === 1 ? 'server' : 'servers'}`;
  const canary = w.isCanary
    ? ' (canary)'
    : w.canary
      ? w.canary.passed
        ? ' (canary passed)'
        : ` (canary: ${w.canary.failed} failed)`
      : '';
  return `wave ${w.number}/${w.count}: ${servers}${canary}`;
}

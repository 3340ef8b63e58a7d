/**
 * Pure rollout arithmetic: which servers take part, which wave each is in (canaries first, then
 * batches), and which may start now without exceeding the fleet-wide and per-label limits.
 */
import type { ResolvedServer } from '../fleet/load.ts';
import { countOf, type RolloutSpec } from './spec.ts';

/** The servers of the fleet the spec selects, in fleet order. */
export function selectServers(fleet: ResolvedServer[], spec: RolloutSpec): ResolvedServer[] {
  const names = spec.servers?.names ? new Set(spec.servers.names) : undefined;
  const labels = spec.servers?.labels;
  return fleet.filter((s) => {
    if (names && !names.has(s.name)) return false;
    if (!labels) return true;
    return Object.entries(labels).every(([k, v]) =>
      Array.isArray(v) ? v.includes(s.labels[k] ?? '') : s.labels[k] === v,
    );
  });
}

/** Wave number per server: 0 for canaries, then batches of `waves.batch`. */
export function assignWaves(servers: ResolvedServer[], spec: RolloutSpec): Map<string, number> {
  const waves = new Map<string, number>();
  const canary = spec.waves.canary;
  const canaries = Array.isArray(canary)
    ? servers.filter((s) => canary.includes(s.name))
    : servers.slice(0, canary);
  for (const s of canaries) waves.set(s.name, 0);
  const rest = servers.filter((s) => !waves.has(s.name));
  const batch = countOf(spec.waves.batch, servers.length);
  for (const [i, s] of rest.entries()) waves.set(s.name, 1 + Math.floor(i / batch));
  return waves;
}

export interface Candidate {
  server: string;
  wave: number;
  labels: Record<string, string>;
}

/**
 * Which candidates (of the lowest unfinished wave, in order) may start now, given the servers in
 * flight: never more than `maxUnavailable` out at once, never more than perLabel[k] sharing a
 * value of label k.
 */
export function startable(
  candidates: Candidate[],
  inFlight: Candidate[],
  limits: { maxUnavailable: number; perLabel?: Record<string, number> },
): Candidate[] {
  const picked: Candidate[] = [];
  const busy = [...inFlight];
  for (const c of candidates) {
    if (busy.length >= limits.maxUnavailable) break;
    const blocked = Object.entries(limits.perLabel ?? {}).some(([label, max]) => {
      const value = c.labels[label];
      return value !== undefined && busy.filter((b) => b.labels[label] === value).length >= max;
    });
    if (blocked) continue;
    picked.push(c);
    busy.push(c);
  }
  return picked;
}

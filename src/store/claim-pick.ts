/**
 * Which pending servers a claim may take, given every server of the rollout as the store sees it
 * inside the claim's transaction. Pure, and shared by both backends, so "fleet-wide" means the
 * same arithmetic on SQLite and PostgreSQL: waves in order (the lowest wave with unfinished
 * servers, whatever the claimer's affinity), never more than `maxUnavailable` in flight over all
 * holders, never more than perLabel[k] in flight sharing a value of label k.
 */
import type { ClaimLimits, RolloutServerRecord, ServerStep } from './types.ts';

/** Steps that take a server out of service (they count against the limits). */
export const IN_FLIGHT_STEPS: readonly ServerStep[] = ['claimed', 'drained', 'updating', 'verifying'];
const TERMINAL: ReadonlySet<string> = new Set(['done', 'skipped', 'failed']);

type Row = Pick<RolloutServerRecord, 'server' | 'wave' | 'step' | 'labels'>;

/** True when `labels` satisfy an affinity selector (every key: the value, or one of the list). */
export function matchesAffinity(
  labels: Record<string, string>,
  affinity: Record<string, string | string[]> | undefined,
): boolean {
  return Object.entries(affinity ?? {}).every(([k, v]) =>
    Array.isArray(v) ? v.includes(labels[k] ?? '') : labels[k] === v,
  );
}

/** The names to claim, in (wave, server) order. */
export function pickClaims(servers: readonly Row[], limits: ClaimLimits): string[] {
  if (limits.failureBudget !== undefined) {
    const failed = servers.filter((s) => s.step === 'failed').length;
    if (failed > 0 && failed >= limits.failureBudget) return [];
  }
  const unfinished = servers.filter((s) => !TERMINAL.has(s.step));
  if (unfinished.length === 0) return [];
  const wave = Math.min(...unfinished.map((s) => s.wave));
  const busy: Row[] = servers.filter((s) => IN_FLIGHT_STEPS.includes(s.step));
  const candidates = servers
    .filter((s) => s.step === 'pending' && s.wave === wave && matchesAffinity(s.labels, limits.affinity))
    .sort((a, b) => (a.server < b.server ? -1 : a.server > b.server ? 1 : 0));
  const picked: string[] = [];
  for (const c of candidates) {
    if (picked.length >= limits.limit || busy.length >= limits.maxUnavailable) break;
    const blocked = Object.entries(limits.perLabel ?? {}).some(([label, max]) => {
      const value = c.labels[label];
      return value !== undefined && busy.filter((b) => b.labels[label] === value).length >= max;
    });
    if (blocked) continue;
    picked.push(c.server);
    busy.push(c);
  }
  return picked;
}

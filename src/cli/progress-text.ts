/**
 * Where long work stands, in words: the fleet counter line (`inventory  412/1000 servers  3 failed
 * elapsed 0:41  eta 0:58`), elapsed-against-deadline for waits, byte counts and rates. Pure: the
 * caller passes the time, so tests run on a fake clock.
 */
import { formatBytes } from '../format-bytes.ts';

/** A count of finished units against the total, from `startedAt` (clock ms). */
export interface FleetCount {
  /** What is being done: `inventory`, `rollout demo`, `sync`. */
  label: string;
  /** What is counted, plural: `servers`, `images`. */
  unit: string;
  total: number;
  /** Finished, failed ones included. */
  done: number;
  /** Omitted when the work cannot tell (the segment is left out). */
  failed?: number;
  startedAt: number;
  /** Already done before `startedAt` (a resumed rollout): not part of the observed rate. */
  doneBefore?: number;
  /** Extra words after the counts (bytes so far, servers in flight). */
  note?: string;
}

/** Finished units before an ETA is shown: one fast first server says little about the rest. */
export const ETA_AFTER = 3;

/** `0:41`, `12:05`, `1:02:03`: minutes and seconds, hours only when needed. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export { formatBytes };

/** Bytes per second over `ms` as `32 MiB/s` (`-` when no time has passed to divide by). */
export function formatRate(bytes: number, ms: number): string {
  return ms > 0 ? `${formatBytes(Math.round((bytes * 1000) / ms))}/s` : '-';
}

/**
 * Estimated time left from the rate observed so far, once ETA_AFTER units are done; undefined
 * before that, and when all are done.
 */
export function etaMs(
  c: Pick<FleetCount, 'total' | 'done' | 'startedAt' | 'doneBefore'>,
  now: number,
): number | undefined {
  const here = c.done - (c.doneBefore ?? 0);
  if (here < Math.min(ETA_AFTER, c.total) || c.done >= c.total) return undefined;
  const elapsed = now - c.startedAt;
  return elapsed > 0 ? Math.round((elapsed / here) * (c.total - c.done)) : undefined;
}

/** The counter line: `inventory  412/1000 servers  3 failed  elapsed 0:41  eta 0:58`. */
export function fleetLine(c: FleetCount, now: number): string {
  const eta = etaMs(c, now);
  return [
    c.label,
    `${c.done}/${c.total} ${c.unit}`,
    c.failed === undefined ? '' : `${c.failed} failed`,
    c.note ?? '',
    `elapsed ${formatDuration(now - c.startedAt)}`,
    eta === undefined ? '' : `eta ${formatDuration(eta)}`,
  ]
    .filter(Boolean)
    .join('  ');
}

/** `1:12 / 30:00`: time spent waiting against the time allowed. */
export function waitText(wait: { since: number; timeoutMs: number }, now: number): string {
  return `${formatDuration(now - wait.since)} / ${formatDuration(wait.timeoutMs)}`;
}

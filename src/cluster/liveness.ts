/**
 * Is the holder of a server still working on it? An instance is alive while its heartbeat row
 * has not expired — except a holder named "role:pid@host" on this very host whose process is
 * gone: kill -9 proves it dead at once, no need to wait for the row to expire.
 */
import { hostname } from 'node:os';
import { processAlive } from '../process-alive.ts';
import type { InstanceRecord } from '../store/types.ts';

/** A holder "role:pid@host" on this host whose process no longer exists. */
export function holderIsDead(holder: string): boolean {
  const m = /^[^:]+:(\d+)@(.+)$/.exec(holder);
  if (!m || m[2] !== hostname()) return false;
  return !processAlive(Number(m[1]));
}

/** Whether `holder` (an instance id) is alive at `now` by the heartbeat rows. */
export function isAlive(holder: string | undefined, instances: InstanceRecord[], now: number): boolean {
  if (holder === undefined) return false;
  const row = instances.find((i) => i.id === holder);
  return row !== undefined && Date.parse(row.expiresAt) > now && !holderIsDead(holder);
}

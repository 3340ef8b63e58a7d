/**
 * The store lease `job:<name>` a run holds while it works: one run of a job at a time across every
 * daemon and `daemon --once` sharing the store. Renewed every third of its TTL; if a renewal finds
 * another holder (the run stalled past its TTL and someone took over) the run is told to stop.
 * A holder whose process is gone from this host (kill -9) is taken over at once rather than
 * waiting for the TTL.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { describeError, FirmwardenError } from '../errors.ts';
import { processAlive } from '../process-alive.ts';
import type { Store } from '../store/types.ts';

export type LeaseOutcome =
  | { held: true; lost: AbortSignal; takenOverFrom?: string; release: () => Promise<void> }
  | { held: false; holder: string; expiresAt: string };

/** A unique holder for one run: "daemon:<pid>@<host>#<runId>". */
export function runHolder(actor: string, runId: string): string {
  return `${actor}#${runId}`;
}

/** Takes the lease for one run, or says who holds it. */
export async function takeJobLease(
  store: Store,
  name: string,
  holder: string,
  ttlMs: number,
  logger: Logger,
): Promise<LeaseOutcome> {
  let lease = await store.acquireLease(name, holder, ttlMs);
  let takenOverFrom: string | undefined;
  if (lease.holder !== holder && holderIsDead(lease.holder)) {
    takenOverFrom = lease.holder;
    await store.releaseLease(name, lease.holder);
    lease = await store.acquireLease(name, holder, ttlMs);
  }
  if (lease.holder !== holder) return { held: false, holder: lease.holder, expiresAt: lease.expiresAt };

  const lost = new AbortController();
  let renewedAt = Date.now();
  const renew = async () => {
    try {
      const l = await store.acquireLease(name, holder, ttlMs);
      if (l.holder !== holder) {
        lost.abort(
          new FirmwardenError('FW_ERR_JOB_LEASE_LOST', `lease ${name} was taken over by ${l.holder}`),
        );
      } else {
        renewedAt = Date.now();
      }
    } catch (err) {
      logger.warn({ lease: name, err: describeError(err) }, 'job lease renewal failed');
      if (Date.now() - renewedAt > ttlMs) {
        lost.abort(
          new FirmwardenError('FW_ERR_JOB_LEASE_LOST', `lease ${name} could not be renewed for ${ttlMs} ms`, {
            cause: err,
          }),
        );
      }
    }
  };
  const heartbeat = setInterval(() => void renew(), Math.max(250, ttlMs / 3));
  heartbeat.unref();
  return {
    held: true,
    lost: lost.signal,
    ...(takenOverFrom ? { takenOverFrom } : {}),
    release: async () => {
      clearInterval(heartbeat);
      await store.releaseLease(name, holder);
    },
  };
}

/** A "role:pid@host#run" holder on this host whose process no longer exists. */
export function holderIsDead(holder: string): boolean {
  const m = /^[^:]+:(\d+)@([^#]+)#/.exec(holder);
  if (!m || m[2] !== hostname()) return false;
  return !processAlive(Number(m[1]));
}

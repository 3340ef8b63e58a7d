/**
 * Fault switches of a simulated BMC: defaults, validated partial updates (tests, the admin
 * endpoint) and the connection reset. Error and reset decisions come from the BMC's seeded RNG.
 */
import type { Socket } from 'node:net';
import { z } from 'zod';
import { SIM_DEFAULTS } from './defaults.ts';
import type { SimFaults } from './types.ts';

/** Faults off, sessions expiring after the profile's SessionTimeout. */
export function defaultFaults(
  sessionTimeoutSeconds: number,
  latencyMs: number = SIM_DEFAULTS.latencyMs,
): SimFaults {
  return {
    latencyMs,
    errorRate: 0,
    unavailable: { remaining: 0, retryAfterSeconds: SIM_DEFAULTS.retryAfterSeconds },
    resetRate: 0,
    sessionTtlMs: sessionTimeoutSeconds * 1000,
  };
}

const share = z.number().min(0).max(1);
const count = z.number().int().min(0);

/** A partial SimFaults as the admin endpoint accepts it (JSON). */
export const SimFaultsPatchSchema = z
  .object({
    latencyMs: count.optional(),
    errorRate: share.optional(),
    unavailable: z
      .object({ remaining: count.optional(), retryAfterSeconds: count.optional() })
      .strict()
      .optional(),
    resetRate: share.optional(),
    sessionTtlMs: count.optional(),
    maxSessions: count.nullable().optional(),
  })
  .strict();
export type SimFaultsPatch = z.infer<typeof SimFaultsPatchSchema>;

/** Applies a partial update in place; `unavailable` merges field by field, maxSessions null clears. */
export function applyFaults(target: SimFaults, patch: SimFaultsPatch | Partial<SimFaults>): void {
  const { unavailable, maxSessions, ...rest } = patch;
  Object.assign(target, rest);
  if (unavailable !== undefined) target.unavailable = { ...target.unavailable, ...unavailable };
  if (maxSessions === null) delete target.maxSessions;
  else if (maxSessions !== undefined) target.maxSessions = maxSessions;
}

/**
 * Drops a connection without an answer. A plain TCP socket is reset (RST: the client sees
 * ECONNRESET); a TLS socket's underlying TCP socket is reset when reachable, else it is destroyed.
 */
export function resetConnection(socket: Socket): void {
  const raw = ((socket as Socket & { _parent?: Socket })._parent ?? socket) as Socket;
  try {
    if (typeof raw.resetAndDestroy === 'function') raw.resetAndDestroy();
    else raw.destroy();
  } catch {
    raw.destroy();
  }
  if (!socket.destroyed) socket.destroy();
}

/**
 * Side effects enter the core through one `deps` object (STYLE.md): the clock and the logger
 * here, HTTP dispatchers in the Redfish client. Tests pass fakes; time-dependent code (retry
 * backoff, task polling, waves) never calls Date.now() or setTimeout directly.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createLogger } from './log.ts';
import type { SessionLedger } from './redfish/session-ledger.ts';

/** Wall clock and sleep, replaceable by a fake in tests. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined),
};

/** Everything with a side effect that the core needs. */
export interface Deps {
  clock: Clock;
  logger: Logger;
  /**
   * Where BMC sessions are recorded so a killed process's sessions are deleted by the next run
   * (the CLI sets it to the state dir's ledger); absent: sessions are not recorded.
   */
  sessions?: SessionLedger;
  /** Aborted when the process is asked to stop (SIGINT/SIGTERM in the CLI): start no new work. */
  signal?: AbortSignal;
  /** Where the CLI draws progress (default stderr); tests pass a fake terminal. */
  progress?: NodeJS.WriteStream;
}

/** Production defaults: system clock, JSON logger on stderr at `FIRMWARDEN_LOG_LEVEL` (default info). */
export function defaultDeps(overrides: Partial<Deps> = {}): Deps {
  // Not createLogger() when one is given: each opens its own stderr destination.
  return { clock: systemClock, ...overrides, logger: overrides.logger ?? createLogger() };
}

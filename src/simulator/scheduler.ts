/**
 * The timers of one simulated BMC. Every delay of its background work (update jobs, power
 * transitions, BMC reboots, task expiry) goes through here, so `close()` stops all of it at once:
 * pending sleeps reject with SimClosedError and scheduled callbacks never fire. No busy waits.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Rejection of a sleep cut short by the BMC closing; background work ends quietly on it. */
export class SimClosedError extends Error {
  constructor() {
    super('simulated BMC closed');
    this.name = 'SimClosedError';
  }
}

/** setTimeout cannot wait longer than this (2^31-1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

export class Scheduler {
  readonly #controller = new AbortController();
  readonly #timers = new Set<NodeJS.Timeout>();

  get closed(): boolean {
    return this.#controller.signal.aborted;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Resolves after `ms`; rejects with SimClosedError if the BMC closes first. */
  async sleep(ms: number): Promise<void> {
    let left = Math.max(0, ms);
    do {
      const step = Math.min(left, MAX_TIMER_MS);
      try {
        await delay(step, undefined, { signal: this.#controller.signal });
      } catch {
        throw new SimClosedError();
      }
      left -= step;
    } while (left > 0);
  }

  /** Resolves at wall-clock time `epochMs` (now if it has passed). */
  sleepUntil(epochMs: number): Promise<void> {
    return this.sleep(epochMs - Date.now());
  }

  /** A promise that only ever settles by rejecting on close (a task stuck forever). */
  forever(): Promise<never> {
    return new Promise<never>((_, reject) => {
      if (this.closed) reject(new SimClosedError());
      else
        this.#controller.signal.addEventListener('abort', () => reject(new SimClosedError()), { once: true });
    });
  }

  /** Runs `fn` after `ms` unless the BMC closes first; errors of `fn` are swallowed. */
  after(ms: number, fn: () => void | Promise<void>): void {
    if (this.closed) return;
    const t = setTimeout(
      () => {
        this.#timers.delete(t);
        this.run(fn);
      },
      Math.min(Math.max(0, ms), MAX_TIMER_MS),
    );
    this.#timers.add(t);
  }

  /** Runs background work: SimClosedError ends it quietly, anything else is reported once. */
  run(fn: () => void | Promise<void>): void {
    Promise.resolve()
      .then(fn)
      .catch((err: unknown) => {
        if (err instanceof SimClosedError || this.closed) return;
        process.emitWarning(`simulated BMC background work failed: ${(err as Error)?.stack ?? String(err)}`);
      });
  }

  /** Cancels everything: sleeps reject, scheduled callbacks are dropped. */
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#controller.abort();
  }
}

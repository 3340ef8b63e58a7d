/**
 * The counter of a sweep over many servers (inventory, plan's inventory read, backup): the
 * progress view's fleet line, fed one finished server at a time.
 */
import type { Clock } from '../deps.ts';
import { progressView } from './progress-view.ts';

/** Options of a sweep's counter. */
export interface SweepProgressOptions {
  clock: Pick<Clock, 'now'>;
  /** --json: off a terminal nothing is printed (a terminal still sees the live line on stderr). */
  json?: boolean;
  stream?: NodeJS.WriteStream | undefined;
  unit?: string;
}

/**
 * The counter of a sweep over many servers (inventory, plan, backup): a live line on a
 * terminal, a plain line every 10 % or 10 s otherwise. `server()` after each finished server.
 */
export function sweepProgress(label: string, options: SweepProgressOptions) {
  const view = progressView(options.stream, { now: options.clock.now, quiet: Boolean(options.json) });
  const startedAt = options.clock.now();
  let failed = 0;
  let finished = false;
  return {
    server(done: number, total: number, ok = true) {
      if (!ok) failed++;
      view.counter({ label, unit: options.unit ?? 'servers', total, done, failed, startedAt });
    },
    done() {
      if (!finished) view.done();
      finished = true;
    },
  };
}

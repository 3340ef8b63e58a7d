/**
 * A live per-server progress view for long operations. On a terminal it redraws one line per
 * server in flight, with the fleet counter line last; finished servers and notes (wave headers)
 * are printed once above it. Otherwise it prints each new step as a line (logs, CI), so the
 * record is complete either way, and the counter every 10 % or 10 s at most.
 * While it is on a terminal, log lines are written above it (live-region.ts).
 */
import { holdLiveRegion } from './live-region.ts';
import { type FleetCount, fleetLine, waitText } from './progress-text.ts';

export type { FleetCount } from './progress-text.ts';

export interface ProgressLine {
  server: string;
  step: string;
  component?: string;
  percent?: number;
  /**
   * Waiting for a BMC, a task or the host: shown as elapsed / allowed (`1:12 / 30:00`), the step
   * after `waiting for <what>:` when `what` names what is waited for.
   */
  wait?: { since: number; timeoutMs: number; what?: string };
  /** The server is finished: printed once, then it leaves the live region. */
  final?: boolean;
}

export interface ProgressViewOptions {
  /** The clock for elapsed times and ETAs (tests pass a fake one). */
  now?: () => number;
  /** Off a terminal print no counter lines (--json runs; server steps still go to the stream). */
  quiet?: boolean;
}

/** Off a terminal, a counter line at most this often unless another 10 % was done. */
const PLAIN_EVERY_MS = 10_000;
/** Redraws are batched: bursts of events draw once. */
const REDRAW_MS = 100;
/** On a terminal elapsed times keep moving between events. */
const TICK_MS = 1_000;

/**
 * Opens a progress view on `stream` (stderr by default): `update` per server step, `note` for
 * lines kept once, `counter` for the fleet line, `done` at the end.
 */
export function progressView(stream: NodeJS.WriteStream = process.stderr, options: ProgressViewOptions = {}) {
  const tty = Boolean(stream.isTTY);
  const now = options.now ?? Date.now;
  const lines = new Map<string, { text: string; wait?: ProgressLine['wait'] }>();
  let count: FleetCount | undefined;
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let plainAt = Number.NEGATIVE_INFINITY;
  let plainTenth = -1;
  // A pty may report 0 columns (script(1), some CI runners): that is "unknown", not zero.
  const width = () => (stream.columns || 120) - 1;
  const show = (server: string, l: { text: string; wait?: ProgressLine['wait'] }) =>
    `${server.padEnd(14)} ${l.text}${l.wait ? ` · ${waitText(l.wait, now())}` : ''}`;
  /** Moves to the top of the live region and erases it; the next render draws it again. */
  const clearLive = () => {
    if (drawn) stream.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const render = () => {
    clearLive();
    const out: string[] = [];
    // A region taller than the terminal cannot be moved over: the rest is counted, not drawn.
    const room = Math.max(2, (stream.rows || 24) - 2);
    for (const [server, l] of lines) {
      if (out.length === room - 1 && lines.size > room) {
        out.push(`… ${lines.size - out.length} more in flight`);
        break;
      }
      out.push(show(server, l));
    }
    if (count) out.push(fleetLine(count, now()));
    for (const line of out) stream.write(`\x1b[2K${line.slice(0, width())}\n`);
    drawn = out.length;
  };
  const schedule = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      render();
    }, REDRAW_MS);
    ticker ??= setInterval(render, TICK_MS).unref();
  };
  /** A line kept on screen for good: above the live region on a terminal. */
  const permanent = (text: string) => {
    if (tty) {
      clearLive();
      stream.write(`${text.slice(0, width())}\n`);
      schedule();
    } else stream.write(`${text}\n`);
  };
  const release = tty
    ? holdLiveRegion({
        clear: clearLive,
        redraw: () => {
          if (lines.size || count) render();
        },
      })
    : undefined;
  return {
    tty,
    update(p: ProgressLine) {
      const step = p.wait?.what ? `waiting for ${p.wait.what}: ${p.step}` : p.step;
      const text = [p.component, step, p.percent !== undefined ? `${p.percent}%` : '']
        .filter(Boolean)
        .join(' · ');
      const line = { text, ...(p.wait ? { wait: p.wait } : {}) };
      if (p.final) {
        lines.delete(p.server);
        permanent(show(p.server, line));
        return;
      }
      // A repeat of the same step is not news off a terminal; on one it refreshes the wait.
      if (lines.get(p.server)?.text === text) {
        if (tty) lines.set(p.server, line);
        return;
      }
      lines.set(p.server, line);
      if (!tty) stream.write(`${show(p.server, line)}\n`);
      else schedule();
    },
    /** Takes a server's line out of the live region without printing anything. */
    drop(server: string) {
      if (lines.delete(server) && tty) schedule();
    },
    /** A line printed once (wave headers, a phase that began), above the live lines on a terminal. */
    note(text: string) {
      permanent(text);
    },
    /** Sets the fleet counter line: redrawn on a terminal, every 10 % or 10 s otherwise. */
    counter(c: FleetCount) {
      count = c;
      if (tty) return schedule();
      if (options.quiet) return;
      const tenth = c.total > 0 ? Math.floor((c.done * 10) / c.total) : 10;
      if (tenth === plainTenth && now() - plainAt < PLAIN_EVERY_MS) return;
      plainTenth = tenth;
      plainAt = now();
      stream.write(`${fleetLine(c, plainAt)}\n`);
    },
    done() {
      if (timer) clearTimeout(timer);
      if (ticker) clearInterval(ticker);
      timer = ticker = undefined;
      if (tty && (lines.size || count)) render();
      release?.();
    },
  };
}

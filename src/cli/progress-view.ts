/**
 * A live per-server progress view for long operations. On a terminal it redraws one line per
 * server in place; otherwise it prints each new step as a line (logs, CI), so the record is
 * complete either way. While it is on a terminal, log lines are written above it (live-region.ts).
 */
import { holdLiveRegion } from './live-region.ts';

export interface ProgressLine {
  server: string;
  step: string;
  component?: string;
  percent?: number;
}

export function progressView(stream: NodeJS.WriteStream = process.stderr) {
  const tty = Boolean(stream.isTTY);
  const lines = new Map<string, string>();
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const render = () => {
    if (drawn) stream.write(`\x1b[${drawn}A`);
    const width = (stream.columns ?? 120) - 1;
    for (const [server, text] of lines)
      stream.write(`\x1b[2K${`${server.padEnd(14)} ${text}`.slice(0, width)}\n`);
    drawn = lines.size;
  };
  const release = tty
    ? holdLiveRegion({
        clear: () => {
          if (drawn) stream.write(`\x1b[${drawn}A\x1b[0J`);
          drawn = 0;
        },
        redraw: () => {
          if (lines.size) render();
        },
      })
    : undefined;
  return {
    update(p: ProgressLine) {
      const text = [p.component, p.step, p.percent !== undefined ? `${p.percent}%` : '']
        .filter(Boolean)
        .join(' · ');
      if (lines.get(p.server) === text) return;
      lines.set(p.server, text);
      if (!tty) stream.write(`${p.server}: ${text}\n`);
      else
        timer ??= setTimeout(() => {
          timer = undefined;
          render();
        }, 100);
    },
    done() {
      if (timer) clearTimeout(timer);
      if (tty && lines.size) render();
      release?.();
    },
  };
}

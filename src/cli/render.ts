/** Terminal output helpers: aligned tables and a progress bar that only draws on a TTY. */
import { holdLiveRegion } from './live-region.ts';

/** Renders rows as an aligned text table with a header. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A one-line progress bar on stderr; silent when stderr is not a terminal. Log lines go above it. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const enabled = Boolean(stream.isTTY);
  let shown = '';
  const release = enabled
    ? holdLiveRegion({ clear: () => stream.write('\r\x1b[K'), redraw: () => stream.write(shown) })
    : undefined;
  return {
    update(done: number, total: number, note = '') {
      if (!enabled) return;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      shown =
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${note}`.slice(
          0,
          120,
        );
      stream.write(shown);
    },
    done() {
      if (enabled) stream.write('\r\x1b[K');
      release?.();
    },
  };
}

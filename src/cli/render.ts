/** Terminal output helpers: aligned tables and a progress bar that only draws on a TTY. */
import { cut, type FitOptions, fitWidths, terminalColumns } from './fit-columns.ts';
import { holdLiveRegion } from './live-region.ts';

/**
 * Renders rows as an aligned text table with a header; with `fit.maxWidth` the shrinkable columns
 * are cut with … so no line is wider. Without `fit`, a table fits the terminal when stdout is one
 * (commands print to stdout) and is printed whole when piped; a caller that knows its stream or
 * was asked for `--wide` passes `fit` (maxWidth undefined: never cut).
 */
export function table(
  headers: string[],
  rows: string[][],
  fit: FitOptions = { maxWidth: terminalColumns(process.stdout) },
): string {
  const widths = fitWidths(
    headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
    fit,
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const w = widths[i] ?? 0;
        return i === cells.length - 1 ? cut(c, w) : cut(c, w).padEnd(w);
      })
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

/**
 * Fitting a table to the terminal: how wide stdout is, and which columns give way (cut with …)
 * when the rows are wider. Piped output is never cut: a script or `less -S` gets every character.
 */

/** How a table may be narrowed. */
export interface FitOptions {
  /** The width the whole table must fit in; absent: no limit. */
  maxWidth?: number | undefined;
  /** Columns that may be cut, by index; default: every column (the widest gives way first). */
  shrink?: readonly number[];
}

/**
 * Columns are cut down to 8 characters first (less says too little); only when that is not
 * enough do they go down to 3 ("ab…").
 */
const FLOORS = [8, 3];
/** Two spaces between columns (render.ts table()). */
const GAP = 2;

/**
 * The columns stdout has when it is a terminal and `wide` was not asked for; undefined otherwise
 * (piped output, a file, a test's Writable), so nothing is cut.
 */
export function terminalColumns(out: NodeJS.WritableStream, wide = false): number | undefined {
  const tty = out as Partial<NodeJS.WriteStream>;
  if (wide || !tty.isTTY) return undefined;
  return typeof tty.columns === 'number' && tty.columns > 0 ? tty.columns : 80;
}

/**
 * Narrows `widths` in place until their sum with the gaps fits `maxWidth`: the widest shrinkable
 * column gives one character at a time, so long cells are cut first and short ones stay whole.
 */
export function fitWidths(widths: number[], options: FitOptions): number[] {
  const { maxWidth } = options;
  if (maxWidth === undefined) return widths;
  const shrink = options.shrink ?? widths.map((_, i) => i);
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  for (const floor of FLOORS) {
    while (total() > maxWidth) {
      let widest = -1;
      for (const i of shrink) {
        const w = widths[i] ?? 0;
        if (w > floor && (widest < 0 || w > (widths[widest] ?? 0))) widest = i;
      }
      if (widest < 0) break;
      widths[widest] = (widths[widest] ?? 0) - 1;
    }
  }
  return widths;
}

/** `text` cut to `width` characters, the last one an ellipsis when anything was cut. */
export function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

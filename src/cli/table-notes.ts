/**
 * Numbered notes under a table: a long text many rows share (why a BMC offers no slice, why a
 * catalog element was skipped) is printed once below the table and the rows carry `[n]`, so the
 * table stays narrow and the text is read once.
 */

/** How texts are turned into notes. */
export interface NoteOptions {
  /** Texts (or clauses) shorter than this stay in the cell: cheaper to read than to look up. */
  minLength?: number;
  /** Splits a text into clauses noted one by one (e.g. ": "); absent: the whole text is one. */
  clauses?: string;
}

/** A note book for one table: `cell(text)` gives the cell, `lines()` the notes to print under it. */
export function tableNotes(options: NoteOptions = {}) {
  const min = options.minLength ?? 30;
  const texts: string[] = [];
  const ref = (text: string): string => {
    if (text.length < min) return text;
    let i = texts.indexOf(text);
    if (i < 0) i = texts.push(text) - 1;
    return `[${i + 1}]`;
  };
  const { clauses } = options;
  return {
    cell: (text: string): string =>
      clauses === undefined ? ref(text) : text.split(clauses).map(ref).join(clauses),
    /** A blank line, then `[n] text` per note; nothing when no text was long enough. */
    lines: (): string[] => (texts.length ? ['', ...texts.map((t, i) => `[${i + 1}] ${t}`)] : []),
  };
}

/**
 * Numbered notes under a table: a long text many rows share (why a BMC offers no slice, why a
 * catalog element was skipped) is printed once below the table and the rows carry `[n]`, so the
 * table stays narrow and the text is read once.
 */

/** How texts are turned into notes. */
export interface NoteOptions {
  /** Texts (or parts) shorter than this stay in the cell: cheaper to read than to look up. */
  minLength?: number;
  /**
   * Splits a text once, at the first of these ("<why no slice>: <the fallback>"), into a head and
   * a tail noted apart: the head is often shared by many rows, the tail differs; absent: whole.
   */
  splitAt?: string;
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
  const { splitAt } = options;
  return {
    cell: (text: string): string => {
      const at = splitAt === undefined ? -1 : text.indexOf(splitAt);
      if (splitAt === undefined || at < 0) return ref(text);
      return `${ref(text.slice(0, at))}${splitAt}${ref(text.slice(at + splitAt.length))}`;
    },
    /** A blank line, then `[n] text` per note; nothing when no text was long enough. */
    lines: (): string[] => (texts.length ? ['', ...texts.map((t, i) => `[${i + 1}] ${t}`)] : []),
  };
}

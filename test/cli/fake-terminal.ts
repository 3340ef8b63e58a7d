/**
 * A stream that says it is a terminal and keeps the screen it would show: enough of the ANSI
 * cursor controls the CLI uses (cursor up, erase line, erase below) to see what an operator sees,
 * stale copies of a redrawn line included.
 */
import { Writable } from 'node:stream';

export function fakeTerminal(columns = 100) {
  const rows: string[] = [''];
  let row = 0;
  let col = 0;
  let raw = '';
  const put = (ch: string) => {
    const line = (rows[row] ?? '').padEnd(col, ' ');
    rows[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  const apply = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (ch === '\x1b' && text[i + 1] === '[') {
        // After ESC: "[" digits and a final letter (A up, K erase line, J erase below, m colour).
        const m = /^\[(\d*)([A-Za-z])/.exec(text.slice(i + 1));
        if (!m) continue;
        i += m[0].length;
        const n = Number(m[1] || '0');
        if (m[2] === 'A') row = Math.max(0, row - (n || 1));
        else if (m[2] === 'K') rows[row] = '';
        else if (m[2] === 'J') {
          rows[row] = (rows[row] ?? '').slice(0, col);
          rows.length = row + 1;
        }
        continue; // colours (m) and anything else change no character
      }
      if (ch === '\n') {
        row++;
        col = 0;
        if (rows.length <= row) rows.push('');
      } else if (ch === '\r') col = 0;
      else put(ch);
    }
  };
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        raw += String(chunk);
        apply(String(chunk));
        cb();
      },
    }),
    { isTTY: true, columns },
  ) as unknown as NodeJS.WriteStream;
  return {
    stream,
    /** The screen's lines, trailing spaces and the empty last line dropped. */
    screen: () => rows.map((r) => r.trimEnd()).filter((r, i, all) => r !== '' || i < all.length - 1),
    /** Everything written, escapes included. */
    raw: () => raw,
  };
}

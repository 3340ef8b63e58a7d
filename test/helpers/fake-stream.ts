/** A fake stderr for progress views: a terminal (isTTY, columns) or not, recording what is written. */

/** A stream that records what is written; `isTTY` decides between redraws and plain lines. */
export function fakeStream(tty: boolean, columns = 200, rows = 50) {
  const chunks: string[] = [];
  const stream = {
    isTTY: tty,
    columns,
    rows,
    write(chunk: string) {
      chunks.push(String(chunk));
      return true;
    },
  };
  return {
    stream: stream as unknown as NodeJS.WriteStream,
    text: () => chunks.join(''),
    /** Written lines with the terminal's control sequences taken out. */
    plain: () =>
      chunks
        .join('')
        // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are the point
        .replace(/\x1b\[[0-9]*[A-Za-z]/g, '')
        .split('\n')
        .filter(Boolean),
  };
}

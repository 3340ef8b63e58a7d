/** Tables that fit the terminal: cut with … on a TTY, whole when piped or asked for (--wide). */
import { afterEach, describe, expect, it } from 'vitest';
import { terminalColumns } from '../../src/cli/fit-columns.ts';
import { table } from '../../src/cli/render.ts';

const HEADERS = ['SERVER', 'COMPONENT', 'VERSION', 'DETAIL'];
const ROWS = [
  ['sim-0002', 'Backplane 1 on Connector 0 of Integrated RAID Controller 1', '1.07', 'x'.repeat(150)],
  ['sim-0003', 'iLO 5', '2.78 Apr 28 2023', 'ok'],
];
const widest = (t: string) => Math.max(...t.split('\n').map((l) => l.length));

describe('table fitting', () => {
  const stdout = process.stdout as { isTTY?: boolean; columns?: number };
  const saved = { isTTY: stdout.isTTY, columns: stdout.columns };
  afterEach(() => Object.assign(stdout, saved));

  it('cuts the widest columns first with … to the width; short cells stay whole', () => {
    const t = table(HEADERS, ROWS, { maxWidth: 80 });
    expect(widest(t)).toBeLessThanOrEqual(80);
    expect(t).toMatch(/^sim-0003\s+iLO 5\s+2\.78 Apr 28 2023\s+ok$/m);
    expect(t).toContain('…');
  });

  it('without options fits a terminal stdout, and prints everything when stdout is piped', () => {
    Object.assign(stdout, { isTTY: true, columns: 100 });
    expect(widest(table(HEADERS, ROWS))).toBeLessThanOrEqual(100);
    Object.assign(stdout, { isTTY: false });
    expect(widest(table(HEADERS, ROWS))).toBeGreaterThan(200);
    expect(table(HEADERS, ROWS)).not.toContain('…');
  });

  it('--wide (an explicit undefined width) never cuts, even on a terminal', () => {
    Object.assign(stdout, { isTTY: true, columns: 100 });
    expect(terminalColumns(process.stdout, true)).toBeUndefined();
    expect(table(HEADERS, ROWS, { maxWidth: undefined })).not.toContain('…');
  });
});

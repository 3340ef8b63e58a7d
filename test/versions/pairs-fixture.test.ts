import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../src/versions/index.ts';
import { type Expect, ORDER_OF } from './cases.ts';

/** fixtures/versions/pairs.tsv: a, b, expected (< = > ~), where the format comes from. */
const rows = readFileSync(new URL('../fixtures/versions/pairs.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [a = '', b = '', expected = '', source = ''] = line.split('\t');
    return { a, b, expected: expected as Expect, source };
  });

describe('pairs.tsv', () => {
  it('has the shared pairs', () => {
    expect(rows.length).toBeGreaterThanOrEqual(16);
    for (const row of rows) expect(Object.keys(ORDER_OF)).toContain(row.expected);
  });

  it.each(rows)('$source: $a $expected $b', ({ a, b, expected }) => {
    expect(compareVersions(a, b)).toBe(ORDER_OF[expected]);
  });

  it.each(rows)('$source: reversed $b vs $a', ({ a, b, expected }) => {
    const reversed = { '<': '>', '>': '<', '=': '=', '~': '~' } as const;
    expect(compareVersions(b, a)).toBe(ORDER_OF[reversed[expected]]);
  });
});

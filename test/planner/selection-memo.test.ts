import { describe, expect, it } from 'vitest';
import type { EntryMatch } from '../../src/planner/component-matcher.ts';
import { memoSelect } from '../../src/planner/entry-selection.ts';
import { type Compare, memoCompare } from '../../src/planner/version-comparer.ts';
import { entry } from './helpers.ts';

/** A comparer that counts its calls. */
function counting(): { compare: Compare; calls: () => number } {
  const inner = memoCompare();
  let calls = 0;
  return {
    compare: (a, b, hints) => {
      calls++;
      return inner(a, b, hints);
    },
    calls: () => calls,
  };
}

const matches = (...versions: string[]): EntryMatch[] =>
  versions.map((version, i) => ({ entry: entry(`bios-${i}`, { version }), by: 'ComponentID 159' }));

describe('memoSelect: the highest entry of a match list is chosen once per list and hints', () => {
  it('compares only for the first component that shares a match list', () => {
    const { compare, calls } = counting();
    const select = memoSelect(compare);
    const list = matches('2.17.1', '2.19.1', '2.18.0');
    const hints = { vendor: 'dell', kind: 'bios' } as const;
    const first = select(list, hints);
    const afterFirst = calls();
    expect(first).toEqual({ entry: list[1]!.entry });
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 1000; i++) expect(select(list, { ...hints })).toBe(first);
    expect(calls()).toBe(afterFirst);
  });

  it('chooses again for other hints and for another list', () => {
    const { compare, calls } = counting();
    const select = memoSelect(compare);
    const list = matches('1.0', '2.0');
    select(list, { vendor: 'dell', kind: 'bios' });
    const once = calls();
    select(list, { vendor: 'dell', kind: 'bios', scheme: 'SemVer' });
    expect(calls()).toBe(2 * once);
    expect(select(matches('3.0', '2.0'), { vendor: 'dell', kind: 'bios' })).toMatchObject({
      entry: { version: '3.0' },
    });
  });

  it('keeps an ambiguous choice ambiguous', () => {
    const select = memoSelect(memoCompare());
    const list = matches('2.19.1', 'X12');
    const hints = { vendor: 'dell', kind: 'bios' } as const;
    expect(select(list, hints)).toHaveProperty('ambiguous');
    expect(select(list, hints)).toHaveProperty('ambiguous');
  });
});

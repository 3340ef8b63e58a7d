/**
 * Reading what a dead session left from its journal: which intents are still open, and which of
 * them may sit staged on the BMC although no task shows them any more.
 */
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/executor/journal.ts';
import { leftovers, possiblyStaged } from '../../src/executor/resume.ts';

const e = (at: number, event: string, extra: Record<string, unknown> = {}): JournalEntry => ({
  at: new Date(Date.UTC(2026, 0, 1, 3, 0, at)).toISOString(),
  server: 's1',
  event,
  ...extra,
});
const iso = (at: number) => new Date(Date.UTC(2026, 0, 1, 3, 0, at)).toISOString();

describe('leftovers', () => {
  it.each<[string, JournalEntry[], string[], boolean]>([
    ['nothing written', [], [], false],
    [
      'a finished run',
      [
        e(1, 'intent', { component: 'BIOS', to: '2' }),
        e(2, 'host-reset-intent'),
        e(3, 'host-reset'),
        e(4, 'outcome', { component: 'BIOS', outcome: 'verified' }),
      ],
      [],
      false,
    ],
    [
      'killed after sending, before any outcome',
      [e(1, 'intent', { component: 'BIOS', to: '2' }), e(2, 'intent', { component: 'NIC', to: '3' })],
      ['BIOS', 'NIC'],
      false,
    ],
    [
      'killed during its host reset',
      [e(1, 'intent', { component: 'BIOS', to: '2' }), e(2, 'host-reset-intent')],
      ['BIOS'],
      true,
    ],
    [
      'an "interrupted" outcome keeps the intent open',
      [
        e(1, 'intent', { component: 'BIOS', to: '2' }),
        e(2, 'outcome', { component: 'BIOS', outcome: 'interrupted' }),
      ],
      ['BIOS'],
      false,
    ],
    [
      'a failed outcome closes it',
      [
        e(1, 'intent', { component: 'BIOS', to: '2' }),
        e(2, 'outcome', { component: 'BIOS', outcome: 'failed' }),
      ],
      [],
      false,
    ],
  ])('%s', (_name, history, open, resetBegun) => {
    const left = leftovers(history);
    expect(left.open.map((o) => o.component)).toEqual(open);
    expect(left.resetBegunAt !== undefined).toBe(resetBegun);
  });
});

describe('possiblyStaged', () => {
  const sentThenReset = leftovers([
    e(1, 'intent', { component: 'BIOS', to: '2' }),
    e(5, 'host-reset-intent'),
  ]);
  it.each<[string, ReturnType<typeof leftovers>, string | undefined, string[]]>([
    [
      'sent, no reset since: may be staged',
      leftovers([e(1, 'intent', { component: 'BIOS' })]),
      iso(0),
      ['BIOS'],
    ],
    ['the dead run reset the host after sending (LastResetTime later)', sentThenReset, iso(9), []],
    ['the dead run died before its reset reached the host', sentThenReset, iso(0), ['BIOS']],
    ['no LastResetTime: the begun reset counts as done', sentThenReset, undefined, []],
  ])('%s', (_name, left, lastReset, expected) => {
    expect([...possiblyStaged(left, lastReset ? { lastReset: { system: lastReset } } : {})]).toEqual(
      expected,
    );
  });
});

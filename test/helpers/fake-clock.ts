/** A clock for tests: sleeps return at once and are recorded; now() advances by what was slept. */
import type { Clock } from '../../src/deps.ts';

export interface FakeClock extends Clock {
  sleeps: number[];
}

export function fakeClock(start = Date.parse('2026-11-22T03:00:00Z')): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

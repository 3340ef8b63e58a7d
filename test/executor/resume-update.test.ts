/**
 * `update` after a session that died mid-way, in-process and deterministic: the first session is
 * stopped (its signal aborted, its sleeps ended) while its task still runs or while its host
 * reset is under way; a second session starts at once with the plan made before. It waits for
 * the BMC, sends nothing twice and resets the host no more than once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/deps.ts';
import { updateServer } from '../../src/executor/update-server.ts';
import type { SimVendor } from '../../src/simulator/index.ts';
import { updatableFleet } from './helpers.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

/** A clock whose sleeps end when `stop` aborts: the dead session stops polling at once. */
function stoppable(clock: Clock, stop: AbortSignal): Clock {
  return {
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal ? AbortSignal.any([signal, stop]) : stop),
  };
}

const resets = (intervals: ReadonlyArray<{ reasons: string[] }>) =>
  intervals.filter((i) => i.reasons.includes('host-reset')).length;

describe.each<[SimVendor, string, RegExp]>([
  ['openbmc', 'its task still running', /Running/],
  ['dell', 'its task still running', /Running/],
  ['dell', 'its host reset under way', /ComputerSystem\.Reset/],
  ['hpe', 'its host reset under way', /ComputerSystem\.Reset/],
])('%s: a session stopped with %s', (vendor, _what, stopAt) => {
  it('is followed by one that sends nothing twice and resets the host at most once', async () => {
    const f = await updatableFleet([vendor], {
      components: ['bios'],
      // Slow enough that the second session starts while the first one's work goes on.
      sim: { timing: { installMs: 1_500, gracefulShutdownMs: 800, powerOnMs: 1_000 } },
    });
    cleanup.push(f.close);
    const server = f.servers[0] as (typeof f.servers)[number];
    const bmc = f.fleet.bmcs[0] as (typeof f.fleet.bmcs)[number];
    const stale = (await f.replan()).servers[0] as never;

    const stop = new AbortController();
    const first = await updateServer(
      server,
      stale,
      { ...f.deps, clock: stoppable(f.deps.clock, stop.signal) },
      {
        ...f.options({ signal: stop.signal }),
        onEvent: (e) => {
          if (stopAt.test(e.step)) stop.abort(new Error('the session died'));
        },
      },
    );
    expect(first.outcome).not.toBe('updated');

    const second = await updateServer(server, stale, f.deps, f.options());
    expect(second.error).toBeUndefined();
    expect(second.outcome).toBe('updated');
    const applied = bmc.updateHistory.filter((h) => h.outcome !== 'failed' && h.outcome !== 'cancelled');
    expect(applied.map((h) => h.outcome)).toEqual(['installed']);
    expect(resets(bmc.availability.intervals)).toBe(1);
    expect(bmc.stats.openSessions).toBe(0);
  }, 60_000);
});

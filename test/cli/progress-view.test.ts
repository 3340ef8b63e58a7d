/**
 * The live progress view and its words: the fleet counter line with its ETA, waits shown against
 * their deadline, a terminal's redrawn region vs plain lines off a terminal (every 10 % or 10 s),
 * and nothing but JSON on a --json run off a terminal. Fake streams, fake clock: no timing.
 */
import { describe, expect, it } from 'vitest';
import { sweepProgress } from '../../src/cli/fleet-progress.ts';
import {
  etaMs,
  fleetLine,
  formatBytes,
  formatDuration,
  formatRate,
  waitText,
} from '../../src/cli/progress-text.ts';
import { progressView } from '../../src/cli/progress-view.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { fakeStream } from '../helpers/fake-stream.ts';

describe('progress words', () => {
  it.each([
    [0, '0:00'],
    [41_500, '0:41'],
    [30 * 60_000, '30:00'],
    [3_723_000, '1:02:03'],
  ])('formatDuration(%i) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [512, '512 B'],
    [4300, '4.2 KiB'],
    [1.2 * 1024 ** 3, '1.2 GiB'],
    [300 * 1024 ** 2, '300 MiB'],
  ])('formatBytes(%d) = %s', (n, text) => expect(formatBytes(n)).toBe(text));

  it('rates and waits', () => {
    expect(formatRate(32 * 1024 ** 2 * 38, 38_000)).toBe('32 MiB/s');
    expect(formatRate(100, 0)).toBe('-');
    expect(waitText({ since: 1000, timeoutMs: 30 * 60_000 }, 73_000)).toBe('1:12 / 30:00');
  });

  it('the counter line: no ETA until a few are done, then one from the observed rate', () => {
    const c = { label: 'inventory', unit: 'servers', total: 1000, startedAt: 0, failed: 3 };
    expect(fleetLine({ ...c, done: 2 }, 5_000)).toBe('inventory  2/1000 servers  3 failed  elapsed 0:05');
    expect(fleetLine({ ...c, done: 412 }, 41_000)).toBe(
      'inventory  412/1000 servers  3 failed  elapsed 0:41  eta 0:58',
    );
    expect(etaMs({ ...c, done: 1000 }, 99_000)).toBeUndefined();
    // A fleet of two is "a few" once both are done; no ETA is left to give then either.
    expect(etaMs({ total: 2, done: 1, startedAt: 0 }, 1000)).toBeUndefined();
  });
});

describe('progressView', () => {
  it('off a terminal: no redraws, a counter line every 10 % and no more often', () => {
    const clock = fakeClock(0);
    const out = fakeStream(false);
    const view = progressView(out.stream, { now: clock.now });
    for (let done = 1; done <= 1000; done++) {
      void clock.sleep(10);
      view.counter({ label: 'inventory', unit: 'servers', total: 1000, done, failed: 0, startedAt: 0 });
    }
    view.done();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no terminal escapes off a terminal
    expect(out.text()).not.toMatch(/\x1b|\r/);
    const lines = out.plain();
    expect(lines).toHaveLength(11);
    expect(lines[1]).toBe('inventory  100/1000 servers  0 failed  elapsed 0:01  eta 0:09');
    expect(lines.at(-1)).toBe('inventory  1000/1000 servers  0 failed  elapsed 0:10');
  });

  it('off a terminal: a slow sweep still says where it stands every 10 s', () => {
    const clock = fakeClock(0);
    const out = fakeStream(false);
    const view = progressView(out.stream, { now: clock.now });
    for (let done = 1; done <= 50; done++) {
      void clock.sleep(1_000);
      view.counter({ label: 'inventory', unit: 'servers', total: 10_000, done, startedAt: 0 });
    }
    // Printed at 0:01 (first), then 0:11, 0:21, 0:31, 0:41.
    expect(out.plain().map((l) => /elapsed (\S+)/.exec(l)?.[1])).toEqual([
      '0:01',
      '0:11',
      '0:21',
      '0:31',
      '0:41',
    ]);
  });

  it('--json off a terminal prints no counter at all', () => {
    const out = fakeStream(false);
    const progress = sweepProgress('inventory', { clock: fakeClock(0), json: true, stream: out.stream });
    for (let done = 1; done <= 20; done++) progress.server(done, 20, done !== 7);
    progress.done();
    expect(out.text()).toBe('');
  });

  it('on a terminal: one live region redrawn in place, the counter last, finished servers kept above', () => {
    const clock = fakeClock(0);
    const out = fakeStream(true);
    const view = progressView(out.stream, { now: clock.now });
    view.note('wave 1/3: 1 server (canary)');
    view.update({
      server: 'idrac-7',
      component: 'BIOS',
      step: 'task JID_123: Running',
      percent: 45,
      wait: { since: 0, timeoutMs: 30 * 60_000 },
    });
    view.counter({ label: 'rollout r1', unit: 'servers', total: 12, done: 0, failed: 0, startedAt: 0 });
    view.done();
    expect(out.plain()).toEqual([
      'wave 1/3: 1 server (canary)',
      'idrac-7        BIOS · task JID_123: Running · 45% · 0:00 / 30:00',
      'rollout r1  0/12 servers  0 failed  elapsed 0:00',
    ]);
    // The same step again a minute later: the wait moves on a terminal.
    void clock.sleep(72_000);
    view.update({
      server: 'idrac-7',
      component: 'BIOS',
      step: 'task JID_123: Running',
      percent: 45,
      wait: { since: 0, timeoutMs: 30 * 60_000 },
    });
    view.update({ server: 'idrac-7', step: 'done', final: true });
    view.counter({ label: 'rollout r1', unit: 'servers', total: 12, done: 1, failed: 0, startedAt: 0 });
    view.done();
    const text = out.text();
    // Each redraw first moves up over what it drew and erases it.
    expect(text).toContain('\x1b[2A\x1b[0J');
    const lines = out.plain();
    expect(lines.slice(3)).toEqual([
      'idrac-7        done',
      'rollout r1  1/12 servers  0 failed  elapsed 1:12',
    ]);
  });

  it('on a terminal: a region taller than the terminal counts the servers it cannot draw', () => {
    const out = fakeStream(true, 200, 6);
    const view = progressView(out.stream, { now: () => 0 });
    for (let i = 1; i <= 40; i++) view.update({ server: `bmc-${i}`, step: 'updating' });
    view.counter({ label: 'update', unit: 'servers', total: 40, done: 0, failed: 0, startedAt: 0 });
    view.done();
    expect(out.plain()).toEqual([
      'bmc-1          updating',
      'bmc-2          updating',
      'bmc-3          updating',
      '… 37 more in flight',
      'update  0/40 servers  0 failed  elapsed 0:00',
    ]);
  });

  it('on a terminal: lines are cut to the terminal width', () => {
    const out = fakeStream(true, 30);
    const view = progressView(out.stream, { now: () => 0 });
    view.update({ server: 'bmc-1', step: 'x'.repeat(100) });
    view.done();
    expect(out.plain()[0]).toHaveLength(29);
  });

  it('off a terminal: a wait is printed once per step, not once per poll', () => {
    const clock = fakeClock(0);
    const out = fakeStream(false);
    const view = progressView(out.stream, { now: clock.now });
    for (let i = 0; i < 5; i++) {
      view.update({
        server: 'bmc-1',
        step: 'waiting for the BMC to come back',
        wait: { since: 0, timeoutMs: 600_000 },
      });
      void clock.sleep(5_000);
    }
    view.update({ server: 'bmc-1', step: 'done', final: true });
    expect(out.plain()).toEqual([
      'bmc-1          waiting for the BMC to come back · 0:00 / 10:00',
      'bmc-1          done',
    ]);
  });
});

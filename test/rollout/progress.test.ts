/**
 * Where a rollout stands, from its server records: counts, the wave under way and how its canary
 * went; the wave header the CLI prints; and the CLI's live view of a drive's events (wave
 * headers once, finished servers kept, waits against their deadline, the counter with an ETA
 * that ignores servers an earlier drive finished).
 */
import { describe, expect, it } from 'vitest';
import { progressView } from '../../src/cli/progress-view.ts';
import { liveView } from '../../src/cli/rollout-command.ts';
import { rolloutProgress, waveHeader } from '../../src/rollout/progress.ts';
import type { RolloutServerRecord, ServerStep } from '../../src/store/types.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { fakeStream } from '../helpers/fake-stream.ts';

/** Servers per wave, each wave's steps given in order. */
function servers(...waves: ServerStep[][]): RolloutServerRecord[] {
  return waves.flatMap((steps, wave) =>
    steps.map((step, i) => ({
      rolloutId: 'r1',
      server: `w${wave}-s${i}`,
      wave,
      step,
      attempts: 0,
      updatedAt: '',
      labels: {},
    })),
  );
}

describe('rolloutProgress', () => {
  it.each([
    {
      name: 'the canary under way',
      records: servers(['updating'], Array(8).fill('pending'), Array(8).fill('pending')),
      progress: { total: 17, done: 0, failed: 0, wave: { number: 1, count: 3, servers: 1, isCanary: true } },
      header: 'wave 1/3: 1 server (canary)',
    },
    {
      name: 'the canary passed, wave 2 half done',
      records: servers(['done'], ['done', 'done', 'failed', 'updating'], ['pending']),
      progress: {
        total: 6,
        done: 4,
        failed: 1,
        wave: { number: 2, count: 3, servers: 4, canary: { passed: true, failed: 0 } },
      },
      header: 'wave 2/3: 4 servers (canary passed)',
    },
    {
      name: 'a canary failure within the failure budget',
      records: servers(['failed', 'done'], ['pending', 'pending']),
      progress: {
        total: 4,
        done: 2,
        failed: 1,
        wave: { number: 2, count: 2, canary: { passed: false, failed: 1 } },
      },
      header: 'wave 2/2: 2 servers (canary: 1 failed)',
    },
  ])('$name', ({ records, progress, header }) => {
    const p = rolloutProgress(records);
    expect(p).toMatchObject(progress);
    expect(waveHeader(p.wave as NonNullable<typeof p.wave>)).toBe(header);
  });

  it('every server finished: no wave under way', () => {
    expect(rolloutProgress(servers(['done'], ['done', 'skipped']))).toEqual({ total: 3, done: 3, failed: 0 });
  });

  it('a spec without a canary (waves start at 1) has no canary to speak of', () => {
    const records = servers(['done'], ['pending']).map((s) => ({ ...s, wave: s.wave + 1 }));
    expect(waveHeader(rolloutProgress(records).wave as never)).toBe('wave 2/2: 1 server');
  });
});

describe('the rollout live view (rollout start/resume)', () => {
  it('on a terminal: the wave header once, finished servers above, the counter with an ETA', () => {
    const clock = fakeClock(0);
    const out = fakeStream(true);
    const view = progressView(out.stream, { now: clock.now });
    const on = liveView(view, 'r1', 0);
    // Resumed: 4 of 20 were done by an earlier drive; 3 more in 30 s → 13 left at 10 s each.
    const records = servers(
      ['done'],
      ['done', 'done', 'done', 'pending', 'pending'],
      Array(14).fill('pending'),
    );
    const progress = () => on({ type: 'progress', ...rolloutProgress(records) });
    progress();
    on({
      type: 'server',
      server: 'w1-s3',
      step: 'updating',
      detail: 'BIOS: waiting for task JID_1: Running',
      wait: { since: 0, timeoutMs: 30 * 60_000, what: 'task JID_1' },
    });
    for (const i of [4, 5, 6]) {
      const rec = records[i] as RolloutServerRecord;
      rec.step = 'done';
      void clock.sleep(10_000);
      if (i < 6) on({ type: 'server', server: rec.server, step: 'done' });
      progress();
    }
    on({
      type: 'server',
      server: 'w2-s1',
      step: 'updating',
      detail: 'waiting for the BMC to come back',
      wait: { since: 25_000, timeoutMs: 15 * 60_000 },
    });
    view.done();
    expect(out.plain()).toEqual([
      'wave 2/3: 5 servers (canary passed)',
      'w1-s3          done',
      'w1-s4          done',
      'wave 3/3: 14 servers (canary passed)',
      'w2-s1          updating: waiting for the BMC to come back · 0:05 / 15:00',
      'rollout r1  7/20 servers  0 failed  elapsed 0:30  eta 2:10',
    ]);
  });

  it('off a terminal: outside its windows the rollout says how long until the next one opens', () => {
    const clock = fakeClock(0);
    const out = fakeStream(false);
    const on = liveView(progressView(out.stream, { now: clock.now }), 'r1', 0);
    on({
      type: 'rollout',
      status: 'running',
      note: 'waiting for the window at 1970-01-01T02:00:00.000Z',
      wait: { since: 0, timeoutMs: 2 * 3600_000 },
    });
    expect(out.plain()).toEqual([
      '(rollout)      running: waiting for the window at 1970-01-01T02:00:00.000Z · 0:00 / 2:00:00',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { ResolvedServer } from '../../src/fleet/load.ts';
import { parseSpec } from '../../src/rollout/spec.ts';
import { assignWaves, type Candidate, selectServers, startable } from '../../src/rollout/waves.ts';
import { inWindow, nextOpening } from '../../src/rollout/window.ts';

const server = (name: string, labels: Record<string, string> = {}): ResolvedServer => ({
  name,
  bmc: `https://${name}`,
  labels,
  client: { url: `https://${name}` },
});
const spec = (extra = '') =>
  parseSpec(`version: 1\nname: r\nfleet: f.yaml\ncatalog: c.yaml\n${extra}`, 'rollout.yaml');
const fleet = Array.from({ length: 10 }, (_, i) =>
  server(`s${i}`, { rack: `r${i % 3}`, site: i < 5 ? 'a' : 'b' }),
);

describe('waves', () => {
  it('puts one canary first, then batches of the given size', () => {
    const w = assignWaves(fleet, spec('waves: { canary: 1, batch: 4 }'));
    expect(fleet.map((s) => w.get(s.name))).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
  });

  it('takes named canaries and percentage batches', () => {
    const w = assignWaves(fleet, spec('waves: { canary: [s7, s3], batch: "25%" }'));
    expect(w.get('s7')).toBe(0);
    expect(w.get('s3')).toBe(0);
    // 25% of 10 servers: batches of 2 over s0 s1 | s2 s4 | s5 s6 | s8 s9.
    expect(w.get('s0')).toBe(1);
    expect(w.get('s1')).toBe(1);
    expect(w.get('s2')).toBe(2);
    expect(w.get('s4')).toBe(2);
    expect(Math.max(...w.values())).toBe(4);
  });

  it('selects servers by name and label', () => {
    expect(
      selectServers(fleet, spec('servers: { labels: { site: b, rack: [r0, r1] } }')).map((s) => s.name),
    ).toEqual(['s6', 's7', 's9']);
    expect(selectServers(fleet, spec('servers: { names: [s1, s2] }')).map((s) => s.name)).toEqual([
      's1',
      's2',
    ]);
  });
});

describe('startable', () => {
  const c = (name: string, rack: string): Candidate => ({ server: name, wave: 1, labels: { rack } });
  it.each([
    ['fleet-wide cap', [c('a', 'r1'), c('b', 'r2'), c('c', 'r3')], [], { maxUnavailable: 2 }, ['a', 'b']],
    [
      'cap counts servers in flight',
      [c('a', 'r1'), c('b', 'r2')],
      [c('x', 'r9')],
      { maxUnavailable: 2 },
      ['a'],
    ],
    [
      'one per rack',
      [c('a', 'r1'), c('b', 'r1'), c('c', 'r2')],
      [],
      { maxUnavailable: 5, perLabel: { rack: 1 } },
      ['a', 'c'],
    ],
    [
      'rack busy already',
      [c('a', 'r1'), c('b', 'r2')],
      [c('x', 'r1')],
      { maxUnavailable: 5, perLabel: { rack: 1 } },
      ['b'],
    ],
  ])('%s', (_n, candidates, inFlight, limits, expected) => {
    expect(startable(candidates, inFlight, limits).map((x) => x.server)).toEqual(expected);
  });
});

describe('maintenance windows', () => {
  const at = (iso: string) => new Date(iso).getTime();
  const windows = spec('windows: [{ start: "22:00", durationMinutes: 360, days: [sat, sun] }]').windows;
  it('is inside from 22:00 for six hours on the named days only', () => {
    // 2026-11-21 is a Saturday (local time of the test process).
    const sat = new Date(2026, 10, 21, 23, 30).getTime();
    const sunEarly = new Date(2026, 10, 22, 3, 0).getTime();
    const mon = new Date(2026, 10, 23, 23, 30).getTime();
    expect(inWindow(windows, sat)).toBe(true);
    expect(inWindow(windows, sunEarly)).toBe(true);
    expect(inWindow(windows, mon)).toBe(false);
    expect(nextOpening(windows, mon)).toBe(new Date(2026, 10, 28, 22, 0).getTime());
  });
  it('no windows means always', () => {
    expect(inWindow(undefined, at('2026-11-22T12:00:00Z'))).toBe(true);
  });
});

describe('spec errors name the file and field', () => {
  it.each([
    ['maxUnavailable: lots', 'maxUnavailable'],
    ['windows: [{ start: "25:00", durationMinutes: 10 }]', 'windows.0.start'],
    ['drain: { command: [] }', 'drain'],
    ['perLabel: { rack: 0 }', 'perLabel.rack'],
  ])('%s', (extra, field) => {
    expect(() => spec(extra)).toThrow(new RegExp(`rollout\\.yaml: ${field.replaceAll('.', '\\.')}`));
  });
});

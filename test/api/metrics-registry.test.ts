/** The hand-written Prometheus registry: label escaping, counters, cumulative histogram buckets. */
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../src/api/metrics-registry.ts';
import { parseExposition } from './prom-parse.ts';

describe('metrics registry', () => {
  it('escapes label values so a parser reads them back', () => {
    const r = new MetricsRegistry();
    const g = r.gauge('t_info', 'help with a \\ backslash\nand a newline');
    const odd = 'v "1"\\2\nthree';
    g.set({ version: odd }, 1);
    const text = r.render();
    expect(text).toContain('# HELP t_info help with a \\\\ backslash\\nand a newline');
    expect(parseExposition(text).value('t_info', { version: odd })).toBe(1);
  });

  it('adds counter increments per label set', () => {
    const r = new MetricsRegistry();
    const c = r.counter('t_total', 'h');
    c.inc({ a: '1', b: '2' });
    c.inc({ b: '2', a: '1' }, 2);
    c.inc({ a: 'x', b: '2' });
    const m = parseExposition(r.render());
    expect(m.value('t_total', { a: '1' })).toBe(3);
    expect(m.value('t_total', { a: 'x' })).toBe(1);
  });

  it('renders cumulative buckets, +Inf, sum and count', () => {
    const r = new MetricsRegistry();
    const h = r.histogram('t_seconds', 'h', [0.1, 1, 10]);
    for (const v of [0.05, 0.5, 0.5, 5, 50]) h.observe({ m: 'GET' }, v);
    const m = parseExposition(r.render());
    expect(m.find('t_seconds_bucket').map((s) => [s.labels['le'], s.value])).toEqual([
      ['0.1', 1],
      ['1', 3],
      ['10', 4],
      ['+Inf', 5],
    ]);
    expect(m.value('t_seconds_sum')).toBeCloseTo(56.05);
    expect(m.value('t_seconds_count')).toBe(5);
  });

  it('refuses a bad metric name', () => {
    expect(() => new MetricsRegistry().gauge('bad-name', 'h')).toThrow(/bad metric name/);
  });
});

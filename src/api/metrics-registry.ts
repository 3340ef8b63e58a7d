/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format 0.0.4. Hand-written because the needs are small (a few families, label escaping,
 * cumulative buckets) and a client library would bring a default registry and process metrics the
 * API does not want. Gauges computed at scrape time are refilled by collectors before rendering.
 */

export type Labels = Record<string, string>;
export type MetricType = 'counter' | 'gauge' | 'histogram';

interface Family {
  name: string;
  help: string;
  type: MetricType;
}

/** Escapes a label value: backslash, double quote and newline (exposition format spec). */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] as string)}"`).join(',')}}`;
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function num(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

/** A counter or gauge family: one value per label set. */
export class Series {
  readonly family: Family;
  readonly #values = new Map<string, { labels: Labels; value: number }>();

  constructor(family: Family) {
    this.family = family;
  }

  inc(labels: Labels = {}, by = 1): void {
    const k = keyOf(labels);
    const cur = this.#values.get(k);
    if (cur) cur.value += by;
    else this.#values.set(k, { labels, value: by });
  }

  set(labels: Labels, value: number): void {
    this.#values.set(keyOf(labels), { labels, value });
  }

  /** Drops every value (gauges refilled at scrape time). */
  reset(): void {
    this.#values.clear();
  }

  render(): string[] {
    return [...this.#values.values()].map((v) => `${this.family.name}${labelText(v.labels)} ${num(v.value)}`);
  }
}

/** A histogram family with fixed upper bounds (seconds). */
export class Histogram {
  readonly family: Family;
  readonly buckets: readonly number[];
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(family: Family, buckets: readonly number[]) {
    this.family = family;
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const k = keyOf(labels);
    let s = this.#series.get(k);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] as number)) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string[] {
    const out: string[] = [];
    for (const s of this.#series.values()) {
      this.buckets.forEach((le, i) => {
        out.push(`${this.family.name}_bucket${labelText({ ...s.labels, le: num(le) })} ${s.counts[i]}`);
      });
      out.push(`${this.family.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.family.name}_sum${labelText(s.labels)} ${num(s.sum)}`);
      out.push(`${this.family.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

/** The families of one process, in registration order. */
export class MetricsRegistry {
  readonly #metrics: Array<Series | Histogram> = [];

  counter(name: string, help: string): Series {
    return this.#add(new Series({ name, help, type: 'counter' }));
  }

  gauge(name: string, help: string): Series {
    return this.#add(new Series({ name, help, type: 'gauge' }));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#add(new Histogram({ name, help, type: 'histogram' }, buckets));
  }

  #add<M extends Series | Histogram>(m: M): M {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(m.family.name))
      throw new Error(`bad metric name ${m.family.name}`);
    this.#metrics.push(m);
    return m;
  }

  /** The exposition text (ends with a newline). */
  render(): string {
    const lines: string[] = [];
    for (const m of this.#metrics) {
      lines.push(`# HELP ${m.family.name} ${m.family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      lines.push(`# TYPE ${m.family.name} ${m.family.type}`);
      lines.push(...m.render());
    }
    return `${lines.join('\n')}\n`;
  }
}

/** Content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

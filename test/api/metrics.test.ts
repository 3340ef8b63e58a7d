/**
 * /metrics after real traffic against the simulator, parsed: BMC requests per BMC equal what the
 * simulated BMCs counted, errors show up when a BMC fails, the latency histogram is consistent,
 * compliance and acting versions match the compliance route, rollout progress and update
 * outcomes follow a rollout driven through the API.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonBinary } from '../../scripts/conformance/dmtf-tools.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { type ApiBed, apiBed, type Json, settle } from './helpers.ts';
import { type Exposition, parseExposition } from './prom-parse.ts';

let bed: ApiBed;
beforeAll(async () => {
  bed = await apiBed({ sim: { count: 2, vendors: ['generic', 'hpe'], seed: 3 } });
});
afterAll(() => bed?.close());

async function scrape(): Promise<Exposition> {
  const res = await bed.app.inject({ url: '/metrics', headers: bed.auth('read') });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(res.body);
}

async function refresh(): Promise<Json> {
  const res = await bed.app.inject({
    method: 'POST',
    url: '/api/v1/inventory/refresh',
    headers: bed.auth('operator'),
  });
  return settle(bed, res.json<Json>().href);
}

describe('/metrics', () => {
  it('declares every family with HELP and TYPE even before any traffic', async () => {
    const m = await scrape();
    expect(m.types.get('firmwarden_bmc_request_duration_seconds')).toBe('histogram');
    expect(m.types.get('firmwarden_bmc_requests_total')).toBe('counter');
    expect(m.types.get('firmwarden_compliance_components')).toBe('gauge');
    expect(m.find('firmwarden_bmc_requests_total')).toEqual([]);
    // Never scanned yet: an inventory infinitely old, visible to an alert on its age.
    for (const b of bed.fleet.bmcs)
      expect(m.value('firmwarden_inventory_age_seconds', { server: b.name })).toBe(Infinity);
  });

  it('counts BMC requests per BMC exactly as the BMCs saw them, with a consistent histogram', async () => {
    for (const b of bed.fleet.bmcs) b.resetStats();
    const before = await scrape();
    const base = (origin: string) =>
      before.find('firmwarden_bmc_requests_total', { bmc: origin })[0]?.value ?? 0;
    const baseOf = new Map(bed.fleet.bmcs.map((b) => [b.url, base(new URL(b.url).origin)]));
    expect((await refresh()).status).toBe('succeeded');
    const m = await scrape();
    let total = 0;
    for (const b of bed.fleet.bmcs) {
      const origin = new URL(b.url).origin;
      const n = m.value('firmwarden_bmc_requests_total', { bmc: origin }) - (baseOf.get(b.url) ?? 0);
      expect(n, b.name).toBe(b.stats.requests);
      expect(n).toBeGreaterThan(0);
      total += m.value('firmwarden_bmc_requests_total', { bmc: origin });
    }
    const count = m.find('firmwarden_bmc_request_duration_seconds_count').reduce((a, s) => a + s.value, 0);
    expect(count).toBe(total);
    for (const method of new Set(
      m.find('firmwarden_bmc_request_duration_seconds_count').map((s) => s.labels['method']!),
    )) {
      const buckets = m.find('firmwarden_bmc_request_duration_seconds_bucket', { method });
      const values = buckets.map((b) => b.value);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' } });
      expect(buckets.at(-1)!.value).toBe(
        m.value('firmwarden_bmc_request_duration_seconds_count', { method }),
      );
    }
  });

  it('counts errors of a failing BMC', async () => {
    const bad = bed.fleet.bmcs[1]!;
    const origin = new URL(bad.url).origin;
    bad.setFaults({ errorRate: 1 });
    try {
      const op = await refresh();
      expect(op.result).toMatchObject({ outcome: 'partial' });
    } finally {
      bad.setFaults({ errorRate: 0 });
    }
    const m = await scrape();
    expect(m.value('firmwarden_bmc_errors_total', { bmc: origin, kind: '5xx' })).toBeGreaterThan(0);
    expect(m.find('firmwarden_bmc_errors_total', { bmc: new URL(bed.fleet.bmcs[0]!.url).origin })).toEqual(
      [],
    );
    expect(m.value('firmwarden_inventory_servers', { state: 'unreadable' })).toBe(1);
    expect(m.value('firmwarden_inventory_readable', { server: bad.name })).toBe(0);
    expect(m.value('firmwarden_inventory_readable', { server: bed.fleet.bmcs[0]!.name })).toBe(1);
    await refresh();
  });

  it('counts a BMC that does not answer as a network error', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const origin = `http://127.0.0.1:${port}`;
    const client = new RedfishClient({ url: origin, allowHttp: true, retry: { attempts: 1 } }, bed.deps);
    await expect(client.root()).rejects.toMatchObject({ code: 'FW_ERR_CONNECT' });
    await client.close();
    const m = await scrape();
    expect(m.value('firmwarden_bmc_requests_total', { bmc: origin })).toBe(1);
    expect(m.value('firmwarden_bmc_errors_total', { bmc: origin, kind: 'network' })).toBe(1);
  });

  it('compliance per kind and acting versions agree with GET /api/v1/compliance', async () => {
    const m = await scrape();
    const c = (await bed.app.inject({ url: '/api/v1/compliance', headers: bed.auth('read') })).json<Json>();
    for (const [kind, k] of Object.entries(c.byKind as Record<string, Json>)) {
      for (const state of ['compliant', 'outdated', 'unknown'])
        expect(m.value('firmwarden_compliance_components', { kind, state }), `${kind} ${state}`).toBe(
          k[state],
        );
      for (const line of k.lines.filter((l: Json) => l.targets.length > 0 && l.lowest)) {
        // The component's name as a label; the internal line key beside it, never instead of it.
        const names = { component: line.label, key: line.key, kind };
        expect(m.value('firmwarden_acting_version_info', { ...names, version: line.lowest })).toBe(1);
        expect(m.value('firmwarden_component_line_converged', names)).toBe(0);
      }
    }
    expect(m.value('firmwarden_inventory_servers', { state: 'read' })).toBe(2);
    for (const sample of m.samples) {
      const { key: _key, ...labels } = sample.labels;
      expect(
        Object.values(labels).filter((v) => /\|/.test(v)),
        sample.name,
      ).toEqual([]);
    }
    // Outdated components per server add up to the fleet's outdated count; every server has some.
    const outdated = m.find('firmwarden_server_outdated_components');
    expect(outdated.map((s) => s.labels['server']).sort()).toEqual(bed.fleet.bmcs.map((b) => b.name).sort());
    expect(outdated.every((s) => s.value > 0)).toBe(true);
    expect(outdated.reduce((n, s) => n + s.value, 0)).toBe(c.totals.outdated);
    for (const b of bed.fleet.bmcs) {
      const age = m.value('firmwarden_inventory_age_seconds', { server: b.name });
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(120);
    }
  });

  it('follows a rollout: servers by step, update outcomes from the journal, converged lines', async () => {
    const res = await bed.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: bed.auth('operator'),
      body: {
        id: 'metrics-r1',
        start: false,
        spec: {
          version: 1,
          name: 'metrics',
          fleet: 'fleet.yaml',
          catalog: 'catalog/catalog.yaml',
          waves: { canary: 1, batch: 1 },
          update: { timeouts: { taskMs: 15_000, bmcRebootMs: 10_000, hostResetMs: 5_000, pollMs: 25 } },
        },
      },
    });
    expect(res.status).toBe(201);
    let m = await scrape();
    expect(m.value('firmwarden_rollout_servers', { rollout: 'metrics-r1', step: 'pending' })).toBe(2);
    expect(m.value('firmwarden_rollout_info', { rollout: 'metrics-r1', status: 'pending' })).toBe(1);
    expect(m.find('firmwarden_update_outcomes_total')).toEqual([]);

    await bed.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts/metrics-r1/resume',
      headers: bed.auth('operator'),
      body: {},
    });
    await bed.app.context.drivers.idle();
    m = await scrape();
    expect(m.value('firmwarden_rollout_servers', { rollout: 'metrics-r1', step: 'done' })).toBe(2);
    expect(m.value('firmwarden_rollout_info', { rollout: 'metrics-r1', status: 'completed' })).toBe(1);
    const outcomes = (await bed.store.journal()).filter((e) => e.event === 'outcome');
    const verified = outcomes.filter((e) => (e.data as Json)['outcome'] === 'verified').length;
    expect(verified).toBeGreaterThan(0);
    expect(m.value('firmwarden_update_outcomes_total', { outcome: 'verified' })).toBe(verified);
    // The rollout swept the inventory as it went: every line with a target is at target now.
    const converged = m.find('firmwarden_component_line_converged');
    expect(converged.length).toBeGreaterThan(0);
    expect(converged.every((s) => s.value === 1)).toBe(true);
    expect(m.find('firmwarden_server_outdated_components').map((s) => s.value)).toEqual([0, 0]);
  });

  it('counts API requests by route and status', async () => {
    const m = await scrape();
    expect(
      m.value('firmwarden_api_requests_total', { route: 'POST /api/v1/inventory/refresh', status: '202' }),
    ).toBe(3);
    expect(m.find('firmwarden_metrics_collect_errors')).toEqual([]);
  });

  it('last outcome and time of each daemon job, from the journal', async () => {
    const m = await scrape();
    // The bed ran catalog-watch once (images into the store); no other job has run.
    expect(m.value('firmwarden_job_last_outcome', { job: 'catalog-watch', outcome: 'ok' })).toBe(1);
    for (const outcome of ['partial', 'failed', 'skipped', 'cancelled'])
      expect(m.value('firmwarden_job_last_outcome', { job: 'catalog-watch', outcome })).toBe(0);
    const at = m.value('firmwarden_job_last_run_timestamp_seconds', { job: 'catalog-watch' });
    expect(Date.now() / 1000 - at).toBeGreaterThanOrEqual(0);
    expect(Date.now() / 1000 - at).toBeLessThan(600);
    expect(m.find('firmwarden_job_last_outcome', { job: 'integrity-check' })).toEqual([]);
  });

  it('corrupt components per server, and an inventory that grows stale', async () => {
    const hpe = bed.fleet.bmcs[1]!;
    hpe.corrupt('bios', 'health-critical');
    await refresh();
    const m = await scrape();
    expect(m.value('firmwarden_server_corrupt_components', { server: hpe.name })).toBe(1);
    expect(m.value('firmwarden_server_corrupt_components', { server: bed.fleet.bmcs[0]!.name })).toBe(0);
    const before = m.value('firmwarden_inventory_age_seconds', { server: hpe.name });
    await new Promise((r) => setTimeout(r, 1_100));
    const later = (await scrape()).value('firmwarden_inventory_age_seconds', { server: hpe.name });
    expect(later - before).toBeGreaterThanOrEqual(1);
  });

  it('the exposition parses with prometheus_client, the Python client library', async (t) => {
    const res = await bed.app.inject({ url: '/metrics', headers: bed.auth('read') });
    const families = promClientFamilies(res.body);
    if (families === undefined) {
      if (process.env['FIRMWARDEN_REQUIRE_SERVICES'] === '1')
        throw new Error('FIRMWARDEN_REQUIRE_SERVICES=1 but python3 prometheus_client is missing');
      t.skip('Debian python3-prometheus-client not installed (scripts/test-services.sh installs it)');
      return;
    }
    const m = parseExposition(res.body);
    for (const name of [
      'firmwarden_inventory_age_seconds',
      'firmwarden_server_corrupt_components',
      'firmwarden_job_last_outcome',
      'firmwarden_acting_version_info',
    ])
      expect(families[name], name).toBe(m.find(name).length);
  });
});

/** Samples per family as prometheus_client's text parser reads them; undefined without python3 or the module. */
function promClientFamilies(text: string): Record<string, number> | undefined {
  const script = [
    'import sys, json',
    'try:',
    '    from prometheus_client.parser import text_string_to_metric_families',
    'except ImportError:',
    '    sys.exit(3)',
    'print(json.dumps({f.name: len(f.samples) for f in text_string_to_metric_families(sys.stdin.read())}))',
  ].join('\n');
  const r = spawnSync(pythonBinary(), ['-c', script], { input: text, encoding: 'utf8' });
  if (r.error || r.status === 3) return undefined;
  if (r.status !== 0) throw new Error(`prometheus_client refused the exposition: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, number>;
}

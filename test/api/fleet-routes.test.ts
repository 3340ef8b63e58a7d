/**
 * Fleet, inventory, compliance, export and plan routes against a simulated fleet: the refresh
 * sweeps the real BMCs in the background (202 + operation), snapshots land in the store, and the
 * compliance views agree with each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/api/compliance-export.ts';
import { type ApiBed, apiBed, type Json, settle } from './helpers.ts';

let bed: ApiBed;
beforeAll(async () => {
  bed = await apiBed({ images: false });
});
afterAll(() => bed?.close());

describe('fleet and inventory', () => {
  it('GET /api/v1/fleet lists the servers without credentials', async () => {
    const res = await bed.app.inject({ url: '/api/v1/fleet', headers: bed.auth('read') });
    expect(res.status).toBe(200);
    const body = res.json<Json>();
    expect(body.servers.map((s: Json) => s.name).sort()).toEqual(bed.fleet.bmcs.map((b) => b.name).sort());
    expect(body.servers[0]).toEqual({
      name: expect.any(String),
      bmc: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
      vendor: 'generic',
      labels: expect.any(Object),
    });
    expect(res.body).not.toMatch(/password|credentials/i);
  });

  it('before any sweep, every server is listed as not scanned', async () => {
    const res = await bed.app.inject({ url: '/api/v1/inventory', headers: bed.auth('read') });
    expect(res.json<Json>()).toMatchObject({
      servers: [],
      notScanned: expect.arrayContaining([bed.fleet.bmcs[0]!.name]),
    });
  });

  it('POST /api/v1/inventory/refresh: 202 + an operation that sweeps the BMCs into the store', async () => {
    const res = await bed.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/refresh',
      headers: bed.auth('operator'),
    });
    expect(res.status).toBe(202);
    const op = res.json<Json>();
    expect(op).toMatchObject({ kind: 'inventory-refresh', status: 'running', requestedBy: 'ops' });
    expect(res.headers['location']).toBe(`/api/v1/operations/${op.id}`);
    const done = await settle(bed, op.href);
    expect(done).toMatchObject({
      status: 'succeeded',
      result: { outcome: 'ok', data: { servers: 3, read: 3 } },
    });
    // Journalled as the daemon job would be, but with the API caller as actor; and the call audited.
    const journal = await bed.store.journal();
    expect(journal.find((e) => e.event === 'job-inventory-scan')?.actor).toBe('api:ops');
    expect(journal.find((e) => e.event === 'api-call')).toMatchObject({
      actor: 'api:ops',
      data: { method: 'POST', route: '/api/v1/inventory/refresh', status: 202 },
    });
  });

  it('GET /api/v1/inventory returns the snapshots, filtered by ?server=', async () => {
    const all = (await bed.app.inject({ url: '/api/v1/inventory', headers: bed.auth('read') })).json<Json>();
    expect(all.servers).toHaveLength(3);
    expect(all.notScanned).toEqual([]);
    expect(all.servers.every((s: Json) => s.components.length > 0 && !s.error)).toBe(true);
    const name = bed.fleet.bmcs[1]!.name;
    const one = (
      await bed.app.inject({ url: `/api/v1/inventory?server=${name}`, headers: bed.auth('read') })
    ).json<Json>();
    expect(one.servers.map((s: Json) => s.server)).toEqual([name]);
  });

  it('a body on the refresh must be an empty object', async () => {
    const res = await bed.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/refresh',
      headers: bed.auth('operator'),
      body: { servers: ['x'] },
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_VALIDATION', field: 'body' } });
  });
});

describe('compliance, export, plan', () => {
  it('GET /api/v1/compliance: counts per kind and acting versions of lines with a target', async () => {
    const body = (
      await bed.app.inject({ url: '/api/v1/compliance', headers: bed.auth('read') })
    ).json<Json>();
    expect(body.notScanned).toEqual([]);
    // The simulated catalog carries a newer BMC and BIOS for every vendor: those are outdated.
    for (const kind of ['bmc', 'bios']) {
      expect(body.byKind[kind].outdated, kind).toBeGreaterThan(0);
      const lines = body.byKind[kind].lines.filter((l: Json) => l.targets.length > 0);
      expect(lines.length, kind).toBeGreaterThan(0);
      for (const l of lines) {
        expect(l.converged).toBe(false);
        expect(l.lowest).toEqual(expect.any(String));
      }
    }
    const sum = Object.values(body.byKind as Record<string, Json>).reduce(
      (n, k) => n + k.compliant + k.outdated + k.unknown,
      0,
    );
    expect(sum).toBe(body.totals.compliant + body.totals.outdated + body.totals.unknown);
  });

  it('GET /api/v1/compliance/export: CSV with a header and one row per component, the same rows as JSON', async () => {
    const csv = await bed.app.inject({ url: '/api/v1/compliance/export', headers: bed.auth('read') });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="firmwarden-compliance-.*\.csv"$/,
    );
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    const json = (
      await bed.app.inject({ url: '/api/v1/compliance/export?format=json', headers: bed.auth('read') })
    ).json<Json>();
    expect(json.rows).toHaveLength(lines.length - 1);
    const plan = (await bed.app.inject({ url: '/api/v1/plan', headers: bed.auth('read') })).json<Json>();
    const decisions = plan.servers.reduce((n: number, s: Json) => n + s.decisions.length, 0);
    expect(json.rows).toHaveLength(decisions);
    const outdated = json.rows.filter((r: Json) => r.compliance === 'outdated');
    expect(outdated.length).toBeGreaterThan(0);
    expect(outdated.every((r: Json) => r.decision === 'upgrade' && r.target !== '')).toBe(true);
  });

  it('export filters by server and refuses an unknown format naming the field', async () => {
    const name = bed.fleet.bmcs[0]!.name;
    const json = (
      await bed.app.inject({
        url: `/api/v1/compliance/export?format=json&server=${name}`,
        headers: bed.auth('read'),
      })
    ).json<Json>();
    expect(new Set(json.rows.map((r: Json) => r.server))).toEqual(new Set([name]));
    const bad = await bed.app.inject({
      url: '/api/v1/compliance/export?format=xml',
      headers: bed.auth('read'),
    });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'FW_API_VALIDATION', field: 'query.format' } });
    const unknown = await bed.app.inject({
      url: '/api/v1/compliance/export?color=red',
      headers: bed.auth('read'),
    });
    expect(unknown.status).toBe(400);
  });

  it('GET /api/v1/plan: a decision with a reason for every component, filtered by ?server=', async () => {
    const names = bed.fleet.bmcs.map((b) => b.name);
    const plan = (
      await bed.app.inject({ url: `/api/v1/plan?server=${names[0]},${names[2]}`, headers: bed.auth('read') })
    ).json<Json>();
    expect(plan.servers.map((s: Json) => s.server)).toEqual([names[0], names[2]]);
    for (const s of plan.servers) for (const d of s.decisions) expect(d.reason).toEqual(expect.any(String));
    expect(plan.catalog).toMatchObject({ format: 'native' });
  });
});

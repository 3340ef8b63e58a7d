/**
 * Backups, jobs, journal, operations and dashboard routes against a simulated fleet: what the
 * API reports comes from the shared journal, so work done by the daemon's jobs shows too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardDataSchema } from '../../src/dashboard/index.ts';
import { type ApiBed, apiBed, type Json, settle } from './helpers.ts';

let bed: ApiBed;
beforeAll(async () => {
  bed = await apiBed({ sim: { count: 2, vendors: ['generic', 'openbmc'], seed: 5 } });
  // One sweep so the views have data.
  const res = await bed.app.inject({
    method: 'POST',
    url: '/api/v1/inventory/refresh',
    headers: bed.auth('operator'),
  });
  await settle(bed, res.json<Json>().href);
});
afterAll(() => bed?.close());

const get = (url: string) => bed.app.inject({ url, headers: bed.auth('read') });

describe('backups', () => {
  it('GET /api/v1/backups is empty before any check', async () => {
    expect((await get('/api/v1/backups')).json()).toEqual({ servers: {} });
  });

  it('POST /api/v1/backups/check refuses servers outside the fleet and bad fields', async () => {
    const post = (body: unknown) =>
      bed.app.inject({ method: 'POST', url: '/api/v1/backups/check', headers: bed.auth('operator'), body });
    const unknown = await post({ servers: ['nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: 'FW_API_VALIDATION', field: 'body.servers' } });
    const typo = await post({ autoRestore: 'yes' });
    expect(typo.json()).toMatchObject({ error: { field: 'body.autoRestore' } });
    const empty = await post({ servers: [] });
    expect(empty.json()).toMatchObject({ error: { field: 'body.servers' } });
  });

  it('POST /api/v1/backups/check: 202, checks the server, and GET /backups shows the result', async () => {
    const name = bed.fleet.bmcs[0]!.name;
    const res = await bed.app.inject({
      method: 'POST',
      url: '/api/v1/backups/check',
      headers: bed.auth('operator'),
      body: { servers: [name] },
    });
    expect(res.status, res.body).toBe(202);
    const op = await settle(bed, res.json<Json>().href);
    expect(op, JSON.stringify(op)).toMatchObject({ status: 'succeeded', result: { servers: 1, failed: 0 } });
    const backups = (await get('/api/v1/backups')).json<Json>();
    expect(Object.keys(backups.servers)).toContain(name);
    const check = backups.servers[name].find((e: Json) => e.event === 'backup.check');
    expect(check).toMatchObject({ actor: 'api:ops', data: { corrupted: 0 } });
    // The lease of the daemon's integrity check was held and released.
    const lease = await bed.store.acquireLease('job:integrity-check', 'probe', 1_000);
    expect(lease.holder).toBe('probe');
    await bed.store.releaseLease('job:integrity-check', 'probe');
  });
});

describe('jobs, journal, operations', () => {
  it('GET /api/v1/jobs lists daemon job runs newest first, whoever ran them', async () => {
    const runs = (await get('/api/v1/jobs')).json<Json>().runs;
    expect(runs.map((r: Json) => r.job)).toEqual(['inventory-scan', 'catalog-watch']);
    expect(runs[0]).toMatchObject({ actor: 'api:ops', outcome: 'ok' });
    expect(runs[1]).toMatchObject({ actor: expect.stringMatching(/^daemon:/), outcome: 'ok' });
    const only = (await get('/api/v1/jobs?job=catalog-watch')).json<Json>().runs;
    expect(only.map((r: Json) => r.job)).toEqual(['catalog-watch']);
    const bad = await get('/api/v1/jobs?job=nightly');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { field: 'query.job' } });
  });

  it('GET /api/v1/journal pages with ?after= and filters by server', async () => {
    const first = (await get('/api/v1/journal?limit=2')).json<Json>();
    expect(first.entries).toHaveLength(2);
    expect(first.next).toBe(first.entries[1].seq);
    const second = (await get(`/api/v1/journal?limit=2&after=${first.next}`)).json<Json>();
    expect(second.entries[0].seq).toBeGreaterThan(first.next);
    const name = bed.fleet.bmcs[0]!.name;
    const mine = (await get(`/api/v1/journal?server=${name}&limit=1000`)).json<Json>();
    expect(mine.entries.length).toBeGreaterThan(0);
    expect(mine.entries.every((e: Json) => e.server === name)).toBe(true);
    expect(mine.next).toBeUndefined();
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=5000', 'query.limit'],
    ['limit=ten', 'query.limit'],
    ['after=-1', 'query.after'],
    ['rollout=a/b', 'query.rollout'],
  ])('GET /api/v1/journal?%s: 400 naming %s', async (q, field) => {
    const res = await get(`/api/v1/journal?${q}`);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_VALIDATION', field } });
  });

  it('GET /api/v1/operations lists the operations; an unknown one is 404', async () => {
    const ops = (await get('/api/v1/operations')).json<Json>().operations;
    expect(ops.map((o: Json) => o.kind).sort()).toEqual(['backup-check', 'inventory-refresh']);
    const one = (await get(ops[0].href)).json<Json>();
    expect(one.id).toBe(ops[0].id);
    const missing = await get('/api/v1/operations/nope');
    expect(missing.status).toBe(404);
  });
});

describe('dashboard data', () => {
  it('GET /api/v1/dashboard: the DashboardData the page reads, from the store', async () => {
    const create = await bed.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: bed.auth('operator'),
      body: {
        spec: { version: 1, name: 'dash', fleet: 'fleet.yaml', catalog: 'catalog/catalog.yaml' },
        start: false,
      },
    });
    expect(create.status).toBe(201);
    const d = (await get('/api/v1/dashboard')).json<Json>();
    // Exactly the shape the page reads (its own zod schema, strict).
    expect(DashboardDataSchema.safeParse(d).error).toBeUndefined();
    expect(d.problems).toEqual([]);
    expect(d.servers.map((s: Json) => s.n).sort()).toEqual(bed.fleet.bmcs.map((b) => b.name).sort());
    const compliance = (await get('/api/v1/compliance')).json<Json>();
    const bios = d.summary.find((k: Json) => k.kind === 'bios');
    expect(bios.components.outdated).toBe(compliance.byKind.bios.outdated);
    expect(d.acting.length).toBeGreaterThan(0);
    expect(d.catalog).toMatchObject({ format: 'native' });
    expect(d.rollouts).toEqual([
      expect.objectContaining({
        name: 'dash',
        status: 'pending',
        progress: expect.objectContaining({ total: 2, pending: 2 }),
      }),
    ]);
  });

  it('serves the dashboard page with its script and style pinned by the CSP', async () => {
    const res = await bed.app.inject({ url: '/' });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^<!doctype html>/i);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.body).not.toContain(bed.tokens.read);
  });
});

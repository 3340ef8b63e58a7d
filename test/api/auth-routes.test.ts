/**
 * Every route of the table against the auth rules: no token and an unknown token get 401 with a
 * Bearer challenge, a read token on an operator route gets 403 (and the refused call is
 * journalled with the caller), public routes answer without a token. Plus the generic refusals
 * (404, 405) and that no token ever reaches a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiBed, apiBed, routeTable, samplePath } from './helpers.ts';

const ROUTES = routeTable();
const named = (access: string) =>
  ROUTES.filter((r) => r.access === access).map((r) => [`${r.method} ${r.path}`, r] as const);

let bed: ApiBed;
beforeAll(async () => {
  bed = await apiBed({ images: false, dashboardPage: () => '<!doctype html><title>firmwarden</title>' });
});
afterAll(() => bed?.close());

describe('auth on every route', () => {
  it.each([...named('read'), ...named('operator')])(
    '%s without a token: 401 and a Bearer challenge',
    async (_n, r) => {
      const res = await bed.app.inject({
        method: r.method,
        url: samplePath(r.path),
        body: r.method === 'POST' ? {} : undefined,
      });
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'FW_API_UNAUTHORIZED' } });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="firmwarden"');
    },
  );

  it.each([...named('read'), ...named('operator')])(
    '%s with an unknown token: 401 invalid_token',
    async (_n, r) => {
      const res = await bed.app.inject({
        method: r.method,
        url: samplePath(r.path),
        headers: bed.auth('bogus'),
      });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    },
  );

  it.each(named('operator'))('%s with a read token: 403, journalled with the caller', async (_n, r) => {
    const res = await bed.app.inject({
      method: r.method,
      url: samplePath(r.path),
      headers: bed.auth('read'),
      body: {},
    });
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_FORBIDDEN' } });
    const audit = (await bed.store.journal()).filter(
      (e) => e.event === 'api-call' && (e.data as { route?: string }).route === r.path,
    );
    expect(audit.at(-1)).toMatchObject({
      actor: 'api:viewer',
      data: { status: 403, code: 'FW_API_FORBIDDEN', role: 'read' },
    });
  });

  it.each(named('public'))('%s answers without a token', async (_n, r) => {
    const res = await bed.app.inject({ method: r.method, url: r.path });
    expect(res.status).toBe(200);
  });

  it('a read token may call every read route (no 401/403)', async () => {
    for (const r of ROUTES.filter((x) => x.access === 'read')) {
      const res = await bed.app.inject({ url: samplePath(r.path), headers: bed.auth('read') });
      expect([401, 403], `${r.path}: ${res.body}`).not.toContain(res.status);
    }
  });

  it('accepts the scheme name in any case, refuses other schemes', async () => {
    const lower = await bed.app.inject({
      url: '/api/v1/fleet',
      headers: { authorization: `bearer ${bed.tokens.read}` },
    });
    expect(lower.status).toBe(200);
    const basic = await bed.app.inject({
      url: '/api/v1/fleet',
      headers: { authorization: `Basic ${Buffer.from(`x:${bed.tokens.read}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
  });
});

describe('generic refusals', () => {
  it('unknown route: 404 FW_API_NOT_FOUND', async () => {
    const res = await bed.app.inject({ url: '/api/v1/nope', headers: bed.auth('read') });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_NOT_FOUND' } });
  });

  it('known route, wrong method: 405 with Allow', async () => {
    const res = await bed.app.inject({
      method: 'DELETE',
      url: '/api/v1/rollouts',
      headers: bed.auth('operator'),
    });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, POST');
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_METHOD_NOT_ALLOWED' } });
  });

  it('the dashboard page is served with a strict CSP and no data in it', async () => {
    const res = await bed.app.inject({ url: '/' });
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('tokens in logs', () => {
  it('never logs a token, and names the caller instead', async () => {
    await bed.app.inject({ url: '/api/v1/fleet', headers: bed.auth('read') });
    await bed.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts/x/pause',
      headers: bed.auth('operator'),
      body: {},
    });
    const text = bed.log.lines();
    expect(text).toContain('"caller":"viewer"');
    expect(text).toContain('"caller":"ops"');
    expect(text).not.toContain(bed.tokens.read);
    expect(text).not.toContain(bed.tokens.operator);
    expect(text.toLowerCase()).not.toContain('bearer');
  });
});

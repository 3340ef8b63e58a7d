/**
 * The API over real sockets on 127.0.0.1: plain http and HTTPS with a configured certificate, a
 * refresh started and polled over the wire against the simulated fleet, the auth challenge, the
 * body limit (413, connection closed) and /metrics as a scraper sees them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../src/api/server.ts';
import { createTlsMaterial } from '../../src/simulator/tls.ts';
import { type ApiBed, apiBed, type Json } from './helpers.ts';
import { parseExposition } from './prom-parse.ts';

let bed: ApiBed;
let server: ApiServer;
beforeAll(async () => {
  bed = await apiBed({
    images: false,
    sim: { count: 2, vendors: ['dell', 'lenovo'], seed: 2 },
    api: { maxBodyBytes: 2048 },
  });
  server = await startApiServer(bed.app, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server?.close();
  await bed?.close();
});

describe('over a socket', () => {
  it('binds the loopback address it was given', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers /healthz without a token and challenges /api/v1 without one', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${server.url}/api/v1/fleet`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="firmwarden"');
    expect(await res.json()).toMatchObject({ error: { code: 'FW_API_UNAUTHORIZED' } });
  });

  it('starts a refresh and polls it to the end over HTTP, then serves the inventory', async () => {
    const start = await fetch(`${server.url}/api/v1/inventory/refresh`, {
      method: 'POST',
      headers: bed.auth('operator'),
    });
    expect(start.status).toBe(202);
    const location = start.headers.get('location')!;
    let op = (await start.json()) as Json;
    for (let i = 0; i < 600 && op.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      op = (await (await fetch(`${server.url}${location}`, { headers: bed.auth('read') })).json()) as Json;
    }
    expect(op).toMatchObject({ status: 'succeeded', result: { outcome: 'ok' } });
    const res = await fetch(`${server.url}/api/v1/inventory`, { headers: bed.auth('read') });
    const inv = (await res.json()) as Json;
    expect(inv.servers).toHaveLength(2);
  });

  it('refuses a body over the limit with 413 and closes the connection', async () => {
    const res = await request(`${server.url}/api/v1/rollouts`, {
      method: 'POST',
      headers: { ...bed.auth('operator'), 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(10_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['connection']).toBe('close');
    expect(await res.body.json()).toMatchObject({ error: { code: 'FW_API_TOO_LARGE' } });
  });

  it('serves /metrics a scraper can parse, with the BMC traffic of the refresh', async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: bed.auth('read') });
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const m = parseExposition(await res.text());
    for (const b of bed.fleet.bmcs)
      expect(m.value('firmwarden_bmc_requests_total', { bmc: new URL(b.url).origin })).toBeGreaterThan(0);
  });

  it('serves HTTPS with the configured certificate', async () => {
    const tls = await createTlsMaterial('127.0.0.1');
    await writeFile(join(bed.dir, 'api.crt'), tls.certPem);
    await writeFile(join(bed.dir, 'api.key'), tls.keyPem, { mode: 0o600 });
    const secure = await startApiServer(bed.app, {
      host: '127.0.0.1',
      port: 0,
      tls: { cert: join(bed.dir, 'api.crt'), key: join(bed.dir, 'api.key') },
    });
    const agent = new Agent({ connect: { ca: tls.caPem } });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await request(`${secure.url}/api/v1/fleet`, {
        headers: bed.auth('read'),
        dispatcher: agent,
      });
      expect(res.statusCode).toBe(200);
      expect(((await res.body.json()) as Json).servers).toHaveLength(2);
      // A client that does not trust the certificate cannot talk to it.
      await expect(request(`${secure.url}/healthz`)).rejects.toThrow();
    } finally {
      await agent.close();
      await secure.close();
    }
  });
});

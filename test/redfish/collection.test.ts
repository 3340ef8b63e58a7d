/**
 * Collection reads against a local service over loopback: a member cap checked before any member
 * is read, per-BMC concurrency kept, and queued member reads abandoned after the first failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedfishClient } from '../../src/redfish/client.ts';
import { readMembers } from '../../src/redfish/collection.ts';
import { ResourceSchema } from '../../src/redfish/models/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const MEMBERS = 150;
const PAGE = 50;
const BASE = '/redfish/v1/UpdateService/FirmwareInventory';
let server: Server;
let url: string;
let memberGets = 0;
let inFlight = 0;
let maxInFlight = 0;
/** Member index answering 404 (not retried), or -1. */
let failing = -1;
let connections = 0;
const SHORT = '/redfish/v1/Short';

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (path === '/redfish/v1/') return json(200, { '@odata.id': '/redfish/v1/', RedfishVersion: '1.6.0' });
    // Pages of bare links: ?page=N, with a nextLink until the last.
    const page = /^\/redfish\/v1\/UpdateService\/FirmwareInventory(?:\?page=(\d+))?$/.exec(path);
    if (page) {
      const n = Number(page[1] ?? 0);
      const ids = Array.from({ length: PAGE }, (_, i) => n * PAGE + i).filter((i) => i < MEMBERS);
      const next = (n + 1) * PAGE < MEMBERS ? { 'Members@odata.nextLink': `${BASE}?page=${n + 1}` } : {};
      return json(200, {
        '@odata.id': BASE,
        'Members@odata.count': MEMBERS,
        Members: ids.map((i) => ({ '@odata.id': `${BASE}/fw-${i}` })),
        ...next,
      });
    }
    if (path === SHORT) {
      return json(200, {
        '@odata.id': SHORT,
        Members: [0, 1, 2].map((i) => ({ '@odata.id': `${BASE}/fw-${i}` })),
      });
    }
    const member = /\/fw-(\d+)$/.exec(path);
    if (member) {
      memberGets++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        const i = Number(member[1]);
        if (i === failing) return json(404, {});
        json(200, { '@odata.id': `${BASE}/fw-${i}`, Id: `fw-${i}`, Version: '1.0' });
      }, 5);
      return;
    }
    json(404, {});
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  memberGets = 0;
  maxInFlight = 0;
  failing = -1;
  connections = 0;
});

function client(maxCollectionMembers?: number) {
  return new RedfishClient(
    {
      url,
      allowHttp: true,
      maxConcurrency: 3,
      retry: { attempts: 1 },
      ...(maxCollectionMembers !== undefined ? { maxCollectionMembers } : {}),
    },
    { clock: fakeClock(), logger: captureLogger().logger },
  );
}

describe('readMembers', () => {
  it('reads every member of a paged collection, at most maxConcurrency at a time', async () => {
    const c = client();
    const members = await readMembers(c, BASE, ResourceSchema);
    expect(members.map((m) => m.Id)).toEqual(Array.from({ length: MEMBERS }, (_, i) => `fw-${i}`));
    expect(memberGets).toBe(MEMBERS);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    // 150 members are worth all three connections.
    expect(maxInFlight).toBe(3);
    await c.close();
  });

  it('reads a short collection and its members on one connection (a new one costs a TLS handshake)', async () => {
    const c = client();
    const members = await readMembers(c, SHORT, ResourceSchema);
    expect(members.map((m) => m.Id)).toEqual(['fw-0', 'fw-1', 'fw-2']);
    expect(memberGets).toBe(3);
    expect(connections).toBe(1);
    await c.close();
  });

  it('refuses a collection past the member cap before reading any member, naming URI and count', async () => {
    const c = client(80);
    const err = await readMembers(c, BASE, ResourceSchema).catch((e) => e);
    expect(err.code).toBe('FW_ERR_COLLECTION_TOO_LARGE');
    expect(err.message).toContain(`${url}${BASE}`);
    expect(err.message).toMatch(/100\+ members, more than the 80 allowed/);
    expect(memberGets).toBe(0);
    await c.close();
  });

  it('takes the cap per call too', async () => {
    const c = client();
    const err = await readMembers(c, BASE, ResourceSchema, { maxMembers: 149 }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_COLLECTION_TOO_LARGE');
    expect(err.message).toMatch(/150 members, more than the 149 allowed/);
    await c.close();
  });

  it('stops at the first failed member: queued reads are abandoned, not sent', async () => {
    failing = 4;
    const c = client();
    const err = await readMembers(c, BASE, ResourceSchema).catch((e) => e);
    expect(err.code).toBe('FW_ERR_HTTP');
    expect(err.message).toContain('/fw-4');
    // close() waits for everything still queued in the pool: nothing more goes out.
    await c.close();
    expect(memberGets).toBeLessThan(4 + 3 + 3);
  });
});

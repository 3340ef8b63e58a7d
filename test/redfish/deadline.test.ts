/**
 * Total deadlines over real loopback sockets: a BMC that trickles its body, one that never sends
 * headers, and uploads whose budget grows with their size. Deadlines are hundreds of ms here.
 */

import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FirmwardenError, RedfishConnectionError } from '../../src/errors.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { DEFAULT_TRANSPORT, RedfishTransport, type Timeouts } from '../../src/redfish/transport.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const seen: string[] = [];
const timers = new Set<NodeJS.Timeout>();
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const handler = routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  for (const t of timers) clearInterval(t);
  timers.clear();
  seen.length = 0;
  server.closeAllConnections();
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Every `everyMs` one more byte of a JSON body that never ends. */
function trickle(everyMs: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"Members": [');
    const t = setInterval(() => res.write(' '), everyMs);
    timers.add(t);
    res.on('close', () => clearInterval(t));
  };
}

/** Reads the whole request body, then answers 202 after `delayMs`. */
function slowAnswer(delayMs: number): Handler {
  return (req, res) => {
    req.resume();
    req.on('end', () => {
      const t = setTimeout(() => res.writeHead(202, { location: '/task/1' }).end(), delayMs);
      timers.add(t);
    });
  };
}

function transport(timeouts: Partial<Timeouts>, attempts = 4) {
  return new RedfishTransport(
    {
      baseUrl: origin,
      tls: {},
      maxConcurrency: 2,
      timeouts: { ...DEFAULT_TRANSPORT.timeouts, ...timeouts },
      retry: { attempts, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 1000 },
      maxResponseBytes: 1024 * 1024,
    },
    { clock: fakeClock(), logger: captureLogger().logger },
  );
}

describe('request deadlines', () => {
  it('ends a body trickling a byte at a time that no idle timeout ever catches', async () => {
    routes.set('/redfish/v1/Systems', trickle(50));
    const t = transport({ bodyMs: 1000, totalMs: 400 });
    const err = await t.send({ method: 'GET', uri: '/redfish/v1/Systems' }).catch((e) => e);
    expect(err).toBeInstanceOf(RedfishConnectionError);
    expect(err.code).toBe('FW_ERR_TIMEOUT');
    expect(err.message).toContain(`${origin}/redfish/v1/Systems`);
    expect(err.message).toContain('timeouts.totalMs');
    await t.destroy();
  });

  it('bounds late headers by the total deadline, retries included', async () => {
    // Headers never come: each try would wait headersMs, four tries four times that.
    routes.set('/redfish/v1/Managers', () => {});
    const t = transport({ headersMs: 300, totalMs: 500 });
    const err = await t.send({ method: 'GET', uri: '/redfish/v1/Managers' }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_TIMEOUT');
    expect(err.message).toContain('timeouts.totalMs');
    expect(seen.filter((r) => r === 'GET /redfish/v1/Managers').length).toBeLessThan(4);
    await t.destroy();
  });

  it('names the per-try headers timeout when that is what expired', async () => {
    routes.set('/redfish/v1/Chassis', () => {});
    const t = transport({ headersMs: 200, totalMs: 5000 }, 1);
    const err = await t.send({ method: 'GET', uri: '/redfish/v1/Chassis' }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_TIMEOUT');
    expect(err.message).toContain('timeouts.headersMs');
    await t.destroy();
  });

  it('gives an upload its size on top of the total deadline', async () => {
    routes.set('/upload', slowAnswer(800));
    const t = transport({ totalMs: 300, uploadBytesPerSecond: 16 * 1024 });
    const image = Buffer.alloc(64 * 1024, 7);
    // 300 ms + 64 KiB at 16 KiB/s: 4.3 s for an answer that comes after 0.8 s.
    const res = await t.send({
      method: 'POST',
      uri: '/upload',
      body: { raw: image, contentType: 'application/octet-stream', length: image.length },
    });
    expect(res.status).toBe(202);
    // The same wait on a JSON POST is past its deadline.
    const err = await t.send({ method: 'POST', uri: '/upload', body: { json: {} } }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_TIMEOUT');
    await t.destroy();
  });

  it("takes a caller's deadline through the client", async () => {
    routes.set('/redfish/v1/TaskService', () => {});
    const c = new RedfishClient(
      { url: origin, allowHttp: true },
      { clock: fakeClock(), logger: captureLogger().logger },
    );
    const err = await c.request('GET', '/redfish/v1/TaskService', { deadlineMs: 300 }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_TIMEOUT');
    expect(err.message).toContain('request deadline (deadlineMs) of 300 ms expired');
    await c.transport.destroy();
  });

  it("leaves no listener on a caller's signal once a request is over, and still obeys it", async () => {
    routes.set('/redfish/v1/ok', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    );
    routes.set('/redfish/v1/hang', () => {});
    const t = transport({ totalMs: 5000 }, 1);
    // A sweep's scan signal lives through every request of a server: nothing may pile up on it.
    const caller = new AbortController();
    for (let i = 0; i < 20; i++)
      await t.send({ method: 'GET', uri: '/redfish/v1/ok', signal: caller.signal });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    const pending = t.send({ method: 'GET', uri: '/redfish/v1/hang', signal: caller.signal }).catch((e) => e);
    setTimeout(() => caller.abort(new FirmwardenError('FW_ERR_TIMEOUT', 'scan deadline expired')), 50);
    const err = await pending;
    expect(err.code).toBe('FW_ERR_TIMEOUT');
    expect(err.message).toContain('/redfish/v1/hang');
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    await t.destroy();
  });

  it('sizes upload deadlines from the default rate, and takes a caller deadline as given', () => {
    const t = transport({});
    const gib = 1024 ** 3;
    const upload = t.deadlineOf({
      method: 'POST',
      uri: '/u',
      body: { raw: Buffer.alloc(0), contentType: 'application/octet-stream', length: gib },
    });
    expect(upload.ms).toBe(120_000 + 4_096_000);
    expect(t.deadlineOf({ method: 'GET', uri: '/x' }).ms).toBe(120_000);
    expect(t.deadlineOf({ method: 'GET', uri: '/x', deadlineMs: 5 }).ms).toBe(5);
  });
});

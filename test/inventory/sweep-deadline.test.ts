/**
 * A sweep's per-server deadline, against a local BMC over loopback whose UpdateService trickles
 * its body a byte at a time: the scan ends with FW_ERR_TIMEOUT at its deadline and the session
 * is still logged out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/deps.ts';
import type { ResolvedServer } from '../../src/fleet/load.ts';
import { scanOne, sweepFleet } from '../../src/inventory/sweep.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

let server: Server;
let url: string;
let logouts = 0;
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (req.url === '/redfish/v1/') {
      return json(200, {
        '@odata.id': '/redfish/v1/',
        RedfishVersion: '1.6.0',
        UpdateService: { '@odata.id': '/redfish/v1/UpdateService' },
      });
    }
    if (req.method === 'POST' && req.url === '/redfish/v1/SessionService/Sessions') {
      req.resume();
      return json(201, {}, { 'x-auth-token': 't0ken', location: '/redfish/v1/SessionService/Sessions/1' });
    }
    if (req.method === 'DELETE' && req.url === '/redfish/v1/SessionService/Sessions/1') {
      logouts++;
      return res.writeHead(204).end();
    }
    // Everything else trickles: headers at once, then one byte every 50 ms, never the end.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
    const t = setInterval(() => res.write(' '), 50);
    timers.add(t);
    res.on('close', () => clearInterval(t));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  for (const t of timers) clearInterval(t);
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

function entry(name: string, scanMs?: number): ResolvedServer {
  return {
    name,
    bmc: url,
    labels: {},
    client: { url, name, allowHttp: true, credentials: { username: 'root', password: 'calvin' } },
    ...(scanMs !== undefined ? { scanMs } : {}),
  };
}

const deps = () => defaultDeps({ clock: fakeClock(), logger: captureLogger().logger });

describe('sweep deadlines', () => {
  it('ends a scan at its deadline with FW_ERR_TIMEOUT naming the URI, and still logs out', async () => {
    const before = logouts;
    const inv = await scanOne(entry('slow'), deps(), { scanMs: 400 });
    expect(inv.error?.code).toBe('FW_ERR_TIMEOUT');
    expect(inv.error?.message).toContain(`${url}/redfish/v1/UpdateService`);
    expect(inv.error?.message).toContain('timeouts.scanMs');
    expect(logouts).toBe(before + 1);
  });

  it("takes a fleet entry's scanMs over the sweep's", async () => {
    const fleet = await sweepFleet([entry('own-deadline', 300)], deps(), { scanMs: 60_000 });
    expect(fleet.failed).toBe(1);
    expect(fleet.servers[0]?.error?.message).toContain('300 ms');
  });
});

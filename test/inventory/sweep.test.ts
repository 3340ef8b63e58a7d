/**
 * Inventory over real HTTPS sockets against the simulator: every vendor profile, every fault
 * switch, session hygiene, TLS pinning and secrets kept out of the logs.
 */
import { channel } from 'node:diagnostics_channel';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultDeps } from '../../src/deps.ts';
import { loadFleetFile, type ResolvedServer } from '../../src/fleet/load.ts';
import { scanOne, sweepFleet } from '../../src/inventory/sweep.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { CollectionSchema } from '../../src/redfish/models/index.ts';
import { RedfishTransport } from '../../src/redfish/transport.ts';
import {
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];
let fleet: SimFleet;
let servers: ResolvedServer[];

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: 12, vendors: VENDORS, seed: 3 });
  const dir = await mkdtemp(join(tmpdir(), 'fw-inv-'));
  const files = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
  servers = await loadFleetFile(files.fleetFile);
});
afterAll(() => fleet?.close());

/** Deps with a fake clock (retry waits are instant) and a capturing logger. */
function testDeps() {
  const log = captureLogger();
  return { deps: defaultDeps({ clock: fakeClock(), logger: log.logger }), log };
}
const serverOf = (bmc: SimBmc) => servers.find((s) => s.name === bmc.name) as ResolvedServer;
const firstOf = (vendor: SimVendor) => fleet.bmcs.find((b) => b.vendor === vendor) as SimBmc;
function fresh(bmc: SimBmc) {
  bmc.setFaults({
    latencyMs: 0,
    errorRate: 0,
    resetRate: 0,
    unavailable: { remaining: 0, retryAfterSeconds: 1 },
  });
  bmc.resetStats();
  return bmc;
}

describe('inventory against every vendor profile', () => {
  it.each(VENDORS)('%s: detects the vendor, reads BMC and BIOS, logs out', async (vendor) => {
    const bmc = fresh(firstOf(vendor));
    const { deps } = testDeps();
    const inv = await scanOne(serverOf(bmc), deps);
    expect(inv.error).toBeUndefined();
    expect(inv.vendor).toBe(vendor);
    const kinds = inv.components.map((c) => c.kind);
    expect(kinds).toContain('bmc');
    expect(kinds).toContain('bios');
    for (const c of inv.components) {
      expect(c.slot).toBe('active');
      expect(c.uri.endsWith('/')).toBe(false);
    }
    expect(bmc.stats.sessionsCreated).toBeGreaterThan(0);
    expect(bmc.stats.openSessions).toBe(0);
    expect(bmc.stats.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('reads the Manager (its LastResetTime) only when asked: one request more', async () => {
    const { deps } = testDeps();
    const bmc = fresh(firstOf('openbmc'));
    const plain = await scanOne(serverOf(bmc), deps);
    expect(plain.lastReset).toEqual({ system: expect.any(String) });
    const managerGets = () =>
      Object.entries(bmc.stats.byRoute)
        .filter(([route]) => route.startsWith('GET /redfish/v1/Managers'))
        .reduce((n, [, count]) => n + count, 0);
    expect(managerGets()).toBe(0);
    const withResets = await scanOne(serverOf(bmc), deps, { resets: true });
    expect(withResets.lastReset).toEqual({ system: expect.any(String), bmc: expect.any(String) });
    expect(managerGets()).toBeGreaterThan(0);
  });

  it('never reports Dell Previous-/Available- entries or backup banks as installed', async () => {
    const { deps } = testDeps();
    for (const vendor of ['dell', 'lenovo', 'openbmc'] as const) {
      const inv = await scanOne(serverOf(fresh(firstOf(vendor))), deps);
      expect(inv.copies.length, vendor).toBeGreaterThan(0);
      if (vendor === 'dell') {
        expect(inv.components.some((c) => /^(Previous|Available)-/.test(c.id))).toBe(false);
        expect(inv.copies.every((c) => /^(Previous|Available)-/.test(c.id))).toBe(true);
      }
    }
  });

  it('sweeps the whole mixed fleet with every session logged out', async () => {
    const { deps } = testDeps();
    for (const b of fleet.bmcs) fresh(b);
    const seen: string[] = [];
    const inv = await sweepFleet(servers, deps, { concurrency: 5, onServer: (s) => seen.push(s.server) });
    expect(inv.failed).toBe(0);
    expect(inv.servers.map((s) => s.server)).toEqual(servers.map((s) => s.name));
    expect(seen.sort()).toEqual(servers.map((s) => s.name).sort());
    for (const b of fleet.bmcs) {
      expect(b.stats.openSessions, b.name).toBe(0);
      expect(b.stats.maxInFlight, b.name).toBeLessThanOrEqual(4);
    }
  });

  it('keep: false streams each result to onServer and holds none (failures still counted)', async () => {
    const broken = fresh(firstOf('lenovo'));
    const healthy = fresh(firstOf('openbmc'));
    broken.setFaults({ resetRate: 1 });
    try {
      const seen: string[] = [];
      const inv = await sweepFleet([serverOf(broken), serverOf(healthy)], testDeps().deps, {
        keep: false,
        onServer: (s) => seen.push(`${s.server}:${s.error ? 'failed' : s.components.length > 0}`),
      });
      expect(inv.servers).toEqual([]);
      expect(inv.failed).toBe(1);
      expect(seen.sort()).toEqual([`${broken.name}:failed`, `${healthy.name}:true`].sort());
    } finally {
      broken.setFaults({ resetRate: 0 });
    }
  });

  it('uses $expand where the service announces it: no per-member GETs', async () => {
    const bmc = fresh(firstOf('dell'));
    const { deps } = testDeps();
    await scanOne(serverOf(bmc), deps);
    const memberGets = Object.keys(bmc.stats.byRoute).filter((r) => /^GET .*FirmwareInventory\/.+/.test(r));
    expect(memberGets).toEqual([]);
  });
});

describe('connections', () => {
  it.each(VENDORS)(
    '%s: a scan makes one TLS connection (a handshake is the costliest step)',
    async (vendor) => {
      const bmc = fresh(firstOf(vendor));
      const { deps } = testDeps();
      let connected = 0;
      const onConnect = () => {
        connected++;
      };
      channel('undici:client:connected').subscribe(onConnect);
      try {
        const inv = await scanOne(serverOf(bmc), deps, { resets: true });
        expect(inv.error).toBeUndefined();
      } finally {
        channel('undici:client:connected').unsubscribe(onConnect);
      }
      expect(connected).toBe(1);
    },
  );
});

describe('fault switches', () => {
  it('latency: answers arrive late but complete', async () => {
    const bmc = fresh(firstOf('generic'));
    bmc.setFaults({ latencyMs: 40 });
    const started = Date.now();
    const inv = await scanOne(serverOf(bmc), testDeps().deps);
    expect(inv.error).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(40 * 3);
  });

  it('error rate: idempotent reads are retried until they succeed', async () => {
    const bmc = fresh(firstOf('supermicro'));
    // Basic auth so the login POST (never retried after a 500) is not the request that fails.
    bmc.setFaults({ errorRate: 0.3 });
    const server = serverOf(bmc);
    const inv = await scanOne({ ...server, client: { ...server.client, auth: 'basic' } }, testDeps().deps);
    expect(inv.error).toBeUndefined();
    expect(bmc.stats.requests).toBeGreaterThan(inv.requests ? 0 : 1);
  });

  it('503 + Retry-After: waits as told, then succeeds', async () => {
    const bmc = fresh(firstOf('hpe'));
    bmc.setFaults({ unavailable: { remaining: 2, retryAfterSeconds: 3 } });
    const { deps } = testDeps();
    const inv = await scanOne(serverOf(bmc), deps);
    expect(inv.error).toBeUndefined();
    expect((deps.clock as ReturnType<typeof fakeClock>).sleeps.filter((ms) => ms === 3000)).toHaveLength(2);
  });

  it('connection resets on every request: the server is reported failed, the sweep goes on', async () => {
    const broken = fresh(firstOf('lenovo'));
    const healthy = fresh(firstOf('openbmc'));
    broken.setFaults({ resetRate: 1 });
    try {
      const { deps, log } = testDeps();
      const inv = await sweepFleet([serverOf(broken), serverOf(healthy)], deps);
      expect(inv.failed).toBe(1);
      const failed = inv.servers.find((s) => s.server === broken.name);
      expect(failed?.error?.code).toBe('FW_ERR_CONNECTION_LOST');
      expect(failed?.error?.message).toContain(broken.url);
      // The caller reports the failure (CLI table, job summary): the log line is a record (info),
      // not a second copy of it on an operator's console.
      expect(log.lines()).toMatch(/"level":30,[^\n]*"msg":"inventory scan failed"/);
      expect(inv.servers.find((s) => s.server === healthy.name)?.components.length).toBeGreaterThan(0);
    } finally {
      broken.setFaults({ resetRate: 0 });
    }
  });

  it('session expiry: one fresh login, then the scan completes', async () => {
    const bmc = fresh(firstOf('dell'));
    const { deps, log } = testDeps();
    const client = new RedfishClient(serverOf(bmc).client, deps);
    try {
      await client.get('/redfish/v1/Systems', CollectionSchema);
      bmc.expireSessions();
      const root = await client.get('/redfish/v1/Managers', CollectionSchema);
      expect(root.Members.length).toBeGreaterThan(0);
      expect(bmc.stats.sessionsCreated).toBe(2);
      // Routine (a BMC reset does it): debug, off an operator's console.
      expect(log.lines()).toMatch(/"level":20,[^\n]*"msg":"redfish session rejected; logging in again"/);
    } finally {
      await client.close();
    }
    expect(bmc.stats.openSessions).toBe(0);
  });

  it('session limit reached: falls back to Basic auth and says so', async () => {
    const bmc = fresh(firstOf('dell'));
    bmc.setFaults({ maxSessions: 0 });
    try {
      const { deps, log } = testDeps();
      const inv = await scanOne(serverOf(bmc), deps);
      expect(inv.error).toBeUndefined();
      expect(bmc.stats.sessionsCreated).toBe(0);
      expect(log.lines()).toContain('falling back to basic auth');
    } finally {
      bmc.setFaults({ maxSessions: undefined });
    }
  });

  it('wrong password: FW_ERR_AUTH naming the BMC, no Basic retry', async () => {
    const bmc = fresh(firstOf('openbmc'));
    const server = serverOf(bmc);
    const wrong = {
      ...server,
      client: { ...server.client, credentials: { username: 'admin', password: 'nope' } },
    };
    const inv = await scanOne(wrong, testDeps().deps);
    expect(inv.error?.code).toBe('FW_ERR_AUTH');
    expect(inv.error?.message).toContain(bmc.url);
  });
});

describe('TLS against the simulator', () => {
  it('a pinned fingerprint of the served certificate is accepted; a wrong one is refused', async () => {
    const bmc = fresh(firstOf('generic'));
    const server = serverOf(bmc);
    const pinned = {
      ...server,
      client: { ...server.client, tls: { fingerprint: bmc.certFingerprint256 as string } },
    };
    expect((await scanOne(pinned, testDeps().deps)).error).toBeUndefined();
    const wrong = { ...server, client: { ...server.client, tls: { fingerprint: '00'.repeat(32) } } };
    const inv = await scanOne(wrong, testDeps().deps);
    expect(inv.error?.code).toBe('FW_ERR_TLS_PIN');
    expect(bmc.stats.openSessions).toBe(0);
  });

  it('without the fleet CA the self-signed chain is refused', async () => {
    const bmc = fresh(firstOf('generic'));
    const server = serverOf(bmc);
    const inv = await scanOne({ ...server, client: { ...server.client, tls: {} } }, testDeps().deps);
    expect(inv.error?.code).toBe('FW_ERR_TLS');
  });
});

describe('secrets stay out of the logs', () => {
  it('no password, Basic credential or session token at trace level', async () => {
    const tokens: string[] = [];
    const { deps, log } = testDeps();
    const origSend = RedfishTransport.prototype.send;
    const spy = vi.spyOn(RedfishTransport.prototype, 'send').mockImplementation(async function (
      this: unknown,
      req,
    ) {
      const res = await origSend.call(this as never, req);
      if (res.headers['x-auth-token']) tokens.push(res.headers['x-auth-token']);
      return res;
    });
    try {
      const bmc = fresh(firstOf('hpe'));
      bmc.setFaults({ errorRate: 0.2 });
      await scanOne(serverOf(bmc), deps);
      const basic = {
        ...serverOf(firstOf('generic')),
        client: { ...serverOf(firstOf('generic')).client, auth: 'basic' as const },
      };
      await scanOne(basic, deps);
      bmc.setFaults({ errorRate: 0 });
    } finally {
      spy.mockRestore();
    }
    const text = log.lines();
    expect(tokens.length).toBeGreaterThan(0);
    expect(text.length).toBeGreaterThan(0);
    expect(text).toContain('redfish request');
    const password = firstOf('hpe').password;
    expect(text).not.toContain(password);
    expect(text).not.toContain(Buffer.from(`admin:${password}`).toString('base64'));
    for (const t of tokens) expect(text).not.toContain(t);
  });
});

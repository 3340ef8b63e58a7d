/** Fleets: the fleet file they describe themselves with, TLS, the admin endpoint, 1000 BMCs. */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FleetFileSchema } from '../../src/fleet/schema.ts';
import { type SimBmc, type SimFleet, startSimulatedFleet } from '../../src/simulator/index.ts';
import { createCaller, firstMessageId, pathOf } from './helpers.ts';

let fleet: SimFleet;
let dir: string;

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: 40, adminPort: 0, seed: 3 });
  dir = await mkdtemp(join(tmpdir(), 'fw-sim-'));
});
afterAll(async () => {
  await fleet.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fleet layout', () => {
  it('names BMCs sim-0001.. and assigns vendors round-robin', () => {
    expect(fleet.bmcs.map((b) => b.name).slice(0, 3)).toEqual(['sim-0001', 'sim-0002', 'sim-0003']);
    expect(fleet.bmcs.slice(0, 7).map((b) => b.vendor)).toEqual([
      'generic',
      'dell',
      'hpe',
      'lenovo',
      'supermicro',
      'openbmc',
      'generic',
    ]);
    expect(fleet.bmc('sim-0002').vendor).toBe('dell');
    expect(() => fleet.bmc('nope')).toThrow(/no simulated BMC/);
    expect(new Set(fleet.bmcs.map((b) => b.url)).size).toBe(40);
  });
});

describe('fleet document', () => {
  it('validates against FleetFileSchema with vendor hints and site/rack/role labels', () => {
    const doc = fleet.fleetDocument({ caFile: 'fleet-ca.pem', passwordFile: 'fleet.password' });
    const parsed = FleetFileSchema.parse(doc);
    expect(parsed.defaults?.tls).toEqual({ ca: 'fleet-ca.pem' });
    expect(parsed.defaults?.credentials).toEqual({ username: 'admin', passwordFile: 'fleet.password' });
    expect(parsed.servers).toHaveLength(40);
    const first = parsed.servers[0];
    expect(first).toMatchObject({ name: 'sim-0001', vendor: 'generic', bmc: fleet.bmcs[0]?.url });
    expect(first?.labels).toEqual({ site: 'sim-a', rack: 'r01', role: 'compute' });
    expect(parsed.servers[16]?.labels).toEqual({ site: 'sim-b', rack: 'r02', role: 'compute' });
    expect(new Set(parsed.servers.map((s) => s.labels?.['role']))).toEqual(new Set(['compute', 'storage']));
  });

  it('pins the certificate fingerprint when no CA file is named, and allows http for plain fleets', async () => {
    const pinned = FleetFileSchema.parse(fleet.fleetDocument({ passwordFile: 'pw' }));
    expect(pinned.defaults?.tls?.fingerprint).toBe(fleet.bmcs[0]?.certFingerprint256);
    const plain = await startSimulatedFleet({ count: 2, tls: false });
    try {
      const doc = FleetFileSchema.parse(plain.fleetDocument({ passwordFile: 'pw' }));
      expect(doc.defaults?.allowHttp).toBe(true);
      expect(doc.servers[0]?.bmc).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await plain.close();
    }
  });

  it.each(['fleet.yaml', 'fleet.json'])(
    'writes %s, the CA PEM and a 0600 password file beside it',
    async (name) => {
      const sub = join(dir, name.replace('.', '-'));
      const written = await fleet.writeFleetFile(join(sub, name));
      expect(written).toEqual({
        fleetFile: join(sub, name),
        caFile: join(sub, 'fleet-ca.pem'),
        passwordFile: join(sub, 'fleet.password'),
      });
      const text = await readFile(written.fleetFile, 'utf8');
      const doc = FleetFileSchema.parse(name.endsWith('.json') ? JSON.parse(text) : parse(text));
      expect(doc.defaults?.credentials?.passwordFile).toBe('fleet.password');
      expect(doc.defaults?.tls?.ca).toBe('fleet-ca.pem');
      expect((await stat(written.passwordFile)).mode & 0o777).toBe(0o600);
      expect((await readFile(written.passwordFile, 'utf8')).trim()).toBe(fleet.bmcs[0]?.password);
      expect(await readFile(written.caFile as string, 'utf8')).toBe(fleet.caPem);
    },
  );
});

describe('TLS', () => {
  const handshake = (bmc: SimBmc, ca?: string) =>
    new Promise<{ authorized: boolean; error?: string; cert: PeerCertificate }>((resolve, reject) => {
      const url = new URL(bmc.url);
      const socket = connect({
        host: url.hostname,
        port: Number(url.port),
        rejectUnauthorized: false,
        ...(ca ? { ca } : {}),
      });
      socket.once('secureConnect', () => {
        const result = {
          authorized: socket.authorized,
          cert: socket.getPeerCertificate(),
          ...(socket.authorizationError ? { error: String(socket.authorizationError) } : {}),
        };
        socket.end();
        resolve(result);
      });
      socket.once('error', reject);
    });

  it('serves a certificate that verifies against caPem and whose sha256 is certFingerprint256', async () => {
    const bmc = fleet.bmcs[5] as SimBmc;
    const ok = await handshake(bmc, fleet.caPem);
    expect(ok.authorized).toBe(true);
    expect(ok.cert.fingerprint256.replaceAll(':', '').toLowerCase()).toBe(bmc.certFingerprint256);
    expect(bmc.certFingerprint256).toMatch(/^[0-9a-f]{64}$/);
    const untrusted = await handshake(bmc);
    expect(untrusted.authorized).toBe(false);
  });
});

describe('admin endpoint', () => {
  const admin = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${fleet.adminUrl}${path}`, init);
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };

  it('lists the BMCs with urls and stats', async () => {
    expect(fleet.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, json } = await admin('/sim/bmcs');
    expect(status).toBe(200);
    expect(json.bmcs).toHaveLength(40);
    expect(json.bmcs[1]).toMatchObject({ name: 'sim-0002', vendor: 'dell', url: fleet.bmcs[1]?.url });
    expect(json.bmcs[1].stats.requests).toEqual(expect.any(Number));
  });

  it('patches one BMC’s faults, which its next answers show', async () => {
    const bmc = fleet.bmc('sim-0003');
    const caller = createCaller(fleet.caPem);
    const patched = await admin('/sim/bmcs/sim-0003/faults', {
      method: 'PATCH',
      body: JSON.stringify({ errorRate: 1, unavailable: { retryAfterSeconds: 9 } }),
    });
    expect(patched.status).toBe(200);
    expect(patched.json.faults).toMatchObject({
      errorRate: 1,
      unavailable: { remaining: 0, retryAfterSeconds: 9 },
    });
    const r = await caller.call(bmc, '/redfish/v1');
    expect(r.status).toBe(500);
    expect(firstMessageId(r.json)).toMatch(/InternalError$/);
    await admin('/sim/faults', { method: 'PATCH', body: JSON.stringify({ errorRate: 0 }) });
    expect((await caller.call(bmc, '/redfish/v1')).status).toBe(200);
    await caller.close();
  });

  it('rejects bad patches and unknown BMCs', async () => {
    expect(
      (await admin('/sim/bmcs/sim-0003/faults', { method: 'PATCH', body: '{"errorRate": 2}' })).status,
    ).toBe(400);
    expect((await admin('/sim/bmcs/sim-0003/faults', { method: 'PATCH', body: '{"bogus": 1}' })).status).toBe(
      400,
    );
    expect((await admin('/sim/bmcs/sim-0003/faults', { method: 'PATCH', body: 'not json' })).status).toBe(
      400,
    );
    expect((await admin('/sim/bmcs/nope/faults', { method: 'PATCH', body: '{}' })).status).toBe(404);
  });

  it('expires a BMC’s sessions on request', async () => {
    const bmc = fleet.bmc('sim-0004');
    const caller = createCaller(fleet.caPem);
    const { token } = await caller.login(bmc);
    expect((await admin('/sim/bmcs/sim-0004/expire-sessions', { method: 'POST' })).status).toBe(204);
    expect((await caller.call(bmc, '/redfish/v1/Systems', { token })).status).toBe(401);
    await caller.close();
  });
});

describe('a 1000-BMC fleet', () => {
  it('starts and serves a concurrent login / inventory / logout sweep of every BMC', async () => {
    const big = await startSimulatedFleet({ count: 1000, latencyMs: 20, seed: 11 });
    const caller = createCaller(big.caPem);
    try {
      const results = await Promise.all(
        big.bmcs.map(async (bmc) => {
          const { token, location } = await caller.login(bmc);
          const inv = await caller.call(bmc, '/redfish/v1/UpdateService/FirmwareInventory', { token });
          const out = await caller.call(bmc, pathOf(location), { method: 'DELETE', token });
          return inv.status === 200 && out.status < 300 && bmc.stats.openSessions === 0;
        }),
      );
      expect(results.filter(Boolean)).toHaveLength(1000);
      expect(big.bmcs.every((b) => b.stats.maxInFlight >= 1 && b.stats.requests === 3)).toBe(true);
    } finally {
      await caller.close();
      await big.close();
    }
    // A ceiling, not a target: 1,000 TLS servers and 3,000 requests on a busy 2-core machine.
  }, 120_000);
});

/** Fault switches and session limits, observed over real sockets. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { type Caller, createCaller, firstMessageId, pathOf } from './helpers.ts';

const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];
let fleet: SimFleet;
let tlsFleet: SimFleet;
let caller: Caller;
let tlsCaller: Caller;
const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;

beforeAll(async () => {
  [fleet, tlsFleet] = await Promise.all([
    startSimulatedFleet({ count: VENDORS.length, tls: false, seed: 5 }),
    startSimulatedFleet({ count: 1, vendors: ['dell'] }),
  ]);
  caller = createCaller();
  tlsCaller = createCaller(tlsFleet.caPem);
});
afterEach(() => {
  for (const b of [...fleet.bmcs, ...tlsFleet.bmcs]) {
    b.setFaults({
      latencyMs: 0,
      errorRate: 0,
      resetRate: 0,
      unavailable: { remaining: 0, retryAfterSeconds: 1 },
    });
    delete b.faults.maxSessions;
    b.expireSessions();
  }
});
afterAll(async () => {
  await Promise.all([caller.close(), tlsCaller.close()]);
  await Promise.all([fleet.close(), tlsFleet.close()]);
});

describe('fault switches', () => {
  it('adds latency before every response', async () => {
    const bmc = bmcOf('generic');
    bmc.setFaults({ latencyMs: 120 });
    const t0 = performance.now();
    expect((await caller.call(bmc, '/redfish/v1')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('errorRate 1 answers 500 with a Redfish error body; 0 answers normally', async () => {
    const bmc = bmcOf('dell');
    bmc.faults.errorRate = 1;
    const r = await caller.call(bmc, '/redfish/v1/Managers', { basic: true });
    expect(r.status).toBe(500);
    expect(firstMessageId(r.json)).toBe('Base.1.12.InternalError');
    bmc.faults.errorRate = 0;
    expect((await caller.call(bmc, '/redfish/v1/Managers', { basic: true })).status).toBe(200);
  });

  it('draws errors from a seeded RNG: the same seed gives the same sequence', async () => {
    const run = async (): Promise<number[]> => {
      const f = await startSimulatedFleet({ count: 1, tls: false, seed: 99 });
      const c = createCaller();
      const bmc = f.bmcs[0] as SimBmc;
      bmc.setFaults({ errorRate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await c.call(bmc, '/redfish/v1')).status);
      await c.close();
      await f.close();
      return statuses;
    };
    const [a, b] = [await run(), await run()];
    expect(b).toEqual(a);
    expect(new Set(a)).toEqual(new Set([200, 500]));
  });

  it('unavailable answers 503 + Retry-After for the next N requests, then serves again', async () => {
    const bmc = bmcOf('hpe');
    bmc.setFaults({ unavailable: { remaining: 2, retryAfterSeconds: 7 } });
    for (let i = 0; i < 2; i++) {
      const r = await caller.call(bmc, '/redfish/v1');
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('7');
      expect(firstMessageId(r.json)).toMatch(/ServiceTemporarilyUnavailable$/);
    }
    expect((await caller.call(bmc, '/redfish/v1')).status).toBe(200);
    expect(bmc.faults.unavailable.remaining).toBe(0);
  });

  it.each([
    ['http', () => [caller, bmcOf('lenovo')] as const],
    ['https', () => [tlsCaller, tlsFleet.bmcs[0] as SimBmc] as const],
  ])('resetRate 1 drops the %s connection without an answer', async (_scheme, pick) => {
    const [c, bmc] = pick();
    const before = bmc.stats.requests;
    bmc.setFaults({ resetRate: 1 });
    const err = await c.call(bmc, '/redfish/v1').then(
      () => undefined,
      (e: Error & { cause?: { code?: string } }) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(err?.cause?.code);
    expect(bmc.stats.requests).toBe(before + 1);
    bmc.setFaults({ resetRate: 0 });
    expect((await c.call(bmc, '/redfish/v1')).status).toBe(200);
  });

  it('counts concurrent requests in maxInFlight', async () => {
    const bmc = bmcOf('supermicro');
    bmc.resetStats();
    // Each request is held this long before its answer: far longer than it takes all six to arrive.
    bmc.setFaults({ latencyMs: 1_500 });
    await Promise.all(Array.from({ length: 6 }, () => caller.call(bmc, '/redfish/v1')));
    expect(bmc.stats.maxInFlight).toBe(6);
    expect(bmc.stats.inFlight).toBe(0);
    expect(bmc.stats.requests).toBe(6);
    expect(bmc.stats.byRoute['GET /redfish/v1']).toBe(6);
  });
});

describe('session expiry', () => {
  it('expires sessions idle longer than sessionTtlMs; use restarts the idle timer', async () => {
    const bmc = bmcOf('generic');
    // Idle gaps of a third of the TTL (a second of slack each), adding up to more than the TTL: the
    // session only survives them because every use restarts its idle timer.
    const ttl = 1_500;
    const gap = 500;
    bmc.setFaults({ sessionTtlMs: ttl });
    try {
      const { token } = await caller.login(bmc);
      const loggedIn = Date.now();
      let lastUse = loggedIn;
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, gap));
        lastUse = Date.now();
        expect((await caller.call(bmc, '/redfish/v1/Systems', { token })).status).toBe(200);
      }
      // The last use came later than the TTL after the login: without renewal it would have failed.
      expect(lastUse - loggedIn).toBeGreaterThanOrEqual(ttl);
      await new Promise((r) => setTimeout(r, ttl + 100));
      const r = await caller.call(bmc, '/redfish/v1/Systems', { token });
      expect(r.status).toBe(401);
      expect(bmc.stats.openSessions).toBe(0);
    } finally {
      bmc.setFaults({ sessionTtlMs: 1_800_000 });
    }
  });

  it('expireSessions() invalidates every session at once', async () => {
    const bmc = bmcOf('openbmc');
    const a = await caller.login(bmc);
    const b = await caller.login(bmc);
    expect(bmc.stats.openSessions).toBe(2);
    bmc.expireSessions();
    expect(bmc.stats.openSessions).toBe(0);
    for (const { token } of [a, b])
      expect((await caller.call(bmc, '/redfish/v1/Systems', { token })).status).toBe(401);
  });
});

describe('session limits', () => {
  const LIMITS: Array<[SimVendor, number, number, RegExp]> = [
    ['generic', 32, 503, /\.SessionLimitExceeded$/],
    ['dell', 8, 400, /^IDRAC\.2\.8\.RAC0218$/],
    ['hpe', 10, 503, /\.SessionLimitExceeded$/],
    ['lenovo', 16, 400, /\.SessionLimitExceeded$/],
    ['supermicro', 10, 503, /\.SessionLimitExceeded$/],
    ['openbmc', 64, 503, /\.SessionLimitExceeded$/],
  ];

  it.each(LIMITS)('%s allows %i sessions, then refuses with %i', async (vendor, limit, status, messageId) => {
    const bmc = bmcOf(vendor);
    const sessions = [];
    for (let i = 0; i < limit; i++) {
      const s = await caller.login(bmc);
      expect(s.answer.status).toBe(201);
      sessions.push(s);
    }
    const refused = await caller.login(bmc);
    expect(refused.answer.status).toBe(status);
    expect(firstMessageId(refused.answer.json)).toMatch(messageId);
    expect(bmc.stats.openSessions).toBe(limit);
    const first = sessions[0] as (typeof sessions)[number];
    await caller.call(bmc, pathOf(first.location), { method: 'DELETE', token: first.token });
    expect((await caller.login(bmc)).answer.status).toBe(201);
  });

  it('maxSessions overrides the vendor limit', async () => {
    const bmc = bmcOf('dell');
    bmc.setFaults({ maxSessions: 2 });
    expect((await caller.login(bmc)).answer.status).toBe(201);
    expect((await caller.login(bmc)).answer.status).toBe(201);
    expect((await caller.login(bmc)).answer.status).toBe(400);
  });
});

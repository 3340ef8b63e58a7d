/**
 * Host power and resets over real sockets: ResetType checked against what the profile announces,
 * PowerState moving through PoweringOff/Off/PoweringOn/On over time, a GracefulShutdown the OS
 * ignores (the client falls back to ForceOff), vendor refusals, Manager.Reset taking the BMC off
 * the network and back with no sessions, and the fleet's count of hosts out of service.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimBmc,
  type SimFleet,
  type SimTiming,
  type SimVendor,
  startSimulatedBmc,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { type Caller, createCaller, firstMessageId } from './helpers.ts';
import { isConnectionError, Session, systemReset, waitPower } from './update-helpers.ts';

const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];
let fleet: SimFleet;
let caller: Caller;
const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: VENDORS.length, tls: false, seed: 61 });
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
  await fleet.close();
});

async function login(vendor: SimVendor): Promise<Session> {
  const s = new Session(caller, bmcOf(vendor));
  await s.login();
  return s;
}

async function reset(s: Session, type: string) {
  return s.call(await systemReset(s), { method: 'POST', body: { ResetType: type } });
}

/**
 * Transitions lasting seconds: a state that must be seen right after an answer is certainly still
 * on, however slow the machine (the fast preset's tens of ms may be over before the test looks).
 */
const SLOW_MS = 2_000;
/** Caps the waits for the end of a slow transition; only a hang reaches it. */
const WAIT_MS = 15_000;

/** Runs `fn` on a BMC of its own with these timing overrides, logged in, and closes it after. */
async function withBmc(
  vendor: SimVendor,
  timing: Partial<SimTiming>,
  fn: (s: Session) => Promise<void>,
): Promise<void> {
  const bmc = await startSimulatedBmc({ vendor, tls: false, seed: 61, timing });
  try {
    const s = new Session(caller, bmc);
    await s.login();
    await fn(s);
  } finally {
    await bmc.close();
  }
}

/** The PowerState the System resource reports over Redfish. */
async function reportedPower(s: Session): Promise<string> {
  const systems = (await s.call('/redfish/v1/Systems')).json;
  return (await s.call(systems.Members[0]['@odata.id'])).json.PowerState;
}

/** Polls `cond` until it holds; fails after `timeoutMs`. */
async function until(cond: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('ComputerSystem.Reset', () => {
  it.concurrent.each([
    ['generic', 204],
    ['dell', 204],
    ['hpe', 200],
    ['lenovo', 204],
    ['supermicro', 200],
    ['openbmc', 204],
  ] as const)('%s: ForceOff then On move PowerState over time (answer %i)', async (vendor, status) => {
    // A BMC of its own whose transitions last seconds, so the transient states are certainly seen;
    // concurrent, so the six vendors wait out their transitions together.
    await withBmc(vendor, { powerOffMs: SLOW_MS, powerOnMs: SLOW_MS }, async (s) => {
      const t0 = Date.now();
      const off = await reset(s, 'ForceOff');
      expect(off.status).toBe(status);
      if (status === 200) expect(firstMessageId({ error: { code: 'x', ...off.json } })).toMatch(/Success$/);
      expect(s.bmc.powerState).toBe('PoweringOff');
      expect(await reportedPower(s)).toBe('PoweringOff');
      expect(s.bmc.availability.available).toBe(false);
      await waitPower(s, 'Off', WAIT_MS);
      expect(await reportedPower(s)).toBe('Off');
      expect(s.bmc.availability.available).toBe(false);
      expect((await reset(s, 'On')).status).toBe(status);
      expect(s.bmc.powerState).toBe('PoweringOn');
      expect(await reportedPower(s)).toBe('PoweringOn');
      expect(s.bmc.availability.available).toBe(false);
      await waitPower(s, 'On', WAIT_MS);
      expect(await reportedPower(s)).toBe('On');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2 * SLOW_MS);
      expect(s.bmc.availability.available).toBe(true);
      // One outage from PoweringOff to On.
      expect(s.bmc.availability.intervals).toHaveLength(1);
      const last = s.bmc.availability.intervals.at(-1);
      expect(last?.reasons).toEqual(expect.arrayContaining(['host-reset', 'powered-off']));
      expect(last?.end).toBeGreaterThan(last?.start ?? Infinity);
    });
  });

  it.each([
    ['dell', 'GracefulRestart'],
    ['generic', 'PowerCycle'],
    ['openbmc', 'PushPowerButton'],
  ] as const)('%s refuses ResetType %s it does not announce', async (vendor, type) => {
    const s = await login(vendor);
    const r = await reset(s, type);
    expect(r.status).toBe(400);
    expect(firstMessageId(r.json)).toMatch(/ActionParameterValueNotInList$/);
  });

  it('openbmc and supermicro announce ResetType through a ResetActionInfo', async () => {
    for (const vendor of ['openbmc', 'supermicro'] as const) {
      const s = await login(vendor);
      const system = (await s.call((await s.call('/redfish/v1/Systems')).json.Members[0]['@odata.id'])).json;
      const info = (await s.call(system.Actions['#ComputerSystem.Reset']['@Redfish.ActionInfo'])).json;
      expect(info.Parameters[0]).toMatchObject({ Name: 'ResetType', Required: true });
      expect(info.Parameters[0].AllowableValues).toContain('ForceRestart');
    }
  });

  it('a GracefulShutdown the OS ignores leaves the host On; ForceOff then works', async () => {
    // Graceful shutdowns last seconds here (ForceOff and On stay fast): one that started would show
    // PoweringOff long after its answer, and one honoured is certainly seen PoweringOff.
    await withBmc('generic', { gracefulShutdownMs: SLOW_MS }, async (s) => {
      s.bmc.setUpdateFaults({ gracefulIgnored: true });
      expect((await reset(s, 'GracefulShutdown')).status).toBe(204);
      await sleep(100);
      expect(s.bmc.powerState).toBe('On');
      expect(await reportedPower(s)).toBe('On');
      expect(s.bmc.availability.intervals).toHaveLength(0);
      expect((await reset(s, 'ForceOff')).status).toBe(204);
      await waitPower(s, 'Off', WAIT_MS);
      s.bmc.setUpdateFaults({ gracefulIgnored: false });
      await reset(s, 'On');
      await waitPower(s, 'On', WAIT_MS);
      const t0 = Date.now();
      expect((await reset(s, 'GracefulShutdown')).status).toBe(204);
      expect(s.bmc.powerState).toBe('PoweringOff');
      expect(await reportedPower(s)).toBe('PoweringOff');
      await waitPower(s, 'Off', WAIT_MS);
      // It took the graceful shutdown's time, not the (fast) ForceOff's.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(s.bmc.timing.gracefulShutdownMs);
    });
  });

  it('a reset during a power transition → 409 ResourceInUse', async () => {
    // The restart's power-off lasts seconds: the second reset certainly lands during it.
    await withBmc('lenovo', { powerOffMs: SLOW_MS }, async (s) => {
      expect((await reset(s, 'ForceRestart')).status).toBe(204);
      expect(s.bmc.powerState).toBe('PoweringOff');
      const busy = await reset(s, 'ForceOff');
      expect(busy.status).toBe(409);
      expect(firstMessageId(busy.json)).toMatch(/ResourceInUse$/);
      await waitPower(s, 'On', WAIT_MS);
      // Once the restart is over, resets are accepted again.
      expect((await reset(s, 'ForceOff')).status).toBe(204);
    });
  });

  it('iDRAC answers 409 to On when on; iLO 400 to a restart when off', async () => {
    const dell = await login('dell');
    expect((await reset(dell, 'On')).status).toBe(409);
    const hpe = await login('hpe');
    await reset(hpe, 'ForceOff');
    await waitPower(hpe, 'Off');
    const refused = await reset(hpe, 'ForceRestart');
    expect(refused.status).toBe(400);
    expect(refused.json.error['@Message.ExtendedInfo'][0].MessageId).toMatch(
      /^iLO\..*InvalidOperationForSystemState$/,
    );
    await reset(hpe, 'On');
    await waitPower(hpe, 'On');
  });
});

describe('Manager.Reset', () => {
  it('the BMC refuses connections for bmcRebootMs, then answers on the same URL with every session gone', async () => {
    // A reboot lasting seconds: the refusal is certainly observed.
    await withBmc('supermicro', { bmcRebootMs: 3_000 }, async (s) => {
      const url = s.bmc.url;
      const old = s.token;
      const t0 = Date.now();
      const r = await s.call('/redfish/v1/Managers/1/Actions/Manager.Reset', {
        method: 'POST',
        body: { ResetType: 'GracefulRestart' },
      });
      expect(r.status).toBe(200);
      await until(() => s.bmc.rebooting, 'the BMC to go down');
      const err = await caller.call(s.bmc, '/redfish/v1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isConnectionError(err)).toBe(true);
      expect(s.bmc.availability.available).toBe(false);
      await until(() => !s.bmc.rebooting, 'the BMC to come back');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(s.bmc.timing.bmcRebootMs);
      const last = s.bmc.availability.intervals.at(-1);
      expect(last?.reasons).toEqual(['bmc-reboot']);
      expect(last?.end).toBeGreaterThan(last?.start ?? Infinity);
      expect(s.bmc.availability.available).toBe(true);
      expect(s.bmc.url).toBe(url);
      expect((await caller.call(s.bmc, '/redfish/v1')).status).toBe(200);
      expect((await caller.call(s.bmc, '/redfish/v1/Systems', { token: old })).status).toBe(401);
      expect(s.bmc.stats.openSessions).toBe(0);
      expect(s.bmc.powerState).toBe('On');
    });
  });

  it('refuses a ResetType the Manager does not announce', async () => {
    const s = await login('dell');
    const r = await s.call('/redfish/v1/Managers/iDRAC.Embedded.1/Actions/Manager.Reset', {
      method: 'POST',
      body: { ResetType: 'ForceRestart' },
    });
    expect(r.status).toBe(400);
    expect(s.bmc.rebooting).toBe(false);
  });
});

describe('fleet availability', () => {
  it('counts hosts out of service at once and keeps the peak until reset()', async () => {
    const a = fleet.availability;
    for (let i = 0; i < 200 && a.current > 0; i++) await sleep(5);
    expect(a.current).toBe(0);
    a.reset();
    expect(a.peak).toBe(0);
    const [g, o] = [await login('generic'), await login('openbmc')];
    await Promise.all([reset(g, 'ForceOff'), reset(o, 'ForceOff')]);
    expect(a.current).toBe(2);
    await Promise.all([waitPower(g, 'Off'), waitPower(o, 'Off')]);
    await reset(g, 'On');
    await waitPower(g, 'On');
    expect(a.current).toBe(1);
    await reset(o, 'On');
    await waitPower(o, 'On');
    expect(a.current).toBe(0);
    expect(a.peak).toBe(2);
    a.reset();
    expect(a.peak).toBe(0);
  });
});

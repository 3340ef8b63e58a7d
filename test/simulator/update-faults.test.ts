/**
 * Update fault switches, each observed the way a Redfish client sees it: a failed task with the
 * Update registry's message, a task stuck Running, a task that vanishes while the update goes on,
 * a success that changed nothing, a BMC that reboots mid-update; one-shot arming; the admin endpoint.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimBmc,
  type SimFleet,
  startSimulatedBmc,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { type Body, type Caller, createCaller } from './helpers.ts';
import { followTask, isConnectionError, pushBios, Session, versions } from './update-helpers.ts';

let fleet: SimFleet;
let caller: Caller;
let bmc: SimBmc;

/** Caps waits for things that take seconds here; only a hang reaches it. */
const WAIT_MS = 15_000;

/** Polls `cond` until it holds; fails after `timeoutMs`. */
async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

beforeAll(async () => {
  // BMC reboots last seconds (only bmcRebootMidUpdate reboots it): a test that has seen the BMC go
  // down certainly still finds it refusing connections.
  fleet = await startSimulatedFleet({
    count: 1,
    vendors: ['generic'],
    tls: false,
    seed: 51,
    adminPort: 0,
    timing: { bmcRebootMs: 3_000 },
  });
  bmc = fleet.bmcs[0] as SimBmc;
  caller = createCaller();
});
afterEach(() => {
  bmc.setUpdateFaults({
    transferFailed: false,
    verificationFailed: false,
    applyFailed: false,
    activateFailed: false,
    taskStuck: false,
    taskDeletedEarly: false,
    silentNoChange: false,
    bmcRebootMidUpdate: false,
  });
  delete bmc.updateFaults.nextUpdateOnly;
});
afterAll(async () => {
  await caller.close();
  await fleet.close();
});

async function update(s: Session, version: string) {
  const r = await pushBios(s, {}, version);
  expect(r.status).toBe(202);
  return r.headers.get('location') ?? '';
}

describe('update faults', () => {
  it.each([
    ['transferFailed', 'TransferFailed'],
    ['verificationFailed', 'VerificationFailed'],
    ['applyFailed', 'ApplyFailed'],
    ['activateFailed', 'ActivateFailed'],
  ] as const)(
    '%s: the POST is accepted, the task ends in Exception with %s, nothing changes',
    async (fault, id) => {
      const s = new Session(caller, bmc);
      await s.login();
      bmc.setUpdateFaults({ [fault]: true });
      const version = `8.0.${id.length}`;
      const f = await followTask(s, await update(s, version));
      expect(f.task).toMatchObject({ TaskState: 'Exception', TaskStatus: 'Critical' });
      expect(f.task.Messages.at(-1).MessageId).toBe(`Update.1.2.${id}`);
      expect(await versions(s)).not.toContain(version);
      expect(bmc.updateHistory.at(-1)).toMatchObject({ outcome: 'failed', messageId: `Update.1.2.${id}` });
    },
  );

  it('taskStuck: the task stays Running at the install step; nothing is installed', async () => {
    const s = new Session(caller, bmc);
    await s.login();
    bmc.setUpdateFaults({ taskStuck: true });
    const location = await update(s, '8.1.0');
    await sleep(300);
    const r = await s.call(location);
    expect(r.status).toBe(202);
    expect(r.json.TaskState).toBe('Running');
    expect(await versions(s)).not.toContain('8.1.0');
  });

  it('taskDeletedEarly: task and monitor answer 404 after the first poll, and the update still installs', async () => {
    // A BMC of its own whose install lasts seconds: the first poll certainly finds the task running,
    // and the task vanishes while the update goes on.
    const slow = await startSimulatedBmc({
      vendor: 'generic',
      tls: false,
      seed: 51,
      timing: { installMs: 2_000 },
    });
    try {
      const s = new Session(caller, slow);
      await s.login();
      slow.setUpdateFaults({ taskDeletedEarly: true });
      const location = await update(s, '8.2.0');
      const first = await s.call(location);
      expect(first.status).toBe(202);
      const task = first.json['@odata.id'];
      expect((await s.call(location)).status).toBe(410);
      expect((await s.call(task)).status).toBe(404);
      expect(await versions(s)).not.toContain('8.2.0');
      expect(slow.updateHistory.at(-1)?.outcome).toBe('running');
      await until(async () => (await versions(s)).includes('8.2.0'), 'version 8.2.0');
      expect(slow.updateHistory.at(-1)?.outcome).toBe('installed');
    } finally {
      await slow.close();
    }
  });

  it('silentNoChange: Completed with UpdateSuccessful, yet the inventory keeps the old version', async () => {
    const s = new Session(caller, bmc);
    await s.login();
    bmc.setUpdateFaults({ silentNoChange: true });
    const before = await versions(s);
    const f = await followTask(s, await update(s, '8.3.0'));
    expect(f.task.TaskState).toBe('Completed');
    expect(f.messages).toContain('UpdateSuccessful');
    expect(await versions(s)).toEqual(before);
    expect(bmc.updateHistory.at(-1)?.outcome).toBe('unchanged');
  });

  it('bmcRebootMidUpdate: the BMC refuses connections while Running, comes back without sessions, the update is in', async () => {
    const s = new Session(caller, bmc);
    await s.login();
    const token = s.token;
    bmc.setUpdateFaults({ bmcRebootMidUpdate: true });
    const t0 = Date.now();
    const location = await update(s, '8.4.0');
    await until(() => bmc.rebooting, 'the BMC to go down');
    // The reboot lasts bmcRebootMs (seconds here): it is certainly still down.
    const refused = await caller.call(bmc, '/redfish/v1', {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectionError(refused)).toBe(true);
    expect(bmc.availability.available).toBe(false);
    await until(() => !bmc.rebooting, 'the BMC to come back');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(bmc.timing.bmcRebootMs);
    expect((await caller.call(bmc, '/redfish/v1/Systems', { token })).status).toBe(401);
    expect(bmc.stats.openSessions).toBe(0);
    // bmcweb-like in-memory tasks do not survive; the inventory tells the outcome.
    expect((await s.call(location)).status).toBe(410);
    await until(async () => (await versions(s)).includes('8.4.0'), 'version 8.4.0');
    const last = bmc.availability.intervals.at(-1);
    expect(last?.reasons).toContain('bmc-reboot');
    expect(last?.end).toBeGreaterThan(last?.start ?? Infinity);
  });

  it('nextUpdateOnly fails just the next update', async () => {
    const s = new Session(caller, bmc);
    await s.login();
    bmc.setUpdateFaults({ nextUpdateOnly: { applyFailed: true } });
    const a = await followTask(s, await update(s, '8.5.0'));
    expect(a.messages.at(-1)).toBe('ApplyFailed');
    expect(bmc.updateFaults.nextUpdateOnly).toBeUndefined();
    const b = await followTask(s, await update(s, '8.5.1'));
    expect(b.task.TaskState).toBe('Completed');
    expect(await versions(s)).toContain('8.5.1');
  });

  it('the admin endpoint arms update faults and reports history and availability', async () => {
    const admin = fleet.adminUrl as string;
    const bad = await fetch(`${admin}/sim/bmcs/${bmc.name}/update-faults`, {
      method: 'PATCH',
      body: JSON.stringify({ transferFailed: 'yes' }),
    });
    expect(bad.status).toBe(400);
    const ok = await fetch(`${admin}/sim/bmcs/${bmc.name}/update-faults`, {
      method: 'PATCH',
      body: JSON.stringify({ nextUpdateOnly: { verificationFailed: true }, gracefulIgnored: true }),
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Body).updateFaults).toMatchObject({
      gracefulIgnored: true,
      nextUpdateOnly: { verificationFailed: true },
    });
    const s = new Session(caller, bmc);
    await s.login();
    const f = await followTask(s, await update(s, '8.6.0'));
    expect(f.messages.at(-1)).toBe('VerificationFailed');
    const history = (await (await fetch(`${admin}/sim/bmcs/${bmc.name}/history`)).json()) as Body;
    expect(history.updates.at(-1)).toMatchObject({ outcome: 'failed', image: { version: '8.6.0' } });
    const availability = await (await fetch(`${admin}/sim/availability`)).json();
    expect(availability).toEqual({ current: 0, peak: 1 });
    bmc.setUpdateFaults({ gracefulIgnored: false });
  });
});

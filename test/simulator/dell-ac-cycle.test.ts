/**
 * The simulated iDRAC 9's virtual A/C power cycle (power/ac-cycle.ts): announced on the chassis
 * (iDRAC 8: not at all), refused with 409 IDRAC.2.9.PSU507 while the host is on, parameters
 * checked against AllowableValues, and with the host off a 204 after which the host powers on
 * again when FinalPowerState is On and stays off when it is not.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SimBmc, startSimulatedBmc } from '../../src/simulator/index.ts';
import { type Caller, createCaller, firstMessageId } from './helpers.ts';
import { Session, systemReset, waitPower } from './update-helpers.ts';

const CHASSIS = '/redfish/v1/Chassis/System.Embedded.1';
const ACTION = `${CHASSIS}/Actions/Oem/DellOemChassis.ExtendedReset`;
let caller: Caller;
let bmc: SimBmc;
let s: Session;

beforeAll(async () => {
  caller = createCaller();
  bmc = await startSimulatedBmc({ vendor: 'dell', tls: false, seed: 7 });
  s = new Session(caller, bmc);
  await s.login();
});
afterAll(async () => {
  await bmc.close();
  await caller.close();
});

const cycle = (body: unknown) => s.call(ACTION, { method: 'POST', body });

it('iDRAC 9 announces ExtendedReset on its chassis; iDRAC 8 does not', async () => {
  const action = (await s.call(CHASSIS)).json.Actions.Oem['#DellOemChassis.ExtendedReset'];
  expect(action).toEqual({
    target: ACTION,
    'ResetType@Redfish.AllowableValues': ['PowerCycle'],
    'FinalPowerState@Redfish.AllowableValues': ['On', 'Off'],
  });
  const idrac8 = await startSimulatedBmc({ vendor: 'dell', generation: 'idrac8', tls: false, seed: 7 });
  try {
    const s8 = new Session(caller, idrac8);
    await s8.login();
    expect((await s8.call(CHASSIS)).json.Actions).toBeUndefined();
    expect((await s8.call(ACTION, { method: 'POST', body: { ResetType: 'PowerCycle' } })).status).toBe(404);
  } finally {
    await idrac8.close();
  }
});

it('refuses a host that is on (409 PSU507) and values outside AllowableValues (400)', async () => {
  expect(bmc.powerState).toBe('On');
  const on = await cycle({ ResetType: 'PowerCycle', FinalPowerState: 'On' });
  expect([on.status, firstMessageId(on.json)]).toEqual([409, 'IDRAC.2.9.PSU507']);
  const bad = await cycle({ ResetType: 'ForceRestart' });
  expect([bad.status, firstMessageId(bad.json)]).toEqual([
    400,
    expect.stringMatching(/ActionParameterValueNotInList/),
  ]);
  const missing = await cycle({});
  expect([missing.status, firstMessageId(missing.json)]).toEqual([
    400,
    expect.stringMatching(/ActionParameterMissing/),
  ]);
});

it('with the host off: 204, then the host powers on for FinalPowerState On and stays off without it', async () => {
  const reset = await systemReset(s);
  expect((await s.call(reset, { method: 'POST', body: { ResetType: 'ForceOff' } })).status).toBe(204);
  await waitPower(s, 'Off');
  expect((await cycle({ ResetType: 'PowerCycle', FinalPowerState: 'On' })).status).toBe(204);
  await waitPower(s, 'On');
  expect((await s.call(reset, { method: 'POST', body: { ResetType: 'ForceOff' } })).status).toBe(204);
  await waitPower(s, 'Off');
  expect((await cycle({ ResetType: 'PowerCycle' })).status).toBe(204);
  // Give the cycle its time (timing.powerOffMs + powerOnMs), then the host is still off.
  await new Promise((r) => setTimeout(r, (bmc.timing.powerOffMs + bmc.timing.powerOnMs) * 3));
  expect(bmc.powerState).toBe('Off');
});

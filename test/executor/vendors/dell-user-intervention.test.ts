/**
 * iDRAC 9 7.x real-time NIC update: applied Immediate, the NIC flashes live and the task ends in
 * TaskState UserIntervention (outside DMTF's list) at 100 %: a host reboot must activate it.
 */
import { afterEach, expect, it } from 'vitest';
import { updateServer } from '../../../src/executor/update-server.ts';
import { hostResets, oneIdrac, upgrades } from './dell-fleet.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

it('a NIC updated live ends in UserIntervention: staged, one host reset, verified', async () => {
  const t = await oneIdrac(['nic']);
  close = t.close;
  // The catalog says the NIC needs no reboot to flash: firmwarden asks for Immediate.
  for (const e of t.catalog.entries) e.requires.reboot = false;
  const plan = await t.plan();
  const n = upgrades(plan);
  expect(n).toBeGreaterThan(0);
  // SimpleUpdate: iDRAC 9 announces its apply times there (Immediate, OnReset).
  const report = await updateServer(t.server, plan, t.deps, t.options({ method: 'simple' }));
  expect(report.actions.map((a) => [a.applyTime, a.outcome, a.error?.code])).toEqual(
    report.actions.map(() => ['Immediate', 'verified', undefined]),
  );
  expect(hostResets(t.bmc)).toBe(1);
  expect(t.bmc.updateHistory.every((h) => h.outcome === 'installed')).toBe(true);
  expect(upgrades(await t.plan())).toBe(0);
});

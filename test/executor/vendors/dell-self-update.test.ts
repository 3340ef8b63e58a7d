/**
 * iDRAC's own update: the job stays Running through the iDRAC reboot, the iDRAC answers 503 then
 * 500 while it starts (and 401: the sessions are gone), and only then marks the job Completed.
 * firmwarden must wait that out, as Dell's scripts do, and verify the new version.
 */
import { afterEach, expect, it } from 'vitest';
import { updateServer } from '../../../src/executor/update-server.ts';
import { oneIdrac, upgrades } from './dell-fleet.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

it('iDRAC 9 firmware update: 503/500 while the iDRAC starts are waited out and the update verifies', async () => {
  // Longer than the transport's own retries of a GET (about 2 s at most).
  const t = await oneIdrac(['bmc'], { timing: { bmcWarmupMs: 3_000 } });
  close = t.close;
  const plan = await t.plan();
  expect(upgrades(plan)).toBe(1);
  const report = await updateServer(t.server, plan, t.deps, t.options());
  const action = report.actions[0];
  expect(action?.outcome, action?.detail).toBe('verified');
  expect(t.bmc.availability.intervals.some((i) => i.reasons.includes('bmc-reboot'))).toBe(true);
  expect(upgrades(await t.plan())).toBe(0);
  expect(t.bmc.stats.openSessions).toBe(0);
});

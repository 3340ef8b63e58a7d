/**
 * iDRAC replaces its one task message instead of appending: a BIOS SimpleUpdate applied OnReset
 * goes Pending with Update.AwaitToActivate in place of TransferringToComponent. It must be seen
 * as staged (not polled until the task deadline), activated by one host reset, and verified.
 */
import { afterEach, expect, it } from 'vitest';
import { updateServer } from '../../../src/executor/update-server.ts';
import { FAST } from '../helpers.ts';
import { hostResets, oneIdrac, upgrades } from './dell-fleet.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

it('iDRAC 9 BIOS via SimpleUpdate: staged by its replaced message, one host reset, verified', async () => {
  // A slow transfer and no Retry-After pause: the poller certainly reads TransferringToComponent
  // before the same single message turns into AwaitToActivate.
  const t = await oneIdrac(['bios'], { timing: { transferMs: 800, retryAfterSeconds: 0 } });
  close = t.close;
  const plan = await t.plan();
  expect(upgrades(plan)).toBe(1);
  const report = await updateServer(
    t.server,
    plan,
    t.deps,
    t.options({ method: 'simple', timeouts: { ...FAST, taskMs: 4_000 } }),
  );
  const action = report.actions[0];
  expect(action?.outcome, action?.detail).toBe('verified');
  expect(action?.applyTime).toBe('OnReset');
  expect(hostResets(t.bmc)).toBe(1);
  expect(t.bmc.updateHistory.map((h) => [h.method, h.outcome])).toEqual([['simple', 'installed']]);
  expect(upgrades(await t.plan())).toBe(0);
});

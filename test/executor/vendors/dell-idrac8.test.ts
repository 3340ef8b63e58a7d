/**
 * iDRAC 8 (2.x): no MultipartHttpPushUri and no HTTP SimpleUpdate. Its HttpPushUri (the
 * FirmwareInventory collection) takes a multipart `file` part with If-Match = the collection's
 * ETag, and SimpleUpdate installs the Available- member the upload created.
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

it('iDRAC 8 BIOS: uploaded with If-Match, installed from its Available- member, staged, verified', async () => {
  const t = await oneIdrac(['bios'], { generations: { dell: 'idrac8' } });
  close = t.close;
  const plan = await t.plan();
  expect(upgrades(plan)).toBe(1);
  const report = await updateServer(
    t.server,
    plan,
    t.deps,
    t.options({ timeouts: { ...FAST, taskMs: 4_000 } }),
  );
  const action = report.actions[0];
  expect(action?.outcome, action?.detail).toBe('verified');
  expect(action?.method).toBe('http-push');
  // One upload, accepted (no 412), then a SimpleUpdate of the uploaded member.
  expect(t.bmc.stats.imageUploads.map((u) => [u.method, u.refused])).toEqual([['http-push', undefined]]);
  expect(t.bmc.updateHistory.map((h) => [h.method, h.outcome])).toEqual([['simple', 'installed']]);
  expect(t.bmc.stats.imageFetches).toEqual([]);
  expect(hostResets(t.bmc)).toBe(1);
  expect(upgrades(await t.plan())).toBe(0);
});

it('iDRAC 8: every planned upgrade, its own firmware included, installs and verifies', async () => {
  const t = await oneIdrac(undefined, { generations: { dell: 'idrac8' } });
  close = t.close;
  const plan = await t.plan();
  expect(upgrades(plan)).toBeGreaterThan(1);
  const report = await updateServer(t.server, plan, t.deps, t.options());
  expect(report.actions.map((a) => [a.component, a.outcome, a.error?.code])).toEqual(
    report.actions.map((a) => [a.component, 'verified', undefined]),
  );
  expect(t.bmc.stats.imageUploads.every((u) => u.refused === undefined)).toBe(true);
  expect(upgrades(await t.plan())).toBe(0);
});

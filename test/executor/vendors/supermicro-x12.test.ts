/**
 * Supermicro X12/X13: a multipart upload only verifies the image (its task ends Completed); the
 * flash starts with UpdateService.StartUpdate, whose 202 names a second task (bmclib
 * providers/supermicro/x12.go). Without driving both steps nothing is ever flashed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type UpdateEvent, updateServer } from '../../../src/executor/update-server.ts';
import type { ComponentKind } from '../../../src/vocab.ts';
import { updatableFleet } from '../helpers.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function x12(components: ComponentKind[], generation: string | undefined = 'x12') {
  const f = await updatableFleet(['supermicro'], {
    components,
    sim: generation ? { generations: { supermicro: generation } } : {},
  });
  close = f.close;
  const plan = (await f.replan()).servers[0] as never;
  const bmc = f.fleet.bmcs[0] as (typeof f.fleet.bmcs)[number];
  const events: UpdateEvent[] = [];
  const run = () =>
    updateServer(
      f.servers[0] as never,
      plan,
      f.deps,
      f.options({ method: 'multipart', onEvent: (e) => events.push(e) }),
    );
  return { f, bmc, events, run };
}

describe('Supermicro X12: upload, verify task, StartUpdate, update task', () => {
  it.each(['bios', 'bmc'] as const)('a %s image verifies end to end', async (kind) => {
    const t = await x12([kind]);
    const report = await t.run();
    const [action] = report.actions;
    expect(action?.outcome, action?.detail).toBe('verified');
    const steps = t.events.map((e) => e.step);
    expect(steps).toContain('verified; UpdateService.StartUpdate');
    // One upload, one install: the verify task did not flash, the second task did.
    expect(t.bmc.stats.imageUploads.map((u) => u.method)).toEqual(['multipart']);
    expect(t.bmc.updateHistory.map((h) => h.outcome)).toEqual(['installed']);
  });

  it('a verify task that fails ends the action before StartUpdate', async () => {
    const t = await x12(['bios']);
    t.bmc.setUpdateFaults({ verificationFailed: true });
    const report = await t.run();
    const [action] = report.actions;
    expect(action?.error?.code).toBe('FW_ERR_TASK_FAILED');
    expect(action?.detail).toMatch(/VerificationFailed/);
    expect(t.events.map((e) => e.step)).not.toContain('verified; UpdateService.StartUpdate');
  });

  it('the default profile (one task held Pending until StartUpdate) goes through the same steps', async () => {
    const t = await x12(['bios'], undefined);
    const report = await t.run();
    expect(report.actions[0]?.outcome, report.actions[0]?.detail).toBe('verified');
    expect(t.bmc.updateHistory.map((h) => h.outcome)).toEqual(['installed']);
  });
});

/**
 * Lenovo XClarity Controller 2 updates against the simulator's xcc2 generation: the task shows
 * XCC's own states (Downloading, Verifying), then ends Completed before the flash, naming the
 * JobService job that does it (python-redfish-lenovo update_firmware.py task_monitor/job_monitor).
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

async function xcc2(components: ComponentKind[]) {
  // Phases long enough for the 100 ms polls to see each state the task and the job go through.
  const timing = { transferMs: 300, verifyMs: 300, installMs: 400, retryAfterSeconds: 0 };
  const f = await updatableFleet(['lenovo'], {
    components,
    sim: { generations: { lenovo: 'xcc2' }, timing },
  });
  close = f.close;
  const plan = (await f.replan()).servers[0] as never;
  const bmc = f.fleet.bmcs[0] as (typeof f.fleet.bmcs)[number];
  const events: UpdateEvent[] = [];
  const run = () =>
    updateServer(f.servers[0] as never, plan, f.deps, f.options({ onEvent: (e) => events.push(e) }));
  return { f, bmc, events, run };
}

describe('XCC 2: task states outside DMTF', () => {
  it('Downloading and Verifying are progress, not an unknown state', async () => {
    const t = await xcc2(['bios']);
    const report = await t.run();
    const [action] = report.actions;
    expect(action?.error?.code).not.toBe('FW_ERR_TASK_STATE_UNKNOWN');
    expect(action?.outcome, action?.detail).toBe('verified');
    // The progress the operator saw went through XCC's own states.
    const steps = t.events.map((e) => e.step);
    expect(steps.some((s) => s.startsWith('Downloading'))).toBe(true);
    expect(steps.some((s) => s.startsWith('Verifying'))).toBe(true);
  });
});

describe('XCC 2: the flash goes on in a JobService job after the task', () => {
  it('follows the job to its end: the staged UEFI image gets its host reset and verifies', async () => {
    const t = await xcc2(['bios']);
    const report = await t.run();
    const [action] = report.actions;
    expect(action?.outcome, action?.detail).toBe('verified');
    const jobSteps = t.events.filter((e) => e.step.startsWith('job '));
    expect(jobSteps.map((e) => e.step)).toContain('job Completed');
    expect(jobSteps.some((e) => e.percent !== undefined && e.percent < 100)).toBe(true);
    expect(t.bmc.updateHistory.at(-1)?.outcome).toBe('installed');
  });

  it("a job ending in Exception fails the action with XCC's message, the task's Completed notwithstanding", async () => {
    const t = await xcc2(['bios']);
    t.bmc.setUpdateFaults({ applyFailed: true });
    const report = await t.run();
    const [action] = report.actions;
    expect(action?.outcome).toBe('failed');
    expect(action?.error?.code).toBe('FW_ERR_TASK_FAILED');
    expect(action?.detail).toMatch(
      /JobService\/Jobs\/1.*ended Exception: ApplyFailed \(Installation of image/,
    );
  });

  it('a BMC image: the job completes, the XCC restarts into the new firmware', async () => {
    const t = await xcc2(['bmc']);
    const report = await t.run();
    expect(report.actions.map((a) => [a.outcome, a.detail])).toEqual([
      ['verified', expect.stringContaining('now at')],
    ]);
    expect(t.events.some((e) => e.step === 'job Completed')).toBe(true);
  });
});

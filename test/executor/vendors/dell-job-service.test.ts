/**
 * iDRAC deletes finished tasks (within seconds on some releases) while its Lifecycle Controller job
 * queue keeps the outcome: when the task is gone, the job says what happened.
 */
import { afterEach, expect, it } from 'vitest';
import { updateServer } from '../../../src/executor/update-server.ts';
import { oneIdrac, upgrades } from './dell-fleet.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const jobReads = (byRoute: Record<string, number>) =>
  Object.entries(byRoute)
    .filter(([route]) => route.startsWith('GET /redfish/v1/Managers/iDRAC.Embedded.1/Jobs/JID_'))
    .reduce((n, [, count]) => n + count, 0);

it('a failed job whose task vanished fails the action with the job message, not as "unchanged"', async () => {
  const t = await oneIdrac(['bios'], { timing: { jobRetentionMs: 0 } });
  close = t.close;
  t.bmc.setUpdateFaults({ applyFailed: true });
  const report = await updateServer(t.server, await t.plan(), t.deps, t.options());
  const action = report.actions[0];
  expect(action?.outcome).toBe('failed');
  expect(action?.error?.code, action?.detail).toBe('FW_ERR_TASK_FAILED');
  expect(action?.detail).toMatch(/Job failed/);
  expect(jobReads(t.bmc.stats.byRoute)).toBeGreaterThan(0);
  expect(upgrades(await t.plan())).toBe(1);
});

it('a job whose task vanished while staged is read, and the update verifies after the host reset', async () => {
  const t = await oneIdrac(['bios'], { timing: { jobRetentionMs: 0 } });
  close = t.close;
  t.bmc.setUpdateFaults({ taskDeletedEarly: true });
  const report = await updateServer(t.server, await t.plan(), t.deps, t.options());
  const action = report.actions[0];
  expect(action?.outcome, action?.detail).toBe('verified');
  expect(jobReads(t.bmc.stats.byRoute)).toBeGreaterThan(0);
  expect(upgrades(await t.plan())).toBe(0);
});

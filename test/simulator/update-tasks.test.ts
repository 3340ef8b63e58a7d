/**
 * Task monitors the way each vendor runs them: 202 + Location + Retry-After while running; then
 * bmcweb's 204 once and 404, the DMTF-style final Task once and 404/410, or on iDRAC no monitor at
 * all (Location is the Task JID_…, deleted soon after it finishes). Tasks expire on schedule.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startSimulatedBmc,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { type Caller, createCaller, firstMessageId, pathOf } from './helpers.ts';
import { pushBios, Session } from './update-helpers.ts';

const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];
let fleet: SimFleet;
let caller: Caller;
const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: VENDORS.length, tls: false, seed: 31 });
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
  await fleet.close();
});

/** Polls a Location until it stops answering 202; returns every status and the final answer. */
async function pollMonitor(s: Session, location: string) {
  const statuses: number[] = [];
  for (let i = 0; i < 300; i++) {
    const r = await s.call(pathOf(location));
    if (statuses.at(-1) !== r.status) statuses.push(r.status);
    if (r.status !== 202) return { statuses, final: r };
    expect(r.headers.get('location')).toBe(location);
    expect(r.headers.get('retry-after')).toBe('1');
    await sleep(10);
  }
  throw new Error('task never finished');
}

describe('task monitors', () => {
  it.each([
    ['openbmc', 204, 404],
    ['generic', 200, 410],
    ['hpe', 200, 404],
    ['lenovo', 200, 404],
    ['supermicro', 200, 410],
  ] as const)(
    '%s: 202 while running, %i once, then %i; the Task stays readable',
    async (vendor, done, gone) => {
      const s = new Session(caller, bmcOf(vendor));
      await s.login();
      const r = await pushBios(s);
      expect(r.status).toBe(202);
      const location = r.headers.get('location') ?? '';
      if (vendor === 'hpe')
        expect(location).toMatch(
          /^http:\/\/127\.0\.0\.1:\d+\/redfish\/v1\/TaskService\/TaskMonitors\/\d+\/$/,
        );
      else expect(location).toMatch(/^\/redfish\/v1\/TaskService\/TaskMonitors\/\d+$/);
      const { statuses, final } = await pollMonitor(s, location);
      expect(statuses).toEqual([202, done]);
      if (done === 200) expect(final.json.TaskState).toBe('Completed');
      else expect(final.text).toBe('');
      const after = await s.call(pathOf(location));
      expect(after.status).toBe(gone);
      expect(firstMessageId(after.json)).toMatch(
        gone === 404 ? /ResourceNotFound$/ : /ResourceMissingAtURI$/,
      );
      const taskId = pathOf(location).split('/').filter(Boolean).pop();
      const task = await s.call(`/redfish/v1/TaskService/Tasks/${taskId}`);
      expect(task.status).toBe(200);
      expect(task.json).toMatchObject({ TaskState: 'Completed', TaskStatus: 'OK', PercentComplete: 100 });
      expect(task.json.TaskMonitor).toBe(`/redfish/v1/TaskService/TaskMonitors/${taskId}`);
      const tasks = await s.call('/redfish/v1/TaskService/Tasks');
      expect(
        tasks.json.Members.map((m: { '@odata.id': string }) => m['@odata.id'].replace(/\/$/, '')),
      ).toContain(`/redfish/v1/TaskService/Tasks/${taskId}`);
    },
  );

  it('supermicro answers the 202 with its {"Accepted": ...} object', async () => {
    const s = new Session(caller, bmcOf('supermicro'));
    await s.login();
    const r = await pushBios(s);
    expect(r.json.Accepted.code).toBe('Base.v1_10_3.Accepted');
    expect(r.json.Accepted['@Message.ExtendedInfo'][0].MessageArgs[0]).toMatch(
      /^\/redfish\/v1\/TaskService\/Tasks\/\d+$/,
    );
    await pollMonitor(s, r.headers.get('location') ?? '');
  });

  it('dell: Location is the Task JID_…, answered 200 with the job state; deleted after jobRetentionMs', async () => {
    const bmc = bmcOf('dell');
    const s = new Session(caller, bmc);
    await s.login();
    const r = await pushBios(s, { '@Redfish.OperationApplyTime': 'Immediate' });
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    const location = r.headers.get('location') ?? '';
    expect(location).toMatch(/^\/redfish\/v1\/TaskService\/Tasks\/JID_\d{12}$/);
    const jobStates: string[] = [];
    let task = (await s.call(location)).json;
    for (let i = 0; i < 300 && task.TaskState !== 'Completed'; i++) {
      if (jobStates.at(-1) !== task.Oem.Dell.JobState) jobStates.push(task.Oem.Dell.JobState);
      await sleep(5);
      const answer = await s.call(location);
      expect(answer.status).toBe(200);
      task = answer.json;
    }
    expect(task).toMatchObject({ TaskState: 'Completed', Oem: { Dell: { JobState: 'Completed' } } });
    expect(task.TaskMonitor).toBeUndefined();
    // Immediate host firmware on iDRAC: the job is scheduled and the server rebooted to install it.
    expect(jobStates).toContain('Scheduled');
    expect(bmc.availability.intervals.length).toBeGreaterThan(0);
    await sleep(bmc.timing.jobRetentionMs + 50);
    expect((await s.call(location)).status).toBe(404);
  });

  it('finished tasks expire after taskRetentionMs; an unread monitor after monitorRetentionMs', async () => {
    const bmc = await startSimulatedBmc({
      vendor: 'generic',
      tls: false,
      timing: { taskRetentionMs: 150, monitorRetentionMs: 60 },
    });
    try {
      const s = new Session(caller, bmc);
      await s.login();
      const r = await pushBios(s);
      const location = r.headers.get('location') ?? '';
      const taskPath = location.replace('TaskMonitors', 'Tasks');
      for (let i = 0; i < 100 && (await s.call(taskPath)).json.TaskState !== 'Completed'; i++)
        await sleep(10);
      await sleep(80);
      expect((await s.call(location)).status).toBe(410);
      expect((await s.call(taskPath)).status).toBe(200);
      await sleep(100);
      expect((await s.call(taskPath)).status).toBe(404);
      expect((await s.call('/redfish/v1/TaskService/Tasks')).json.Members).toEqual([]);
    } finally {
      await bmc.close();
    }
  });
});

describe('DELETE on a task', () => {
  it('cancels an update still waiting, refuses one that runs, removes a finished one', async () => {
    const s = new Session(caller, bmcOf('generic'));
    await s.login();
    const held = await pushBios(s, { '@Redfish.OperationApplyTime': 'OnStartUpdateRequest' });
    const monitor = held.headers.get('location') ?? '';
    const task = monitor.replace('TaskMonitors', 'Tasks');
    for (let i = 0; i < 100 && (await s.call(task)).json.TaskState !== 'Pending'; i++) await sleep(5);
    expect((await s.call(monitor, { method: 'DELETE' })).status).toBe(204);
    expect((await s.call(task)).json).toMatchObject({ TaskState: 'Cancelled', TaskStatus: 'Warning' });
    expect(s.bmc.updateHistory.at(-1)?.outcome).toBe('cancelled');
    await s.call('/redfish/v1/UpdateService/Actions/UpdateService.StartUpdate', { method: 'POST', body: {} });
    await sleep(100);
    expect(s.bmc.updateHistory.at(-1)?.outcome).toBe('cancelled');

    const running = await pushBios(s);
    const runningTask = (running.headers.get('location') ?? '').replace('TaskMonitors', 'Tasks');
    const refused = await s.call(runningTask, { method: 'DELETE' });
    expect(refused.status).toBe(405);
    expect(firstMessageId(refused.json)).toMatch(/ResourceCannotBeDeleted$/);
    for (let i = 0; i < 100 && (await s.call(runningTask)).json.TaskState !== 'Completed'; i++)
      await sleep(10);
    expect((await s.call(runningTask, { method: 'DELETE' })).status).toBe(204);
    expect((await s.call(runningTask)).status).toBe(404);
  });
});

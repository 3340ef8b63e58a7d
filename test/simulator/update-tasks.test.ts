/**
 * Task monitors the way each vendor runs them: 202 + Location + Retry-After while running; then
 * bmcweb's 204 once and 404, the DMTF-style final Task once and 404/410, or on iDRAC no monitor at
 * all (Location is the Task JID_…, deleted soon after it finishes). Tasks expire on schedule.
 *
 * States that last only milliseconds on the fast timing are not waited for: a test that has to see
 * one runs on its own BMC where it lasts (long timings, or an install stuck by the taskStuck fault).
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
import { type Body, type Caller, createCaller, firstMessageId, pathOf } from './helpers.ts';
import { pushBios, Session, waitFor } from './update-helpers.ts';

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

/** A BMC of its own for one test (closed by the caller), logged in. */
async function ownBmc(
  vendor: SimVendor,
  timing?: Parameters<typeof startSimulatedBmc>[0]['timing'],
): Promise<{ bmc: SimBmc; s: Session }> {
  const bmc = await startSimulatedBmc({ vendor, tls: false, seed: 31, ...(timing ? { timing } : {}) });
  const s = new Session(caller, bmc);
  await s.login();
  return { bmc, s };
}

/** The Task behind a monitor Location (same Id). */
const taskOf = (location: string) =>
  `/redfish/v1/TaskService/Tasks/${pathOf(location).split('/').filter(Boolean).pop()}`;

/** Message ids of a Task body, without registry prefix. */
const messageIds = (task: Body): string[] =>
  (task?.Messages ?? []).map((m: { MessageId: string }) => m.MessageId.split('.').pop());

/** Polls a Location until it stops answering 202; returns every status and the final answer. */
async function pollMonitor(s: Session, location: string) {
  const statuses: number[] = [];
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const r = await s.call(pathOf(location));
    if (statuses.at(-1) !== r.status) statuses.push(r.status);
    if (r.status !== 202) return { statuses, final: r };
    expect(r.headers.get('location')).toBe(location);
    expect(r.headers.get('retry-after')).toBe('1');
    await sleep(10);
  }
  throw new Error('task never finished');
}

/** Waits until a task installs (Running, InstallingOnComponent) and returns its body. */
function untilInstalling(s: Session, taskPath: string): Promise<Body> {
  return waitFor('the task to install', async () => {
    const t = (await s.call(taskPath)).json;
    return t?.TaskState === 'Running' && messageIds(t).includes('InstallingOnComponent') ? t : undefined;
  });
}

const MONITOR_VENDORS = [
  ['openbmc', 204, 404],
  ['generic', 200, 410],
  // iLO's push (/cgi-bin/uploadFile) answers 200 with no task: test/vendors/hpe.
  ['lenovo', 200, 404],
  ['supermicro', 200, 410],
] as const;

describe('task monitors', () => {
  it.each(MONITOR_VENDORS)(
    '%s: 202 while running, %i once, then %i; the Task stays readable',
    async (vendor, done, gone) => {
      const s = new Session(caller, bmcOf(vendor));
      await s.login();
      // bmcweb's multipart default (OnReset) would pause the task until a host reset: ask Immediate.
      const r = await pushBios(s, vendor === 'openbmc' ? { '@Redfish.OperationApplyTime': 'Immediate' } : {});
      expect(r.status).toBe(202);
      const location = r.headers.get('location') ?? '';
      expect(location).toMatch(/^\/redfish\/v1\/TaskService\/TaskMonitors\/\d+$/);
      expect(r.headers.get('retry-after')).toBe('1');
      const { statuses, final } = await pollMonitor(s, location);
      // The update runs for tens of ms: a first poll that comes late meets the final answer at once.
      // (The monitor's 202 while the task runs is checked on a stuck task below.)
      expect([[202, done], [done]]).toContainEqual(statuses);
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

  it.each(MONITOR_VENDORS)(
    '%s: the monitor answers 202 with Location and Retry-After as long as the task runs',
    async (vendor) => {
      // taskStuck: the install never ends, so the task certainly still runs when polled.
      const { bmc, s } = await ownBmc(vendor);
      try {
        bmc.setUpdateFaults({ nextUpdateOnly: { taskStuck: true } });
        const r = await pushBios(s);
        expect(r.status).toBe(202);
        const location = r.headers.get('location') ?? '';
        await untilInstalling(s, taskOf(location));
        for (let i = 0; i < 3; i++) {
          const m = await s.call(pathOf(location));
          expect(m.status).toBe(202);
          expect(m.headers.get('location')).toBe(location);
          expect(m.headers.get('retry-after')).toBe('1');
        }
        expect((await s.call(taskOf(location))).json.TaskState).toBe('Running');
      } finally {
        await bmc.close();
      }
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

  it('dell: Location is the Task JID_…, answered 200 with the job state; Immediate BIOS is Scheduled and the server rebooted', async () => {
    // The job stays Scheduled while the server powers off: a second here, so a poller sees it. Jobs
    // are kept long enough that the poller certainly reads the Completed one.
    const { bmc, s } = await ownBmc('dell', { powerOffMs: 1_000, jobRetentionMs: 60_000 });
    try {
      const r = await pushBios(s, { '@Redfish.OperationApplyTime': 'Immediate' });
      expect(r.status).toBe(202);
      expect(r.text).toBe('');
      const location = r.headers.get('location') ?? '';
      expect(location).toMatch(/^\/redfish\/v1\/TaskService\/Tasks\/JID_\d{12}$/);
      const jobStates: string[] = [];
      const seen: string[] = [];
      const task = await waitFor(
        'the job to complete',
        async () => {
          const answer = await s.call(location);
          expect(answer.status).toBe(200);
          const job = answer.json;
          if (jobStates.at(-1) !== job.Oem.Dell.JobState) jobStates.push(job.Oem.Dell.JobState);
          for (const id of messageIds(job)) if (seen.at(-1) !== id) seen.push(id);
          return job.TaskState === 'Completed' ? job : undefined;
        },
        10_000,
        5,
      );
      expect(task).toMatchObject({ TaskState: 'Completed', Oem: { Dell: { JobState: 'Completed' } } });
      expect(task.TaskMonitor).toBeUndefined();
      // Immediate host firmware on iDRAC: the job is scheduled and the server rebooted to install it.
      expect(jobStates, jobStates.join(' → ')).toContain('Scheduled');
      // iDRAC shows one message that each step replaces (Dell's scripts read Messages[0]).
      expect(messageIds(task)).toEqual(['UpdateSuccessful']);
      const ids = seen;
      const awaiting = ids.indexOf('AwaitToActivate');
      expect(awaiting, ids.join(', ')).toBeGreaterThan(ids.indexOf('InstallingOnComponent'));
      expect(ids.lastIndexOf('InstallingOnComponent'), ids.join(', ')).toBeGreaterThan(awaiting);
      expect(ids.at(-1)).toBe('UpdateSuccessful');
      expect(bmc.availability.intervals.some((i) => i.reasons.includes('host-reset'))).toBe(true);
    } finally {
      await bmc.close();
    }
  });

  it('dell: a finished job is deleted after jobRetentionMs (not taskRetentionMs)', async () => {
    const { bmc, s } = await ownBmc('dell', { jobRetentionMs: 300, taskRetentionMs: 60_000 });
    try {
      const r = await pushBios(s, { '@Redfish.OperationApplyTime': 'Immediate' });
      expect(r.status).toBe(202);
      const location = r.headers.get('location') ?? '';
      const goneAt = await waitFor('the job to be deleted', async () =>
        (await s.call(location)).status === 404 ? Date.now() : undefined,
      );
      const record = bmc.updateHistory.at(-1);
      expect(record?.outcome).toBe('installed');
      // The job finished when the image was installed; timers may fire a few ms early by the wall clock.
      const finishedAt = Date.parse(record?.installedAt ?? '');
      expect(goneAt - finishedAt).toBeGreaterThanOrEqual(bmc.timing.jobRetentionMs - 50);
      expect((await s.call('/redfish/v1/TaskService/Tasks')).json.Members).toEqual([]);
    } finally {
      await bmc.close();
    }
  });

  it('an unread monitor expires after monitorRetentionMs while its finished task stays readable', async () => {
    const { bmc, s } = await ownBmc('generic', { taskRetentionMs: 60_000, monitorRetentionMs: 60 });
    try {
      const r = await pushBios(s);
      const location = r.headers.get('location') ?? '';
      const taskPath = taskOf(location);
      // Only the Task is read: the monitor's final answer stays unread.
      const task = await waitFor('the task to complete', async () => {
        const t = (await s.call(taskPath)).json;
        return t?.TaskState === 'Completed' ? t : undefined;
      });
      const endTime = Date.parse(task.EndTime);
      await sleep(Math.max(0, endTime + bmc.timing.monitorRetentionMs + 100 - Date.now()));
      const monitor = await s.call(location);
      expect(monitor.status).toBe(410);
      expect(firstMessageId(monitor.json)).toMatch(/ResourceMissingAtURI$/);
      expect((await s.call(taskPath)).status).toBe(200);
    } finally {
      await bmc.close();
    }
  });

  it('finished tasks expire after taskRetentionMs (not monitorRetentionMs)', async () => {
    const { bmc, s } = await ownBmc('generic', { taskRetentionMs: 200, monitorRetentionMs: 60_000 });
    try {
      const r = await pushBios(s);
      const taskPath = taskOf(r.headers.get('location') ?? '');
      const goneAt = await waitFor('the task to expire', async () =>
        (await s.call(taskPath)).status === 404 ? Date.now() : undefined,
      );
      const record = bmc.updateHistory.at(-1);
      expect(record?.outcome).toBe('installed');
      // The task ended when the image was installed; timers may fire a few ms early by the wall clock.
      const finishedAt = Date.parse(record?.installedAt ?? '');
      expect(goneAt - finishedAt).toBeGreaterThanOrEqual(bmc.timing.taskRetentionMs - 50);
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
    const task = taskOf(monitor);
    await waitFor(
      'the update to wait for StartUpdate',
      async () => (await s.call(task)).json.TaskState === 'Pending',
    );
    expect((await s.call(monitor, { method: 'DELETE' })).status).toBe(204);
    expect((await s.call(task)).json).toMatchObject({ TaskState: 'Cancelled', TaskStatus: 'Warning' });
    expect(s.bmc.updateHistory.at(-1)?.outcome).toBe('cancelled');
    await s.call('/redfish/v1/UpdateService/Actions/UpdateService.StartUpdate', { method: 'POST', body: {} });
    await sleep(100);
    expect(s.bmc.updateHistory.at(-1)?.outcome).toBe('cancelled');

    // An install that never ends (taskStuck, on a BMC of its own): certainly still running.
    const stuck = await ownBmc('generic');
    try {
      stuck.bmc.setUpdateFaults({ nextUpdateOnly: { taskStuck: true } });
      const running = await pushBios(stuck.s);
      const runningTask = taskOf(running.headers.get('location') ?? '');
      await untilInstalling(stuck.s, runningTask);
      const refused = await stuck.s.call(runningTask, { method: 'DELETE' });
      expect(refused.status).toBe(405);
      expect(firstMessageId(refused.json)).toMatch(/ResourceCannotBeDeleted$/);
      expect((await stuck.s.call(runningTask)).json.TaskState).toBe('Running');
      expect(stuck.bmc.updateHistory.at(-1)?.outcome).toBe('running');
    } finally {
      await stuck.bmc.close();
    }

    const finished = await pushBios(s);
    const finishedTask = taskOf(finished.headers.get('location') ?? '');
    await waitFor(
      'the update to complete',
      async () => (await s.call(finishedTask)).json.TaskState === 'Completed',
    );
    expect((await s.call(finishedTask, { method: 'DELETE' })).status).toBe(204);
    expect((await s.call(finishedTask)).status).toBe(404);
  });
});

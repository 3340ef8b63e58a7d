/**
 * Apply times: OnReset staging until a host reset, maintenance windows in real wall time (refused
 * when over or malformed), OnStartUpdateRequest held until StartUpdate, HttpPushUri's apply time
 * PATCHed on the UpdateService, BMC images staged until the BMC's own reset, and apply times a
 * profile does not announce refused.
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
import {
  followTask,
  inventory,
  multipartForm,
  pushBios,
  resetHost,
  Session,
  startImageServer,
  testImage,
  updateService,
  versions,
  waitFor,
} from './update-helpers.ts';

const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];
let fleet: SimFleet;
let caller: Caller;
const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: VENDORS.length, tls: false, seed: 41 });
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
  await fleet.close();
});

const window = (startInMs: number, seconds: number) => ({
  MaintenanceWindowStartTime: new Date(Date.now() + startInMs).toISOString(),
  MaintenanceWindowDurationInSeconds: seconds,
});

async function login(vendor: SimVendor): Promise<Session> {
  const s = new Session(caller, bmcOf(vendor));
  await s.login();
  return s;
}

/**
 * Follows a monitor to the end, then reads its Task (same Id) and the Task's message ids. bmcweb's
 * monitor answers its single 204 without a body: a first poll that comes after the update finished
 * never sees the Task through the monitor.
 */
async function followToTask(s: Session, location: string) {
  await followTask(s, location, { untilPending: true });
  const id = pathOf(location).split('/').filter(Boolean).pop();
  const task = (await s.call(`/redfish/v1/TaskService/Tasks/${id}`)).json;
  const messages: string[] = (task?.Messages ?? []).map((m: { MessageId: string }) =>
    m.MessageId.split('.').pop(),
  );
  return { task, messages };
}

/** Waits until the inventory shows `version`. */
function untilVersion(s: Session, version: string): Promise<boolean> {
  return waitFor(`version ${version} in the inventory`, async () => (await versions(s)).includes(version));
}

describe('OnReset', () => {
  it('generic: the task completes with AwaitToActivate; the version appears after ForceRestart', async () => {
    const s = await login('generic');
    const { image, version } = testImage('generic');
    const us = await updateService(s);
    const r = await s.call(us.MultipartHttpPushUri, {
      method: 'POST',
      raw: multipartForm({ '@Redfish.OperationApplyTime': 'OnReset' }, image),
    });
    const f = await followTask(s, r.headers.get('location') ?? '');
    expect(f.task.TaskState).toBe('Completed');
    expect(f.messages.at(-1)).toBe('AwaitToActivate');
    expect(s.bmc.updateHistory.at(-1)?.outcome).toBe('staged');
    expect(await versions(s)).not.toContain(version);
    const states: string[] = [s.bmc.powerState];
    const watch = setInterval(() => {
      if (states.at(-1) !== s.bmc.powerState) states.push(s.bmc.powerState);
    }, 2);
    await resetHost(s, 'ForceRestart');
    clearInterval(watch);
    if (states.at(-1) !== s.bmc.powerState) states.push(s.bmc.powerState);
    // ForceRestart: On → PoweringOff → Off → PoweringOn → On (a sampler may miss short steps).
    const order = ['On', 'PoweringOff', 'Off', 'PoweringOn', 'On'];
    let at = 0;
    for (const st of states) {
      const next = order.indexOf(st, at);
      expect(next, states.join(' → ')).toBeGreaterThanOrEqual(at);
      at = next;
    }
    expect(states.at(-1)).toBe('On');
    expect(s.bmc.availability.intervals.at(-1)?.reasons).toContain('host-reset');
    expect(await versions(s)).toContain(version);
    expect(s.bmc.updateHistory.at(-1)?.outcome).toBe('installed');
  });

  it('dell: the job stays Pending (Scheduled) until the host reset installs it, then Completed', async () => {
    // A BMC of its own that keeps finished jobs: the Completed job is certainly still there to read.
    const bmc = await startSimulatedBmc({
      vendor: 'dell',
      tls: false,
      seed: 41,
      timing: { jobRetentionMs: 60_000 },
    });
    try {
      const s = new Session(caller, bmc);
      await s.login();
      const { image, version } = testImage('dell');
      const us = await updateService(s);
      const r = await s.call(us.MultipartHttpPushUri, { method: 'POST', raw: multipartForm({}, image) });
      const location = r.headers.get('location') ?? '';
      const pending = await followTask(s, location, { untilPending: true });
      expect(pending.task).toMatchObject({ TaskState: 'Pending', Oem: { Dell: { JobState: 'Scheduled' } } });
      await sleep(50);
      expect((await s.call(location)).json.TaskState).toBe('Pending');
      expect(await versions(s)).not.toContain(version);
      await resetHost(s, 'ForceRestart');
      const done = await followTask(s, location);
      expect(done.task).toMatchObject({ TaskState: 'Completed', Oem: { Dell: { JobState: 'Completed' } } });
      expect(await versions(s)).toContain(version);
    } finally {
      await bmc.close();
    }
  });
});

describe('maintenance windows', () => {
  it('AtMaintenanceWindowStart holds the task Pending until the window opens (wall time), then installs', async () => {
    const s = await login('generic');
    const us = await updateService(s);
    const push = (image: Buffer, w: ReturnType<typeof window>) =>
      s.call(us.MultipartHttpPushUri, {
        method: 'POST',
        raw: multipartForm(
          { '@Redfish.OperationApplyTime': 'AtMaintenanceWindowStart', '@Redfish.MaintenanceWindow': w },
          image,
        ),
      });
    // A window an hour ahead: the task certainly waits, Pending with AwaitToUpdate, nothing installed.
    const later = testImage('generic');
    const waiting = await push(later.image, window(3_600_000, 60));
    expect(waiting.status).toBe(202);
    const waitingAt = waiting.headers.get('location') ?? '';
    const held = await followTask(s, waitingAt, { untilPending: true });
    expect(held.task.TaskState).toBe('Pending');
    expect(held.messages.at(-1)).toBe('AwaitToUpdate');
    expect(s.bmc.updateHistory.at(-1)?.outcome).toBe('waiting');
    expect(await versions(s)).not.toContain(later.version);
    expect((await s.call(waitingAt, { method: 'DELETE' })).status).toBe(204);
    // A window opening soon: the task waits for it, then installs (not before its start).
    const { image, version } = testImage('generic');
    const w = window(300, 60);
    const start = Date.parse(w.MaintenanceWindowStartTime);
    const r = await push(image, w);
    expect(r.status).toBe(202);
    const f = await followTask(s, r.headers.get('location') ?? '');
    expect(f.task.TaskState).toBe('Completed');
    expect(f.messages.indexOf('AwaitToUpdate'), f.messages.join(', ')).toBeGreaterThan(
      f.messages.indexOf('VerifyingAtComponent'),
    );
    expect(f.messages.indexOf('InstallingOnComponent'), f.messages.join(', ')).toBeGreaterThan(
      f.messages.indexOf('AwaitToUpdate'),
    );
    expect(Date.parse(s.bmc.updateHistory.at(-1)?.installedAt ?? '')).toBeGreaterThanOrEqual(start);
    expect(await versions(s)).toContain(version);
  });

  it('InMaintenanceWindowOnReset activates only at a reset inside the window; the UpdateService window is used', async () => {
    // A BMC of its own: the image staged for a window an hour ahead stays staged.
    const bmc = await startSimulatedBmc({ vendor: 'generic', tls: false, seed: 41 });
    try {
      const s = new Session(caller, bmc);
      await s.login();
      const us = await updateService(s);
      const patchWindow = async (w: ReturnType<typeof window>) => {
        const patched = await s.call('/redfish/v1/UpdateService', {
          method: 'PATCH',
          body: { '@Redfish.MaintenanceWindow': w },
        });
        expect(patched.status).toBe(200);
        expect(patched.json['@Redfish.MaintenanceWindow']).toMatchObject(w);
      };
      const stage = async (image: Buffer) => {
        const r = await s.call(us.MultipartHttpPushUri, {
          method: 'POST',
          raw: multipartForm({ '@Redfish.OperationApplyTime': 'InMaintenanceWindowOnReset' }, image),
        });
        expect((await followTask(s, r.headers.get('location') ?? '')).messages.at(-1)).toBe(
          'AwaitToActivate',
        );
        expect(bmc.updateHistory.at(-1)?.outcome).toBe('staged');
      };
      // The service's window opens in an hour: a reset now installs nothing.
      await patchWindow(window(3_600_000, 30));
      const later = testImage('generic');
      await stage(later.image);
      await resetHost(s, 'PowerCycle');
      expect(await versions(s)).not.toContain(later.version);
      // The service's window is open now: staged, nothing installs until a reset; the reset does.
      await patchWindow(window(-60_000, 3_600));
      const { image, version } = testImage('generic');
      await stage(image);
      expect(await versions(s)).not.toContain(version);
      await resetHost(s, 'ForceRestart');
      const inv = await versions(s);
      expect(inv).toContain(version);
      // The image staged for the later window still waits for it.
      expect(inv).not.toContain(later.version);
      expect(bmc.updateHistory.map((u) => u.outcome)).toEqual(['staged', 'installed']);
    } finally {
      await bmc.close();
    }
  });

  it.each([
    [
      'a window that is over',
      { MaintenanceWindowStartTime: '2020-01-01T03:00:00Z', MaintenanceWindowDurationInSeconds: 60 },
      /ActionParameterValueError$/,
    ],
    [
      'a start without time zone',
      { MaintenanceWindowStartTime: '2099-01-01T03:00:00', MaintenanceWindowDurationInSeconds: 60 },
      /ActionParameterValueFormatError$/,
    ],
    [
      'no duration',
      { MaintenanceWindowStartTime: '2099-01-01T03:00:00Z' },
      /ActionParameterValueFormatError$/,
    ],
  ])('SimpleUpdate with %s → 400', async (_name, w, id) => {
    const s = await login('generic');
    const us = await updateService(s);
    const r = await s.call(us.Actions['#UpdateService.SimpleUpdate'].target, {
      method: 'POST',
      body: {
        ImageURI: 'http://127.0.0.1:1/x.fwsim',
        '@Redfish.OperationApplyTime': 'AtMaintenanceWindowStart',
        '@Redfish.MaintenanceWindow': w,
      },
    });
    expect(r.status).toBe(400);
    expect(firstMessageId(r.json)).toMatch(id);
  });

  it('PATCHing a window that is over is refused with PropertyValueOutOfRange', async () => {
    const s = await login('generic');
    const r = await s.call('/redfish/v1/UpdateService', {
      method: 'PATCH',
      body: { '@Redfish.MaintenanceWindow': window(-3_600_000, 60) },
    });
    expect(r.status).toBe(400);
    expect(firstMessageId(r.json)).toMatch(/PropertyValueOutOfRange$/);
  });
});

describe('OnStartUpdateRequest', () => {
  it.each(['supermicro', 'lenovo'] as const)(
    '%s: multipart held (Pending, AwaitToUpdate) until StartUpdate',
    async (vendor) => {
      const s = await login(vendor);
      const { image, version } = testImage(vendor, vendor === 'lenovo' ? 'bmc' : 'bios');
      const us = await updateService(s);
      const r = await s.call(us.MultipartHttpPushUri, {
        method: 'POST',
        raw: multipartForm({ '@Redfish.OperationApplyTime': 'OnStartUpdateRequest' }, image),
      });
      expect(r.status).toBe(202);
      const location = r.headers.get('location') ?? '';
      const held = await followTask(s, location, { untilPending: true });
      expect(held.task.TaskState).toBe('Pending');
      expect(held.messages.at(-1)).toBe('AwaitToUpdate');
      const start = await s.call(us.Actions['#UpdateService.StartUpdate'].target, {
        method: 'POST',
        body: {},
      });
      expect(start.status).toBe(204);
      await followTask(s, location);
      await untilVersion(s, version);
      expect(await versions(s)).toContain(version);
    },
  );
});

describe('Stage', () => {
  it('SimpleUpdate with Stage: the task completes with AwaitToUpdate, StartUpdate installs', async () => {
    const s = await login('generic');
    const { image, version } = testImage('generic');
    const server = await startImageServer();
    try {
      server.serve('staged.fwsim', image);
      const us = await updateService(s);
      const r = await s.call(us.Actions['#UpdateService.SimpleUpdate'].target, {
        method: 'POST',
        body: { ImageURI: `${server.url}/staged.fwsim`, Stage: true },
      });
      const f = await followTask(s, r.headers.get('location') ?? '');
      expect(f.task.TaskState).toBe('Completed');
      expect(f.messages.at(-1)).toBe('AwaitToUpdate');
      expect(s.bmc.updateHistory.at(-1)?.outcome).toBe('waiting');
      expect(await versions(s)).not.toContain(version);
      await s.call(us.Actions['#UpdateService.StartUpdate'].target, { method: 'POST', body: {} });
      await untilVersion(s, version);
      expect(await versions(s)).toContain(version);
    } finally {
      await server.close();
    }
  });
});

describe('announced apply times only', () => {
  it.each([
    ['lenovo', 'OnReset'],
    ['supermicro', 'OnReset'],
    ['openbmc', 'AtMaintenanceWindowStart'],
  ] as const)('%s multipart refuses %s with PropertyValueNotInList', async (vendor, at) => {
    const s = await login(vendor);
    const r = await pushBios(s, { '@Redfish.OperationApplyTime': at });
    expect(r.status).toBe(400);
    expect(firstMessageId(r.json)).toMatch(/PropertyValueNotInList$/);
  });
});

describe('HttpPushUri targets', () => {
  it('lenovo: PATCH HttpPushUriTargets aims a raw push; an image for another component then fails', async () => {
    const s = await login('lenovo');
    const patched = await s.call('/redfish/v1/UpdateService', {
      method: 'PATCH',
      body: { HttpPushUriTargets: ['/redfish/v1/UpdateService/FirmwareInventory/BMC-Primary'] },
    });
    expect(patched.json.HttpPushUriTargets).toEqual([
      '/redfish/v1/UpdateService/FirmwareInventory/BMC-Primary',
    ]);
    try {
      const { image } = testImage('lenovo', 'bios');
      const r = await s.call('/fwupdate', { method: 'POST', raw: image });
      expect((await followTask(s, r.headers.get('location') ?? '')).messages.at(-1)).toBe(
        'VerificationFailed',
      );
    } finally {
      await s.call('/redfish/v1/UpdateService', { method: 'PATCH', body: { HttpPushUriTargets: [] } });
    }
  });
});

describe('HttpPushUri apply time', () => {
  it('openbmc: PATCH HttpPushUriApplyTime OnReset → pushed images wait for a host reset (task Stopping + TaskPaused)', async () => {
    const s = await login('openbmc');
    const set = async (at: string) =>
      s.call('/redfish/v1/UpdateService', {
        method: 'PATCH',
        body: { HttpPushUriOptions: { HttpPushUriApplyTime: { ApplyTime: at } } },
      });
    expect((await set('OnReset')).json.HttpPushUriOptions.HttpPushUriApplyTime.ApplyTime).toBe('OnReset');
    try {
      const { image, version } = testImage('openbmc');
      const r = await s.call('/redfish/v1/UpdateService/update', { method: 'POST', raw: image });
      const f = await followToTask(s, r.headers.get('location') ?? '');
      // bmcweb update_service.hpp: a staged host image pauses the task, it does not complete it.
      expect(f.task.TaskState).toBe('Stopping');
      expect(f.messages.at(-1)).toBe('TaskPaused');
      expect(s.bmc.updateHistory.at(-1)).toMatchObject({ method: 'http-push', applyTime: 'OnReset' });
      await resetHost(s, 'GracefulRestart');
      expect(await versions(s)).toContain(version);
    } finally {
      await set('Immediate');
    }
  });

  it('openbmc: a BMC image pushed multipart (default OnReset) activates at Manager.Reset', async () => {
    const s = await login('openbmc');
    const { image, version } = testImage('openbmc', 'bmc', '2.16.0');
    const r = await s.call('/redfish/v1/UpdateService/update-multipart', {
      method: 'POST',
      raw: multipartForm({ Targets: ['/redfish/v1/Managers/bmc'] }, image),
    });
    const f = await followToTask(s, r.headers.get('location') ?? '');
    // bmcweb: the task completes (TaskCompletedOK) and says nothing of the reset still needed.
    expect(f.task.TaskState).toBe('Completed');
    expect(f.messages.at(-1)).toBe('TaskCompletedOK');
    await resetHost(s, 'ForceRestart');
    expect(await versions(s)).not.toContain(version);
    const resetAt = Date.now();
    const reset = await s.call('/redfish/v1/Managers/bmc/Actions/Manager.Reset', {
      method: 'POST',
      body: { ResetType: 'GracefulRestart' },
    });
    expect(reset.status).toBe(204);
    // The BMC reboots (unavailable for bmc-reboot) and answers again running the new image.
    await waitFor('the BMC to reboot and answer again', () =>
      s.bmc.availability.intervals.find(
        (i) => i.start >= resetAt && i.reasons.includes('bmc-reboot') && i.end !== undefined,
      ),
    );
    const inv = await versions(s);
    expect(inv).toContain(version);
    const manager = (await s.call('/redfish/v1/Managers/bmc')).json;
    expect(manager.FirmwareVersion).toBe(version);
    // bmcweb keeps the previous image in the StandbySpare bank.
    const members = [...(await inventory(s)).values()];
    const standby = members.filter((m) => m.Status.State === 'StandbySpare');
    expect(standby).toHaveLength(1);
  });
});

/**
 * The Dell profile's firmware behaviours as the simulator serves them: iDRAC 8's UpdateService and
 * its If-Match upload, the Lifecycle Controller job queue outliving its task, one replaced task
 * message, and the iDRAC's 503-then-500 start after its own update.
 */
import { FormData } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimBmc, startSimulatedBmc, startSimulatedFleet } from '../../src/simulator/index.ts';
import { type Caller, createCaller } from './helpers.ts';
import { Session, testImage, updateService, waitFor } from './update-helpers.ts';

let caller: Caller;
beforeAll(() => {
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
});

async function own(
  generation: 'idrac8' | 'idrac9',
  timing: Parameters<typeof startSimulatedBmc>[0]['timing'] = {},
) {
  const bmc = await startSimulatedBmc({ vendor: 'dell', tls: false, seed: 31, generation, timing });
  const s = new Session(caller, bmc);
  await s.login();
  return { bmc, s };
}

function fileForm(image: Buffer): FormData {
  const form = new FormData();
  form.append('file', new Blob([image], { type: 'application/octet-stream' }), 'BIOS_X_WN64_7.7.EXE');
  return form;
}

const INVENTORY = '/redfish/v1/UpdateService/FirmwareInventory';

describe('iDRAC 8 (idrac8 generation)', () => {
  let bmc: SimBmc;
  let s: Session;
  beforeAll(async () => {
    ({ bmc, s } = await own('idrac8'));
  });
  afterAll(async () => bmc.close());

  it('announces no multipart and no HTTP SimpleUpdate; its root names no vendor', async () => {
    const us = await updateService(s);
    expect(us.MultipartHttpPushUri).toBeUndefined();
    expect(us.HttpPushUri).toBe(INVENTORY);
    expect(us.Actions['#UpdateService.SimpleUpdate']['TransferProtocol@Redfish.AllowableValues']).toEqual([]);
    const root = (await s.call('/redfish/v1')).json;
    expect(root.RedfishVersion).toBe('1.0.2');
    expect(root.Vendor).toBeUndefined();
    expect(root.Oem).toBeUndefined();
  });

  it('refuses an upload without If-Match or with a stale ETag (412), takes it with the current one (201)', async () => {
    const { image } = testImage('dell', 'bios');
    const none = await s.call(INVENTORY, { method: 'POST', raw: fileForm(image) });
    expect(none.status).toBe(412);
    const stale = await s.call(INVENTORY, {
      method: 'POST',
      raw: fileForm(image),
      headers: { 'if-match': '"0"' },
    });
    expect(stale.status).toBe(412);
    const etag = (await s.call(INVENTORY)).headers.get('etag') ?? '';
    const ok = await s.call(INVENTORY, {
      method: 'POST',
      raw: fileForm(image),
      headers: { 'if-match': etag },
    });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json.Id).toMatch(/^Available-159-/);
    // The collection changed: the old ETag is stale now.
    expect((await s.call(INVENTORY)).headers.get('etag')).not.toBe(etag);
    expect(bmc.stats.imageUploads.map((u) => u.refused)).toEqual([412, 412, undefined]);
  });

  it('refuses a SimpleUpdate that asks it to pull over HTTP', async () => {
    const r = await s.call('/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate', {
      method: 'POST',
      body: { ImageURI: 'http://127.0.0.1:9/image.exe', TransferProtocol: 'HTTP' },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toMatch(/ActionParameterValueNotInList/);
  });
});

describe('iDRAC 9 job queue and task messages', () => {
  it('keeps the job after the task is gone; the task shows one message at a time', async () => {
    const { bmc, s } = await own('idrac9', { jobRetentionMs: 200 });
    try {
      const { image } = testImage('dell', 'bios');
      const form = new FormData();
      form.append(
        'UpdateParameters',
        new Blob([JSON.stringify({ '@Redfish.OperationApplyTime': 'Immediate' })]),
      );
      form.append('UpdateFile', new Blob([image]), 'bios.exe');
      const r = await s.call('/redfish/v1/UpdateService/MultipartUpload', { method: 'POST', raw: form });
      expect(r.status, r.text).toBe(202);
      const task = r.headers.get('location') ?? '';
      const jid = task.split('/').pop() as string;
      const counts = new Set<number>();
      await waitFor('the task to vanish', async () => {
        const t = await s.call(task);
        if (t.status === 200) counts.add(t.json.Messages.length);
        return t.status === 404;
      });
      // Never a growing list: no message before the job starts, then always exactly one.
      expect(Math.max(...counts)).toBe(1);
      const job = (await s.call(`/redfish/v1/Managers/iDRAC.Embedded.1/Jobs/${jid}`)).json;
      expect(job).toMatchObject({
        '@odata.type': '#DellJob.v1_0_1.DellJob',
        Id: jid,
        JobState: 'Completed',
        JobType: 'FirmwareUpdate',
        MessageId: 'RED001',
        Message: 'Job completed successfully.',
        PercentComplete: 100,
      });
      const queue = (await s.call('/redfish/v1/Managers/iDRAC.Embedded.1/Jobs')).json;
      expect(queue.Members.map((m: { '@odata.id': string }) => m['@odata.id'])).toContain(
        `/redfish/v1/Managers/iDRAC.Embedded.1/Jobs/${jid}`,
      );
    } finally {
      await bmc.close();
    }
  });

  it('after its own update the iDRAC answers 503, then 500, then serves again', async () => {
    const { bmc, s } = await own('idrac9', { bmcWarmupMs: 600 });
    try {
      const { image } = testImage('dell', 'bmc');
      const form = new FormData();
      form.append('UpdateParameters', new Blob([JSON.stringify({})]));
      form.append('UpdateFile', new Blob([image]), 'idrac.exe');
      const r = await s.call('/redfish/v1/UpdateService/MultipartUpload', { method: 'POST', raw: form });
      expect(r.status, r.text).toBe(202);
      await waitFor('the reboot', () => bmc.rebooting);
      const statuses: number[] = [];
      await waitFor('the iDRAC to serve again', async () => {
        try {
          const a = await caller.call(bmc, '/redfish/v1/UpdateService', { basic: true });
          if (statuses.at(-1) !== a.status) statuses.push(a.status);
          return a.status === 200;
        } catch {
          return false;
        }
      });
      expect(statuses).toEqual([503, 500, 200]);
    } finally {
      await bmc.close();
    }
  });
});

describe('choosing a generation', () => {
  it('an unknown generation is a configuration error naming the known ones', async () => {
    await expect(
      startSimulatedFleet({ count: 1, vendors: ['dell'], generations: { dell: 'idrac7' } }),
    ).rejects.toMatchObject({
      code: 'FW_ERR_CONFIG',
      message: expect.stringContaining('idrac9, idrac8'),
    });
  });
});

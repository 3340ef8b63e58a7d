/**
 * The simulated iLO does what iLO 5/6 does with updates that have no task (src/simulator/profiles
 * hpe-upload.ts, hpe-update-state.ts): /cgi-bin/uploadFile takes iLO's form and answers 200,
 * UpdateService Oem.Hpe.State walks Uploading/Verifying/Writing/Updating to Complete or Error, a
 * .fwpkg lands in the iLO Repository and an Update Task Queue item flashes it, and iLO 5 before
 * 2.30 ('ilo5-early') answers SimpleUpdate 200 without a task. Plain HTTP over loopback.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FormData } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimImage, type SimBmc, startSimulatedBmc } from '../../../src/simulator/index.ts';
import { type Body, type Caller, createCaller, firstMessageId } from '../../simulator/helpers.ts';
import {
  resetHost,
  Session,
  startImageServer,
  updateService,
  versions,
} from '../../simulator/update-helpers.ts';

let caller: Caller;
const open: SimBmc[] = [];

beforeAll(() => {
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
  await Promise.all(open.map((b) => b.close()));
});

async function ilo(generation?: string): Promise<Session> {
  const bmc = await startSimulatedBmc({
    vendor: 'hpe',
    tls: false,
    seed: 41,
    // Each state lasts long enough for a 5 ms poller to see it even on a loaded machine.
    timing: { transferMs: 120, verifyMs: 120, installMs: 120 },
    ...(generation ? { generation } : {}),
  });
  open.push(bmc);
  const s = new Session(caller, bmc);
  await s.login();
  return s;
}

const rom = (version: string) =>
  buildSimImage({ vendor: 'hpe', match: { id: '2' }, version, payloadSize: 400 });
const iloImage = (version: string) =>
  buildSimImage({ vendor: 'hpe', match: { id: '1' }, version, payloadSize: 400 });

function form(
  token: string | undefined,
  params: Body,
  file: Buffer,
  name: string,
  compsig?: string,
): FormData {
  const f = new FormData();
  if (token !== undefined) f.append('sessionKey', token);
  f.append('parameters', JSON.stringify(params));
  if (compsig !== undefined) f.append('compsig', new Blob([compsig]), compsig);
  f.append('file', new Blob([file]), name);
  return f;
}

/** Oem.Hpe.State values read until a final one, duplicates collapsed. */
async function states(s: Session, timeoutMs = 10_000): Promise<{ seen: string[]; hpe: Body }> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hpe = (await updateService(s))?.Oem?.Hpe;
    if (seen.at(-1) !== hpe.State) seen.push(hpe.State);
    if (['Complete', 'Error'].includes(hpe.State) || Date.now() > deadline) return { seen, hpe };
    await sleep(5);
  }
}

describe('iLO /cgi-bin/uploadFile', () => {
  it('needs the sessionKey part: a form without it is refused 401', async () => {
    const s = await ilo();
    const r = await s.caller.call(s.bmc, '/cgi-bin/uploadFile', {
      method: 'POST',
      token: s.token,
      raw: form(undefined, { UpdateTarget: true }, rom('U30 v3.01 (01/01/2024)'), 'U30_3.01.signed.flash'),
    });
    expect(r.status).toBe(401);
  });

  it('UpdateTarget: 200 with no task, then Verifying → Updating → Complete; iLO image reboots iLO', async () => {
    const s = await ilo();
    const r = await s.call('/cgi-bin/uploadFile', {
      method: 'POST',
      raw: form(
        s.token,
        { UpdateRepository: false, UpdateTarget: true, ETag: 'e-ilo' },
        iloImage('2.99 Dec 01 2026'),
        'ilo5_299.bin',
      ),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('location')).toBeNull();
    const { seen, hpe } = await states(s);
    expect(seen).toContain('Verifying');
    expect(seen).toContain('Updating');
    expect(seen.at(-1)).toBe('Complete');
    expect(hpe).toMatchObject({ UploadCurrentEtag: 'e-ilo', Result: { MessageId: 'Base.1.4.Success' } });
    // iLO resets itself into the new image.
    for (let i = 0; i < 200 && !(await versions(s)).includes('2.99 Dec 01 2026'); i++) await sleep(20);
    expect(await versions(s)).toContain('2.99 Dec 01 2026');
  });

  it('a .fwpkg with UpdateRepository only is Written into the repository; a queue item flashes it', async () => {
    const s = await ilo();
    const before = await versions(s);
    const r = await s.call('/cgi-bin/uploadFile', {
      method: 'POST',
      raw: form(
        s.token,
        { UpdateRepository: true, UpdateTarget: false, ETag: 'e-rom' },
        rom('U30 v3.02 (02/02/2024)'),
        'U30_3.02_02_02_2024.fwpkg',
      ),
    });
    expect(r.status).toBe(200);
    const { seen } = await states(s);
    expect(seen).toEqual(expect.arrayContaining(['Verifying', 'Writing', 'Complete']));
    expect(seen).not.toContain('Updating');
    expect(await versions(s)).toEqual(before);
    const repo = (await s.call('/redfish/v1/UpdateService/ComponentRepository?$expand=.')).json;
    const members = await Promise.all(
      repo.Members.map(async (m: Body) => (m.Filename ? m : (await s.call(m['@odata.id'])).json)),
    );
    expect(members.find((m: Body) => m.Filename === 'U30_3.02_02_02_2024.fwpkg')).toMatchObject({
      Version: 'U30 v3.02 (02/02/2024)',
      Activates: 'AfterReboot',
      Locked: false,
    });
    const q = await s.call('/redfish/v1/UpdateService/UpdateTaskQueue', {
      method: 'POST',
      body: {
        Name: 'rom 3.02',
        Filename: 'U30_3.02_02_02_2024.fwpkg',
        Command: 'ApplyUpdate',
        UpdatableBy: ['Bmc'],
      },
    });
    expect(q.status).toBe(201);
    const item = new URL(q.headers.get('location') ?? '', s.bmc.url).pathname;
    let state = '';
    for (let i = 0; i < 200 && state !== 'Complete'; i++) {
      state = (await s.call(item)).json.State;
      if (state !== 'Complete') await sleep(10);
    }
    expect(state).toBe('Complete');
    // The System ROM was written; it runs after the next host reset.
    expect(await versions(s)).not.toContain('U30 v3.02 (02/02/2024)');
    await resetHost(s);
    expect(await versions(s)).toContain('U30 v3.02 (02/02/2024)');
  });

  it('a failed verification ends in State Error with iLO’s Result', async () => {
    const s = await ilo();
    s.bmc.setUpdateFaults({ nextUpdateOnly: { verificationFailed: true } });
    await s.call('/cgi-bin/uploadFile', {
      method: 'POST',
      raw: form(
        s.token,
        { UpdateRepository: false, UpdateTarget: true },
        rom('U30 v3.03 (03/03/2024)'),
        'U30_3.03.signed.flash',
      ),
    });
    const { seen, hpe } = await states(s);
    expect(seen.at(-1)).toBe('Error');
    expect(hpe.Result.MessageId).toMatch(/^iLO\.2\.\d+\.UpdateInvalidFile$/);
  });

  it('a Smart Component without its compsig fails verification; with it, it is accepted', async () => {
    const s = await ilo();
    await s.call('/cgi-bin/uploadFile', {
      method: 'POST',
      raw: form(s.token, {}, rom('U30 v3.04 (04/04/2024)'), 'cp012345.exe'),
    });
    expect((await states(s)).hpe.State).toBe('Error');
    await s.call('/cgi-bin/uploadFile', {
      method: 'POST',
      raw: form(s.token, {}, rom('U30 v3.04 (04/04/2024)'), 'cp012345.exe', 'cp012345.compsig'),
    });
    expect((await states(s)).hpe.State).toBe('Complete');
  });

  it('refuses a second upload while iLO is busy with one', async () => {
    const s = await ilo();
    s.bmc.setUpdateFaults({ nextUpdateOnly: { taskStuck: true } });
    await s.call('/cgi-bin/uploadFile', {
      method: 'POST',
      raw: form(s.token, { UpdateTarget: true }, rom('U30 v3.05 (05/05/2024)'), 'U30_3.05.signed.flash'),
    });
    for (let i = 0; i < 200 && (await updateService(s)).Oem.Hpe.State !== 'Updating'; i++) await sleep(5);
    const second = await s.call('/cgi-bin/uploadFile', {
      method: 'POST',
      raw: form(s.token, { UpdateTarget: true }, rom('U30 v3.06 (06/06/2024)'), 'U30_3.06.signed.flash'),
    });
    expect(second.status).toBe(400);
    expect(firstMessageId(second.json)).toMatch(/ComponentUploadAlreadyInProgress$/);
  });
});

describe("iLO 5 before 2.30 ('ilo5-early')", () => {
  it('answers SimpleUpdate 200 without a task; Oem.Hpe.State carries the progress', async () => {
    const s = await ilo('ilo5-early');
    const images = await startImageServer();
    try {
      images.serve('U30_3.07.signed.flash', rom('U30 v3.07 (07/07/2024)'));
      const target = (await updateService(s)).Actions['#UpdateService.SimpleUpdate'].target;
      const r = await s.call(target, {
        method: 'POST',
        body: { ImageURI: `${images.url}/U30_3.07.signed.flash` },
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('location')).toBeNull();
      const { seen } = await states(s);
      expect(seen).toEqual(expect.arrayContaining(['Uploading', 'Updating', 'Complete']));
      const manager = (await s.call('/redfish/v1/Managers/1')).json;
      expect(manager.FirmwareVersion).toMatch(/^iLO 5 v2\.(1\d|2\d)$/);
    } finally {
      await images.close();
    }
  });
});

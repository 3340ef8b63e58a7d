/**
 * What the update entry points refuse (Base registry 400s, 411, 413, 503), and how SimpleUpdate
 * downloads: accepted first, fetched after (a failed download is a failed task, not a failed
 * POST), HTTPS without certificate checks unless configured, Range requests when configured.
 */
import { FormData } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSimImage,
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startSimulatedBmc,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { createTlsMaterial, type SimTlsMaterial } from '../../src/simulator/tls.ts';
import { type Caller, createCaller, firstMessageId } from './helpers.ts';
import {
  followTask,
  type ImageServer,
  multipartForm,
  Session,
  startImageServer,
  updateService,
  versions,
  waitFor,
} from './update-helpers.ts';

const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];
let fleet: SimFleet;
let caller: Caller;
let http: ImageServer;
let https: ImageServer;
let tls: SimTlsMaterial;
const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;

/** A generic BIOS image (SoftwareId of the DMTF mockup's BIOS). */
const genericBios = (version: string, payloadSize = 2048) =>
  buildSimImage({
    vendor: 'generic',
    match: { softwareId: 'FEE82A67-6CE2-4625-9F44-237AD2402C28' },
    version,
    payloadSize,
  });

beforeAll(async () => {
  tls = await createTlsMaterial();
  [fleet, http, https] = await Promise.all([
    startSimulatedFleet({ count: VENDORS.length, tls: false, seed: 21 }),
    startImageServer(),
    startImageServer(tls),
  ]);
  caller = createCaller();
  http.serve('bios-9.1.fwsim', genericBios('P79 v9.1'));
  https.serve('bios-9.2.fwsim', genericBios('P79 v9.2'));
  http.serve('not-an-image.bin', Buffer.from('MZ this is not a firmware image'));
  http.serve('guarded.fwsim', genericBios('P79 v9.4'), 'fw:s3cret');
});
afterAll(async () => {
  await caller.close();
  await Promise.all([fleet.close(), http.close(), https.close()]);
});

async function simpleUpdate(s: Session, body: unknown) {
  const us = await updateService(s);
  return s.call(us.Actions['#UpdateService.SimpleUpdate'].target, { method: 'POST', body });
}

describe('SimpleUpdate request checks', () => {
  it.each([
    ['generic', {}, 400, /ActionParameterMissing$/],
    ['generic', { ImageURI: 42 }, 400, /ActionParameterValueTypeError$/],
    ['generic', { ImageURI: 'http://x/y', Bogus: 1 }, 400, /ActionParameterUnknown$/],
    ['generic', { ImageURI: 'ftp://x/y' }, 400, /ActionParameterValueNotInList$/],
    ['generic', { ImageURI: 'x/y' }, 400, /ActionParameterMissing$/],
    [
      'generic',
      { ImageURI: 'https://x/y', TransferProtocol: 'HTTP' },
      400,
      /ActionParameterValueFormatError$/,
    ],
    [
      'generic',
      { ImageURI: 'http://x/y', Targets: ['/redfish/v1/Chassis/Tower'] },
      400,
      /ActionParameterValueNotInList$/,
    ],
    [
      'generic',
      { ImageURI: 'http://x/y', '@Redfish.OperationApplyTime': 'Sometime' },
      400,
      /ActionParameterValueNotInList$/,
    ],
    // bmcweb accepts HTTPS only (TransferProtocol@Redfish.AllowableValues).
    ['openbmc', { ImageURI: 'http://x/y' }, 400, /ActionParameterValueNotInList$/],
    // Supermicro's ActionInfo requires Targets and allows only the Manager and the Bios.
    ['supermicro', { ImageURI: 'http://x/y', TransferProtocol: 'HTTP' }, 400, /ActionParameterMissing$/],
    // FAQ 45630's form: an ImageURI without a scheme needs TransferProtocol.
    [
      'supermicro',
      { ImageURI: '127.0.0.1/bios.bin', Targets: ['/redfish/v1/Systems/1/Bios'] },
      400,
      /ActionParameterMissing$/,
    ],
    [
      'supermicro',
      {
        ImageURI: 'http://x/y',
        TransferProtocol: 'HTTP',
        Targets: ['/redfish/v1/UpdateService/FirmwareInventory/BIOS'],
      },
      400,
      /ActionParameterValueNotInList$/,
    ],
    // iLO 5 announces no apply times: asking for one is refused.
    [
      'hpe',
      { ImageURI: 'http://x/y', '@Redfish.OperationApplyTime': 'OnReset' },
      400,
      /ActionParameterValueNotInList$/,
    ],
  ] as const)('%s %j → %i', async (vendor, body, status, id) => {
    const s = new Session(caller, bmcOf(vendor));
    await s.login();
    const r = await simpleUpdate(s, body);
    expect(r.status).toBe(status);
    expect(firstMessageId(r.json)).toMatch(id);
  });
});

describe('SimpleUpdate downloads', () => {
  it('accepts at once, then fetches the image (recorded in stats) and installs it', async () => {
    const bmc = bmcOf('generic');
    const s = new Session(caller, bmc);
    await s.login();
    bmc.resetStats();
    const r = await simpleUpdate(s, { ImageURI: `${http.url}/bios-9.1.fwsim?token=secret` });
    expect(r.status).toBe(202);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(r.json.TaskState).toBe('New');
    const f = await followTask(s, r.headers.get('location') ?? '');
    // New (the 202 above) → Starting → Running → Completed: the polls see an ordered part of it
    // (how much depends on the pace of a busy machine); the messages show each step was taken.
    const lifecycle = ['New', 'Starting', 'Running', 'Completed'];
    const order = f.states.map((st) => lifecycle.indexOf(st));
    expect(
      order.every((i, n) => i >= 0 && (n === 0 || i > (order[n - 1] as number))),
      f.states.join(' → '),
    ).toBe(true);
    expect(f.states.at(-1)).toBe('Completed');
    expect(f.messages).toEqual([
      'TransferringToComponent',
      'TargetDetermined',
      'VerifyingAtComponent',
      'InstallingOnComponent',
      'UpdateSuccessful',
    ]);
    expect(bmc.stats.imageFetches).toEqual([
      { url: `${http.url}/bios-9.1.fwsim`, bytes: genericBios('P79 v9.1').length, status: 200, ranges: [] },
    ]);
    expect(await versions(s)).toContain('P79 v9.1');
  });

  it('Supermicro takes the protocol from the ImageURI scheme when TransferProtocol is absent', async () => {
    // DMTF's rf_update.py sends no TransferProtocol; the ActionInfo must not demand it.
    const s = new Session(caller, bmcOf('supermicro'));
    await s.login();
    const r = await simpleUpdate(s, {
      ImageURI: `${http.url}/missing.fwsim`,
      Targets: ['/redfish/v1/Systems/1/Bios'],
    });
    expect(r.status).toBe(202);
  });

  it('a download that fails is a 202 whose task ends in Exception with Update.TransferFailed', async () => {
    const bmc = bmcOf('generic');
    const s = new Session(caller, bmc);
    await s.login();
    bmc.resetStats();
    const r = await simpleUpdate(s, { ImageURI: `${http.url}/missing.fwsim` });
    expect(r.status).toBe(202);
    const f = await followTask(s, r.headers.get('location') ?? '');
    expect(f.task).toMatchObject({ TaskState: 'Exception', TaskStatus: 'Critical' });
    expect(f.messages.at(-1)).toBe('TransferFailed');
    expect(bmc.stats.imageFetches[0]).toMatchObject({ status: 404, error: expect.stringMatching(/404/) });
    expect(bmc.updateHistory.at(-1)).toMatchObject({
      outcome: 'failed',
      messageId: 'Update.1.2.TransferFailed',
    });
  });

  it('an image server that refuses connections is a TransferFailed task too', async () => {
    const s = new Session(caller, bmcOf('generic'));
    await s.login();
    const r = await simpleUpdate(s, { ImageURI: 'http://127.0.0.1:1/bios.fwsim' });
    expect(r.status).toBe(202);
    expect((await followTask(s, r.headers.get('location') ?? '')).messages.at(-1)).toBe('TransferFailed');
  });

  it('a file that is not an image ends in VerificationFailed', async () => {
    const s = new Session(caller, bmcOf('generic'));
    await s.login();
    const r = await simpleUpdate(s, { ImageURI: `${http.url}/not-an-image.bin` });
    const f = await followTask(s, r.headers.get('location') ?? '');
    expect(f.task.TaskState).toBe('Exception');
    expect(f.messages.at(-1)).toBe('VerificationFailed');
  });

  it('an image for another component (Targets disagree with the header) ends in VerificationFailed', async () => {
    const s = new Session(caller, bmcOf('generic'));
    await s.login();
    const r = await simpleUpdate(s, {
      ImageURI: `${http.url}/bios-9.1.fwsim`,
      Targets: ['/redfish/v1/UpdateService/FirmwareInventory/BMC'],
    });
    expect(r.status).toBe(202);
    const f = await followTask(s, r.headers.get('location') ?? '');
    expect(f.messages.at(-1)).toBe('VerificationFailed');
  });

  it('passes Username/Password to the image server; without them the download fails', async () => {
    const bmc = bmcOf('generic');
    const s = new Session(caller, bmc);
    await s.login();
    const denied = await simpleUpdate(s, { ImageURI: `${http.url}/guarded.fwsim` });
    expect((await followTask(s, denied.headers.get('location') ?? '')).messages.at(-1)).toBe(
      'TransferFailed',
    );
    const r = await simpleUpdate(s, {
      ImageURI: `${http.url}/guarded.fwsim`,
      Username: 'fw',
      Password: 's3cret',
    });
    expect((await followTask(s, r.headers.get('location') ?? '')).task.TaskState).toBe('Completed');
    expect(await versions(s)).toContain('P79 v9.4');
    expect(JSON.stringify(bmc.stats.imageFetches)).not.toContain('s3cret');
  });

  it('downloads from a self-signed HTTPS server (no certificate check by default)', async () => {
    const s = new Session(caller, bmcOf('generic'));
    await s.login();
    const r = await simpleUpdate(s, { ImageURI: `${https.url}/bios-9.2.fwsim` });
    expect((await followTask(s, r.headers.get('location') ?? '')).task.TaskState).toBe('Completed');
    expect(await versions(s)).toContain('P79 v9.2');
  });

  it('with verifyTls the same download fails unless the CA is given; Range chunks when configured', async () => {
    const strict = await startSimulatedBmc({
      vendor: 'generic',
      tls: false,
      imageFetch: { verifyTls: true },
    });
    const trusting = await startSimulatedBmc({
      vendor: 'generic',
      tls: false,
      imageFetch: { verifyTls: true, ca: tls.caPem, rangeChunkBytes: 1000 },
    });
    try {
      const a = new Session(caller, strict);
      await a.login();
      const ra = await simpleUpdate(a, { ImageURI: `${https.url}/bios-9.2.fwsim` });
      expect((await followTask(a, ra.headers.get('location') ?? '')).messages.at(-1)).toBe('TransferFailed');
      expect(strict.stats.imageFetches[0]?.error).toMatch(/certificate|self.signed|unable to verify/i);
      const b = new Session(caller, trusting);
      await b.login();
      const rb = await simpleUpdate(b, { ImageURI: `${https.url}/bios-9.2.fwsim` });
      expect((await followTask(b, rb.headers.get('location') ?? '')).task.TaskState).toBe('Completed');
      const fetch = trusting.stats.imageFetches[0];
      const size = genericBios('P79 v9.2').length;
      expect(fetch?.bytes).toBe(size);
      expect(fetch?.ranges).toHaveLength(Math.ceil(size / 1000));
      expect(fetch?.ranges[0]).toBe('bytes=0-999');
    } finally {
      await Promise.all([strict.close(), trusting.close()]);
    }
  });
});

describe('push request checks', () => {
  it.each([
    ['UpdateParameters', undefined, genericBios('P79 v9.3')],
    ['UpdateFile', {}, undefined],
  ] as const)('multipart without %s → 400 PropertyMissing naming it', async (part, params, image) => {
    const s = new Session(caller, bmcOf('generic'));
    await s.login();
    const us = await updateService(s);
    const r = await s.call(us.MultipartHttpPushUri, { method: 'POST', raw: multipartForm(params, image) });
    expect(r.status).toBe(400);
    expect(firstMessageId(r.json)).toMatch(/PropertyMissing$/);
    expect(r.json.error['@Message.ExtendedInfo'][0].MessageArgs).toEqual([part]);
  });

  it('bmcweb multipart takes one Target at most and known targets only', async () => {
    const s = new Session(caller, bmcOf('openbmc'));
    await s.login();
    const us = await updateService(s);
    const two = await s.call(us.MultipartHttpPushUri, {
      method: 'POST',
      raw: multipartForm(
        { Targets: ['/redfish/v1/Managers/bmc', '/redfish/v1/Systems/system'] },
        Buffer.from('x'),
      ),
    });
    expect(two.status).toBe(400);
    expect(firstMessageId(two.json)).toBe('Base.1.19.PropertyValueFormatError');
    const unknown = await s.call(us.MultipartHttpPushUri, {
      method: 'POST',
      raw: multipartForm({ Targets: ['/redfish/v1/Managers/nope'] }, Buffer.from('x')),
    });
    expect(firstMessageId(unknown.json)).toBe('Base.1.19.PropertyValueNotInList');
  });

  it('HttpPushUri without Content-Length → 411', async () => {
    const bmc = bmcOf('openbmc');
    const s = new Session(caller, bmc);
    await s.login();
    async function* chunks() {
      yield Buffer.from('FWSIMIMG1\n');
    }
    const r = await s.call('/redfish/v1/UpdateService/update', {
      method: 'POST',
      raw: chunks(),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(r.status).toBe(411);
    expect(bmc.stats.imageUploads.at(-1)).toMatchObject({ method: 'http-push', refused: 411 });
  });

  it('MaxImageSizeBytes: 413 by Content-Length before reading, and by bytes counted while streaming', async () => {
    const bmc = bmcOf('openbmc');
    const s = new Session(caller, bmc);
    await s.login();
    const max = (await updateService(s)).MaxImageSizeBytes as number;
    const big = Buffer.alloc(max + 1);
    const declared = await s.call('/redfish/v1/UpdateService/update', {
      method: 'POST',
      raw: big,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(declared.status).toBe(413);
    expect(bmc.stats.imageUploads.at(-1)).toMatchObject({ bytes: 0, refused: 413 });
    // Multipart streamed without Content-Length: refused once the file part passes the limit.
    async function* form() {
      const boundary = 'b0undary';
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="UpdateParameters"\r\nContent-Type: application/json\r\n\r\n{}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="UpdateFile"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      for (let sent = 0; sent <= max; sent += 1 << 20) yield Buffer.alloc(1 << 20);
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const streamed = await s.call('/redfish/v1/UpdateService/update-multipart', {
      method: 'POST',
      raw: form(),
      headers: { 'content-type': 'multipart/form-data; boundary=b0undary' },
    });
    expect(streamed.status).toBe(413);
    const last = bmc.stats.imageUploads.at(-1);
    expect(last).toMatchObject({ method: 'multipart', refused: 413 });
    expect(last?.bytes).toBeGreaterThan(max);
  });

  it("iLO's /cgi-bin/uploadFile takes its form (sessionKey, parameters, file) and answers 200", async () => {
    const bmc = bmcOf('hpe');
    const s = new Session(caller, bmc);
    await s.login();
    const us = await updateService(s);
    expect(us.HttpPushUri).toBe('/cgi-bin/uploadFile');
    const image = buildSimImage({
      vendor: 'hpe',
      match: { id: '2' },
      version: 'U30 v3.10 (01/01/2024)',
      payloadSize: 300,
    });
    const form = new FormData();
    form.append('sessionKey', s.token);
    form.append('parameters', JSON.stringify({ UpdateRepository: false, UpdateTarget: true, ETag: 'e1' }));
    form.append('file', new Blob([image]), 'U30_3.10.fwpkg');
    const r = await s.call(us.HttpPushUri, { method: 'POST', raw: form });
    // No task: the progress is UpdateService Oem.Hpe.State (test/vendors/hpe covers the states).
    expect(r.status).toBe(200);
    expect(r.headers.get('location')).toBeNull();
    let state = '';
    for (let i = 0; i < 200 && state !== 'Complete'; i++) {
      state = String((await updateService(s))?.Oem?.Hpe?.State);
      if (state !== 'Complete') await new Promise((res) => setTimeout(res, 20));
    }
    expect(state).toBe('Complete');
    expect(bmc.updateHistory.at(-1)).toMatchObject({
      method: 'http-push',
      image: { name: 'U30_3.10.fwpkg' },
      outcome: 'staged',
    });
  });

  it('bmcweb runs one update at a time: a second one gets 503 + Retry-After', async () => {
    // A BMC of its own whose first install never ends (taskStuck): the second push certainly meets
    // it running (on the fast timing an update is over within tens of ms).
    const bmc = await startSimulatedBmc({ vendor: 'openbmc', tls: false, seed: 21 });
    try {
      bmc.setUpdateFaults({ nextUpdateOnly: { taskStuck: true } });
      const s = new Session(caller, bmc);
      await s.login();
      const image = buildSimImage({
        vendor: 'openbmc',
        match: { kind: 'bios' },
        version: '9.9.9',
        payloadSize: 100,
      });
      const first = await s.call('/redfish/v1/UpdateService/update', { method: 'POST', raw: image });
      expect(first.status).toBe(202);
      const second = await s.call('/redfish/v1/UpdateService/update', { method: 'POST', raw: image });
      expect(second.status).toBe(503);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(firstMessageId(second.json)).toBe('Base.1.19.ServiceTemporarilyUnavailable');
      expect(bmc.updateHistory).toHaveLength(1);
      // Still refused while the first one installs.
      const monitor = first.headers.get('location') ?? '';
      await waitFor('the first update to install', async () => {
        const task = (await s.call(monitor.replace('TaskMonitors', 'Tasks'))).json;
        return (task?.Messages ?? []).some((m: { MessageId: string }) =>
          m.MessageId.endsWith('.InstallingOnComponent'),
        );
      });
      const third = await s.call('/redfish/v1/UpdateService/update', { method: 'POST', raw: image });
      expect(third.status).toBe(503);
      expect(bmc.updateHistory).toHaveLength(1);
    } finally {
      await bmc.close();
    }
  });

  it('PATCH UpdateService checks HttpPushUriOptions values and ETags', async () => {
    const s = new Session(caller, bmcOf('openbmc'));
    await s.login();
    const bad = await s.call('/redfish/v1/UpdateService', {
      method: 'PATCH',
      body: { HttpPushUriOptions: { HttpPushUriApplyTime: { ApplyTime: 'AtMaintenanceWindowStart' } } },
    });
    expect(firstMessageId(bad.json)).toBe('Base.1.19.PropertyValueNotInList');
    const stale = await s.call('/redfish/v1/UpdateService', {
      method: 'PATCH',
      headers: { 'if-match': 'W/"stale"' },
      body: { HttpPushUriOptions: { HttpPushUriApplyTime: { ApplyTime: 'OnReset' } } },
    });
    expect(stale.status).toBe(412);
    const unknown = await s.call('/redfish/v1/UpdateService', {
      method: 'PATCH',
      body: { MaxImageSizeBytes: 1 },
    });
    expect(firstMessageId(unknown.json)).toBe('Base.1.19.PropertyUnknown');
  });
});

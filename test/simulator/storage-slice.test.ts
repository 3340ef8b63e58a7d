/**
 * The backup-slice path of the simulator (DESIGN.md "Storage"): a volume offered as an update
 * target, an image staged into it and read back through the staged member's ImageDataURI, a
 * restore by SimpleUpdate naming that member; corruption switches and what they change; SPDM
 * measurements; the catalog of installed images.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GARBLED_VERSION,
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startSimulatedFleet,
  writeInstalledCatalog,
} from '../../src/simulator/index.ts';
import { type Body, type Caller, createCaller, firstMessageId, pathOf } from './helpers.ts';
import { followTask, inventory, multipartForm, Session, testImage } from './update-helpers.ts';

let fleet: SimFleet;
let caller: Caller;
let generic: Session;
let lenovo: Session;
let volume: string;

const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;
const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

async function bytesOf(s: Session, path: string): Promise<Buffer> {
  const res = await fetch(`${s.bmc.url}${path}`, { headers: { 'x-auth-token': s.token } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function member(s: Session, id: string): Promise<Body> {
  return (await s.call(`/redfish/v1/UpdateService/FirmwareInventory/${id}`)).json;
}

async function createVolume(s: Session): Promise<string> {
  const systems = (await s.call('/redfish/v1/Systems')).json;
  const system = (await s.call(pathOf(systems.Members[0]['@odata.id']))).json;
  const storages = (await s.call(pathOf(system.Storage['@odata.id']))).json;
  const storage = (await s.call(pathOf(storages.Members[0]['@odata.id']))).json;
  const r = await s.call(pathOf(storage.Volumes['@odata.id']), {
    method: 'POST',
    body: {
      Name: 'firmwarden-backup',
      RAIDType: 'RAID1',
      CapacityBytes: 1024 ** 3,
      Links: { Drives: storage.Drives.slice(0, 2) },
    },
  });
  if (r.status === 201) return pathOf(r.headers.get('location') ?? '');
  expect(r.status).toBe(202);
  await followTask(s, r.headers.get('location') ?? '');
  const coll = (await s.call(pathOf(storage.Volumes['@odata.id']))).json;
  return pathOf(coll.Members.at(-1)['@odata.id']);
}

/** Stages the BIOS's own installed image into the slice by multipart; the copy's member. */
async function stageBios(s: Session, image: Buffer): Promise<Body> {
  const us = (await s.call('/redfish/v1/UpdateService')).json;
  const r = await s.call(us.MultipartHttpPushUri, {
    method: 'POST',
    raw: multipartForm({ Targets: [volume], Stage: true }, image),
  });
  expect(r.status).toBe(202);
  const done = await followTask(s, r.headers.get('location') ?? '');
  expect(done.states.at(-1)).toBe('Completed');
  expect(done.messages).toContain('UpdateSuccessful');
  return member(s, 'SliceCopy-BIOS');
}

async function restoreFromSlice(s: Session, copy: string, target: string) {
  const r = await s.call('/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate', {
    method: 'POST',
    body: { ImageURI: copy, Targets: [target] },
  });
  expect(r.status).toBe(202);
  return followTask(s, r.headers.get('location') ?? '');
}

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: 2, vendors: ['generic', 'lenovo'], tls: false, seed: 9 });
  caller = createCaller();
  generic = new Session(caller, bmcOf('generic'));
  lenovo = new Session(caller, bmcOf('lenovo'));
  await Promise.all([generic.login(), lenovo.login()]);
  volume = await createVolume(generic);
});

afterAll(async () => {
  await caller?.close();
  await fleet?.close();
});

describe('slice path (generic profile)', () => {
  it('announces the Volumes collection and the new volume among SimpleUpdate Targets', async () => {
    const info = (await generic.call('/redfish/v1/UpdateService/SimpleUpdateActionInfo')).json;
    const targets: string[] = info.Parameters.find((p: Body) => p.Name === 'Targets').AllowableValues;
    expect(targets).toContain(volume);
    expect(targets.some((t) => t.endsWith('/Volumes'))).toBe(true);
  });

  it('stages an image into the slice and reads the same bytes back through ImageDataURI', async () => {
    const bios = await member(generic, 'BIOS');
    const installed = await bytesOf(generic, bios.ImageDataURI);
    const copy = await stageBios(generic, installed);
    expect(copy).toMatchObject({ Staged: true, Version: bios.Version, Status: { State: 'StandbySpare' } });
    expect(copy.RelatedItem.map((r: Body) => r['@odata.id'])).toContain(volume);
    expect(sha(await bytesOf(generic, copy.ImageDataURI))).toBe(sha(installed));
    // The copy is not a running component: the BIOS is still the one installed.
    expect([...(await inventory(generic)).values()].filter((m) => m.Version === bios.Version)).toHaveLength(
      2,
    );
  });

  it('refuses a volume Target without Stage, and a volume on a BMC without the slice path', async () => {
    const us = (await generic.call('/redfish/v1/UpdateService')).json;
    const { image } = testImage('generic');
    const noStage = await generic.call(us.MultipartHttpPushUri, {
      method: 'POST',
      raw: multipartForm({ Targets: [volume] }, image),
    });
    expect(noStage.status).toBe(400);
    expect(firstMessageId(noStage.json)).toMatch(/PropertyValueConflict$/);
    const lenovoVolume = await createVolume(lenovo);
    const usL = (await lenovo.call('/redfish/v1/UpdateService')).json;
    const r = await lenovo.call(usL.MultipartHttpPushUri, {
      method: 'POST',
      raw: multipartForm({ Targets: [lenovoVolume], Stage: true }, testImage('lenovo').image),
    });
    expect(r.status).toBe(400);
    expect(firstMessageId(r.json)).toMatch(/PropertyValueNotInList$/);
  });

  it.each([
    ['health-critical', (m: Body) => m.Status.Health === 'Critical'],
    ['offline', (m: Body) => m.Status.State === 'UnavailableOffline'],
    ['version-garbled', (m: Body) => m.Version === GARBLED_VERSION],
    ['version-empty', (m: Body) => m.Version === ''],
  ] as const)('%s shows in the inventory and a restore from the slice repairs it', async (kind, shows) => {
    const before = await member(generic, 'BIOS');
    bmcOf('generic').corrupt('bios', kind);
    expect(shows(await member(generic, 'BIOS'))).toBe(true);
    const done = await restoreFromSlice(
      generic,
      '/redfish/v1/UpdateService/FirmwareInventory/SliceCopy-BIOS',
      before['@odata.id'],
    );
    expect(done.states.at(-1)).toBe('Completed');
    const after = await member(generic, 'BIOS');
    expect(after).toMatchObject({ Version: before.Version, Status: { State: 'Enabled', Health: 'OK' } });
    expect(bmcOf('generic').corruptions).toEqual([]);
  });

  it('image-digest changes the bytes read back and the SPDM measurement; a restore repairs both', async () => {
    const bios = await member(generic, 'BIOS');
    const good = sha(await bytesOf(generic, bios.ImageDataURI));
    const measure = async () => {
      const coll = (await generic.call('/redfish/v1/ComponentIntegrity')).json;
      for (const m of coll.Members) {
        const ci = (await generic.call(m['@odata.id'])).json;
        if (ci.Links.ComponentsProtected[0]['@odata.id'] === bios['@odata.id']) {
          return ci.SPDM.MeasurementSet.Measurements[0];
        }
      }
      throw new Error('no ComponentIntegrity for the BIOS');
    };
    const baseline = await measure();
    expect(baseline.MeasurementType).toBe('MutableFirmware');
    bmcOf('generic').corrupt('bios', 'image-digest');
    expect(sha(await bytesOf(generic, bios.ImageDataURI))).not.toBe(good);
    expect((await measure()).Measurement).not.toBe(baseline.Measurement);
    await restoreFromSlice(
      generic,
      '/redfish/v1/UpdateService/FirmwareInventory/SliceCopy-BIOS',
      bios['@odata.id'],
    );
    expect(sha(await bytesOf(generic, bios.ImageDataURI))).toBe(good);
    expect((await measure()).Measurement).toBe(baseline.Measurement);
    bmcOf('generic').corrupt('bios', 'measurement');
    expect((await measure()).Measurement).not.toBe(baseline.Measurement);
    expect(sha(await bytesOf(generic, bios.ImageDataURI))).toBe(good);
    await restoreFromSlice(
      generic,
      '/redfish/v1/UpdateService/FirmwareInventory/SliceCopy-BIOS',
      bios['@odata.id'],
    );
    expect((await measure()).Measurement).toBe(baseline.Measurement);
  });

  it('a corrupted slice copy reads back altered and fails verification when restored', async () => {
    const copy = await member(generic, 'SliceCopy-BIOS');
    const good = sha(await bytesOf(generic, copy.ImageDataURI));
    bmcOf('generic').setStorageFaults({ sliceCopyCorrupted: true });
    try {
      expect(sha(await bytesOf(generic, copy.ImageDataURI))).not.toBe(good);
      const done = await restoreFromSlice(
        generic,
        copy['@odata.id'],
        '/redfish/v1/UpdateService/FirmwareInventory/BIOS',
      );
      expect(done.states.at(-1)).toBe('Exception');
      expect(done.messages).toContain('VerificationFailed');
    } finally {
      bmcOf('generic').setStorageFaults({ sliceCopyCorrupted: false });
    }
  });

  it('Volume.Initialize wipes the copies it held', async () => {
    await stageBios(generic, await bytesOf(generic, (await member(generic, 'BIOS')).ImageDataURI));
    const init = await generic.call(`${volume}/Actions/Volume.Initialize`, { method: 'POST', body: {} });
    expect(init.status).toBe(204);
    expect((await generic.call('/redfish/v1/UpdateService/FirmwareInventory/SliceCopy-BIOS')).status).toBe(
      404,
    );
  });
});

describe('installed catalog', () => {
  it('holds exactly the bytes the BMCs run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-sim-inst-'));
    const cat = await writeInstalledCatalog({ fleet, dir, components: ['bios', 'bmc'] });
    const bios = await member(generic, 'BIOS');
    const entry = cat.entries.find((e) => e.vendor === 'generic' && e.kind === 'bios');
    expect(entry?.version).toBe(bios.Version);
    expect(sha(await readFile(entry?.imageFile ?? ''))).toBe(entry?.sha256);
    expect(sha(await bytesOf(generic, bios.ImageDataURI))).toBe(entry?.sha256);
    expect(
      cat.entries
        .filter((e) => e.vendor === 'lenovo')
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['bios', 'bmc']);
  });
});

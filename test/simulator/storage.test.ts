/**
 * RAID volumes on the simulated controllers: creation answered per vendor (201, 202 + task,
 * 202 + task Pending until the host resets, 405), RAIDType and drive-count validation, capacity
 * accounting, the no-free-capacity fault, DELETE and Volume.Initialize.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startAdminServer,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { type Body, type Caller, createCaller, firstMessageId, pathOf } from './helpers.ts';
import { followTask, resetHost, Session } from './update-helpers.ts';

const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];
let fleet: SimFleet;
let caller: Caller;
const sessions = new Map<SimVendor, Session>();

const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;
const session = (v: SimVendor): Session => sessions.get(v) as Session;

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: VENDORS.length, vendors: VENDORS, tls: false, seed: 3 });
  caller = createCaller();
  for (const v of VENDORS) {
    const s = new Session(caller, bmcOf(v));
    await s.login();
    sessions.set(v, s);
  }
});

afterAll(async () => {
  await caller?.close();
  await fleet?.close();
});

/** The first Storage of the first System: its path, Volumes collection and drive links. */
async function storageOf(
  s: Session,
): Promise<{ path: string; volumes: string; drives: string[]; body: Body }> {
  const systems = (await s.call('/redfish/v1/Systems')).json;
  const system = (await s.call(pathOf(systems.Members[0]['@odata.id']))).json;
  const storages = (await s.call(pathOf(system.Storage['@odata.id']))).json;
  const path = pathOf(storages.Members[0]['@odata.id']);
  const body = (await s.call(path)).json;
  return {
    path,
    volumes: pathOf(body.Volumes['@odata.id']),
    drives: body.Drives.map((d: Body) => String(d['@odata.id'])),
    body,
  };
}

async function volumeNames(s: Session, volumes: string): Promise<string[]> {
  const coll = (await s.call(volumes)).json;
  const out: string[] = [];
  for (const m of coll.Members) out.push(String((await s.call(pathOf(m['@odata.id']))).json.Name));
  return out;
}

const GiB = 1024 ** 3;

describe('volume creation per vendor', () => {
  it('generic: 201 + Location, RAID1 over two drives, capacity taken from both', async () => {
    const s = session('generic');
    const st = await storageOf(s);
    const r = await s.call(st.volumes, {
      method: 'POST',
      body: {
        Name: 'vol-a',
        RAIDType: 'RAID1',
        CapacityBytes: 10 * GiB,
        Links: { Drives: [st.drives[0], st.drives[1]].map((d) => ({ '@odata.id': d })) },
      },
    });
    expect(r.status).toBe(201);
    const vol = (await s.call(pathOf(r.headers.get('location') ?? ''))).json;
    expect(vol).toMatchObject({ Name: 'vol-a', RAIDType: 'RAID1', CapacityBytes: 10 * GiB });
    expect(vol.Links.Drives).toHaveLength(2);
    expect(vol.Actions['#Volume.Initialize'].target).toMatch(/Volume\.Initialize$/);
    // The drives are 1.2 TB: a mirror of 1.5 TB does not fit, and the answer says how much does.
    const big = await s.call(st.volumes, {
      method: 'POST',
      body: {
        RAIDType: 'RAID1',
        CapacityBytes: 1_500_000_000_000,
        Links: { Drives: [st.drives[0], st.drives[1]].map((d) => ({ '@odata.id': d })) },
      },
    });
    expect(big.status).toBe(400);
    expect(firstMessageId(big.json)).toMatch(/PropertyValueOutOfRange$/);
    expect(big.text).toMatch(/bytes are free/);
    expect((await s.call(pathOf(r.headers.get('location') ?? ''), { method: 'DELETE' })).status).toBe(204);
    expect(await volumeNames(s, st.volumes)).toEqual([]);
  });

  it.each([
    ['RAID1 over three drives', 'RAID1', 3, 'PropertyValueConflict'],
    ['RAID5 over two drives', 'RAID5', 2, 'PropertyValueConflict'],
    ['an unknown RAID type', 'RAID7', 2, 'PropertyValueNotInList'],
  ])('generic refuses %s', async (_name, raidType, n, message) => {
    const s = session('generic');
    const st = await storageOf(s);
    const r = await s.call(st.volumes, {
      method: 'POST',
      body: { RAIDType: raidType, Links: { Drives: st.drives.slice(0, n).map((d) => ({ '@odata.id': d })) } },
    });
    expect(r.status).toBe(400);
    expect(firstMessageId(r.json)).toMatch(new RegExp(`${message}$`));
  });

  it('dell: 202 + a JID job that creates the virtual disk', async () => {
    const s = session('dell');
    const st = await storageOf(s);
    expect((await s.call(st.volumes)).json['@Redfish.OperationApplyTimeSupport'].SupportedValues).toContain(
      'Immediate',
    );
    const r = await s.call(st.volumes, {
      method: 'POST',
      body: {
        Name: 'vd-dell',
        RAIDType: 'RAID0',
        CapacityBytes: GiB,
        Links: { Drives: [{ '@odata.id': st.drives[0] }] },
      },
    });
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toMatch(/\/TaskService\/Tasks\/JID_\d{12}$/);
    const done = await followTask(s, r.headers.get('location') ?? '');
    expect(done.states.at(-1)).toBe('Completed');
    expect(await volumeNames(s, st.volumes)).toEqual(['vd-dell']);
  });

  it('hpe: 202 + a task Pending until the host resets, then the volume exists', async () => {
    const s = session('hpe');
    const st = await storageOf(s);
    const r = await s.call(st.volumes, {
      method: 'POST',
      body: {
        Name: 'ld-hpe',
        RAIDType: 'RAID1',
        CapacityBytes: GiB,
        Links: { Drives: st.drives.slice(0, 2).map((d) => ({ '@odata.id': d })) },
        '@Redfish.OperationApplyTime': 'OnReset',
      },
    });
    expect(r.status).toBe(202);
    const pending = await followTask(s, r.headers.get('location') ?? '', { untilPending: true });
    expect(pending.states.at(-1)).toBe('Pending');
    expect(JSON.parse(pending.task.Payload.JsonBody).Name).toBe('ld-hpe');
    expect(await volumeNames(s, st.volumes)).toEqual([]);
    await resetHost(s);
    expect(await volumeNames(s, st.volumes)).toEqual(['ld-hpe']);
    const task = (await s.call(pathOf(pending.task['@odata.id']))).json;
    expect(task.TaskState).toBe('Completed');
  });

  it('hpe refuses Immediate: its controller applies configuration at boot', async () => {
    const s = session('hpe');
    const st = await storageOf(s);
    const r = await s.call(st.volumes, {
      method: 'POST',
      body: {
        RAIDType: 'RAID0',
        Links: { Drives: [{ '@odata.id': st.drives[2] }] },
        '@Redfish.OperationApplyTime': 'Immediate',
      },
    });
    expect(r.status).toBe(400);
  });

  it('openbmc: volumes cannot be created (405)', async () => {
    const s = session('openbmc');
    const st = await storageOf(s);
    const r = await s.call(st.volumes, {
      method: 'POST',
      body: { RAIDType: 'RAID0', Links: { Drives: [{ '@odata.id': st.drives[0] }] } },
    });
    expect(r.status).toBe(405);
  });
});

describe('storage faults', () => {
  it('noFreeCapacity shows a data volume over every drive and refuses a new one', async () => {
    const s = session('supermicro');
    const bmc = bmcOf('supermicro');
    const st = await storageOf(s);
    bmc.setStorageFaults({ noFreeCapacity: true });
    try {
      expect(await volumeNames(s, st.volumes)).toEqual(['VD-Data']);
      const r = await s.call(st.volumes, {
        method: 'POST',
        body: { RAIDType: 'RAID0', Links: { Drives: [{ '@odata.id': st.drives[0] }] } },
      });
      expect(r.status).toBe(400);
      expect(firstMessageId(r.json)).toMatch(/PropertyValueOutOfRange$/);
    } finally {
      bmc.setStorageFaults({ noFreeCapacity: false });
    }
    expect(await volumeNames(s, st.volumes)).toEqual([]);
  });

  it('volumeCreate overrides the profile (generic answering with a task)', async () => {
    const s = session('generic');
    const bmc = bmcOf('generic');
    const st = await storageOf(s);
    bmc.setStorageFaults({ volumeCreate: 'task' });
    try {
      const r = await s.call(st.volumes, {
        method: 'POST',
        body: {
          Name: 'by-task',
          RAIDType: 'RAID0',
          CapacityBytes: GiB,
          Links: { Drives: [{ '@odata.id': st.drives[3] }] },
        },
      });
      expect(r.status).toBe(202);
      expect((await followTask(s, r.headers.get('location') ?? '')).states.at(-1)).toBe('Completed');
      const coll = (await s.call(st.volumes)).json;
      const path = pathOf(coll.Members[0]['@odata.id']);
      const init = await s.call(`${path}/Actions/Volume.Initialize`, {
        method: 'POST',
        body: { InitializeType: 'Fast' },
      });
      expect(init.status).toBe(204);
      expect((await s.call(path, { method: 'DELETE' })).status).toBe(204);
    } finally {
      bmc.setStorageFaults({ volumeCreate: undefined });
    }
  });
});

describe('admin endpoint', () => {
  it('sets storage faults and injects a corruption', async () => {
    const admin = await startAdminServer(fleet.bmcs, 0);
    const bmc = bmcOf('generic');
    try {
      const patch = await fetch(`${admin.url}/sim/bmcs/${bmc.name}/storage-faults`, {
        method: 'PATCH',
        body: JSON.stringify({ sliceCopyCorrupted: true }),
      });
      expect(patch.status).toBe(200);
      expect(bmc.storageFaults.sliceCopyCorrupted).toBe(true);
      const bad = await fetch(`${admin.url}/sim/bmcs/${bmc.name}/corrupt`, {
        method: 'POST',
        body: JSON.stringify({ component: 'bios', kind: 'melted' }),
      });
      expect(bad.status).toBe(400);
      const ok = await fetch(`${admin.url}/sim/bmcs/${bmc.name}/corrupt`, {
        method: 'POST',
        body: JSON.stringify({ component: 'bios', kind: 'health-critical' }),
      });
      expect(ok.status).toBe(200);
      expect(bmc.corruptions).toEqual([{ component: 'BIOS', kinds: ['health-critical'] }]);
    } finally {
      bmc.setStorageFaults({ sliceCopyCorrupted: false });
      await admin.close();
    }
  });
});

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

describe("iLO 5's System Recovery Set, iLO Repository and Update Task Queue", () => {
  const US = '/redfish/v1/UpdateService';

  async function recoverySet(s: Session): Promise<Body> {
    const sets = (await s.call(`${US}/InstallSets`)).json;
    for (const m of sets.Members) {
      const set = (await s.call(pathOf(m['@odata.id']))).json;
      if (set.IsRecovery === true) return set;
    }
    throw new Error('no recovery set');
  }

  async function repository(s: Session): Promise<Map<string, Body>> {
    const coll = (await s.call(`${US}/ComponentRepository`)).json;
    const out = new Map<string, Body>();
    for (const m of coll.Members) {
      const c = (await s.call(pathOf(m['@odata.id']))).json;
      out.set(c.Filename, c);
    }
    return out;
  }

  async function waitState(s: Session, item: string, want: string): Promise<Body> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const body = (await s.call(item)).json;
      if (body.State === want || Date.now() > deadline) return body;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("names its packages by Filename; the repository holds them Locked, with the inventory's Targets", async () => {
    const s = session('hpe');
    const set = await recoverySet(s);
    const repo = await repository(s);
    expect(set.Sequence.map((x: Body) => x.Name)).toEqual(expect.arrayContaining(['iLO 5', 'System ROM']));
    const inventory = (await s.call(`${US}/FirmwareInventory`)).json;
    const members: Body[] = [];
    for (const m of inventory.Members) members.push((await s.call(pathOf(m['@odata.id']))).json);
    for (const entry of set.Sequence) {
      expect(entry).toMatchObject({ Command: 'ApplyUpdate', UpdatableBy: ['Bmc'] });
      const pkg = repo.get(entry.Filename);
      expect(pkg).toMatchObject({ Locked: true, Name: entry.Name });
      const running = members.find((m) => m.Name === entry.Name);
      expect(pkg.Targets).toEqual(running.Oem.Hpe.Targets);
    }
    const rom = set.Sequence.find((x: Body) => x.Name === 'System ROM');
    expect(rom.Filename).toMatch(/^U30_\d+\.\d+_\d{2}_\d{2}_\d{4}\.fwpkg$/);
    expect(repo.get(rom.Filename)).toMatchObject({
      Version: expect.stringMatching(/^\d+\.\d+_\d{2}-\d{2}-\d{4}$/),
      Activates: 'AfterReboot',
    });
  });

  it('refuses a package not in the repository, another command, or no Filename (400)', async () => {
    const s = session('hpe');
    const queue = `${US}/UpdateTaskQueue`;
    const unknown = await s.call(queue, { method: 'POST', body: { Filename: 'nope.fwpkg' } });
    expect(unknown.status).toBe(400);
    expect(firstMessageId(unknown.json)).toMatch(/PropertyValueNotInList$/);
    const file = (await recoverySet(s)).Sequence[0].Filename;
    const wait = await s.call(queue, { method: 'POST', body: { Filename: file, Command: 'Wait' } });
    expect(wait.status).toBe(400);
    expect(firstMessageId(wait.json)).toMatch(/PropertyValueNotInList$/);
    const none = await s.call(queue, { method: 'POST', body: { Command: 'ApplyUpdate' } });
    expect(none.status).toBe(400);
    expect(firstMessageId(none.json)).toMatch(/PropertyMissing$/);
  });

  it('iLO flashes a queued package (Pending → Complete); an item for UEFI only stays Pending', async () => {
    const s = session('hpe');
    const bmc = bmcOf('hpe');
    const queue = `${US}/UpdateTaskQueue`;
    const rom = (await recoverySet(s)).Sequence.find((x: Body) => x.Name === 'System ROM');
    const history = bmc.updateHistory.length;
    const uefi = await s.call(queue, {
      method: 'POST',
      body: { Name: 'for UEFI', Filename: rom.Filename, Command: 'ApplyUpdate', UpdatableBy: ['Uefi'] },
    });
    expect(uefi.status).toBe(201);
    const byIlo = await s.call(queue, {
      method: 'POST',
      body: { Name: 'for iLO', Filename: rom.Filename, Command: 'ApplyUpdate', UpdatableBy: ['Bmc'] },
    });
    expect(byIlo.status).toBe(201);
    expect(byIlo.json).toMatchObject({ State: 'Pending', Filename: rom.Filename });
    const done = await waitState(s, pathOf(byIlo.headers.get('location') ?? ''), 'Complete');
    expect(done).toMatchObject({ State: 'Complete', Result: { MessageId: 'Success' } });
    expect((await s.call(pathOf(uefi.headers.get('location') ?? ''))).json.State).toBe('Pending');
    const queued = bmc.updateHistory.slice(history);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      method: 'install-queue',
      image: { name: rom.Filename },
      outcome: 'staged',
    });
  });
});

/**
 * `backup init` against simulated BMCs over real sockets: the slice is created once (a second
 * init finds it), by 201, by a task, or deferred to the next host reset; a full controller and a
 * BMC without the slice path get a clear answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupErrorCode, initSlice, readControllers } from '../../src/backup/index.ts';
import { systemClock } from '../../src/deps.ts';
import type { RedfishClient } from '../../src/redfish/client.ts';
import { CollectionSchema } from '../../src/redfish/models/index.ts';
import type { SimVendor } from '../../src/simulator/index.ts';
import { type BackupFleet, backupFleet, FAST } from './helpers.ts';

let bf: BackupFleet;

beforeAll(async () => {
  bf = await backupFleet(['generic', 'lenovo', 'openbmc', 'dell']);
});

afterAll(async () => {
  await bf?.close();
});

const opts = { clock: systemClock, imageBytes: 8192, taskTimeoutMs: FAST.taskMs, pollMs: FAST.pollMs };

async function withClient<T>(vendor: SimVendor, fn: (c: RedfishClient) => Promise<T>): Promise<T> {
  const client = bf.client(vendor);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

async function volumesNamed(client: RedfishClient, name: string) {
  return (await readControllers(client)).flatMap((c) => c.volumes).filter((v) => v.name === name);
}

async function deleteSlices(client: RedfishClient, name: string): Promise<void> {
  for (const v of await volumesNamed(client, name)) await client.delete(v.uri);
}

describe('backup init', () => {
  it('creates a small RAID1 slice once; a second init finds it', async () => {
    await withClient('generic', async (client) => {
      const first = await initSlice(client, opts);
      expect(first.outcome).toBe('created');
      expect(first.raidType).toBe('RAID1');
      expect(first.capacityBytes).toBe(1024 ** 3);
      expect(first.drives).toHaveLength(2);
      expect(first.why).toMatch(/RAID1 .*mirrored/);
      const second = await initSlice(client, opts);
      expect(second.outcome).toBe('existing');
      expect(second.volume).toBe(first.volume);
      expect(await volumesNamed(client, 'firmwarden-backup')).toHaveLength(1);
      await deleteSlices(client, 'firmwarden-backup');
    });
  });

  it('follows the task when the BMC answers 202', async () => {
    bf.bmc('generic').setStorageFaults({ volumeCreate: 'task' });
    try {
      await withClient('generic', async (client) => {
        const r = await initSlice(client, { ...opts, name: 'slice-by-task' });
        expect(r.outcome).toBe('created');
        expect(r.task).toMatch(/TaskService/);
        expect(await volumesNamed(client, 'slice-by-task')).toHaveLength(1);
        await deleteSlices(client, 'slice-by-task');
      });
    } finally {
      bf.bmc('generic').setStorageFaults({ volumeCreate: undefined });
    }
  });

  it('says it waits for a reset when the creation is deferred, never requests it twice', async () => {
    bf.bmc('generic').setStorageFaults({ volumeCreate: 'deferred' });
    try {
      await withClient('generic', async (client) => {
        const r = await initSlice(client, { ...opts, name: 'slice-deferred' });
        expect(r.outcome).toBe('pending-reset');
        expect(r.detail).toMatch(/waits for a host reset/);
        const again = await initSlice(client, { ...opts, name: 'slice-deferred' });
        expect(again.outcome).toBe('pending-reset');
        expect(again.detail).toMatch(/requested before/);
        // The host restarts: the controller creates the volume, and init finds it.
        const systems = await client.get('/redfish/v1/Systems', CollectionSchema);
        const system = systems.Members[0]?.['@odata.id'] as string;
        await client.post(`${system}/Actions/ComputerSystem.Reset`, { ResetType: 'ForceRestart' });
        for (let i = 0; i < 200 && (await volumesNamed(client, 'slice-deferred')).length === 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        const done = await initSlice(client, { ...opts, name: 'slice-deferred' });
        expect(done.outcome).toBe('existing');
        expect(await volumesNamed(client, 'slice-deferred')).toHaveLength(1);
        await deleteSlices(client, 'slice-deferred');
      });
    } finally {
      bf.bmc('generic').setStorageFaults({ volumeCreate: undefined });
    }
  });

  it('is a clear error when the controller has no free capacity', async () => {
    bf.bmc('generic').setStorageFaults({ noFreeCapacity: true });
    try {
      await withClient('generic', async (client) => {
        const err = await initSlice(client, opts).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: BackupErrorCode.noCapacity });
        expect(String((err as Error).message)).toMatch(/no free capacity for a 1 GiB slice/);
      });
    } finally {
      bf.bmc('generic').setStorageFaults({ noFreeCapacity: false });
    }
  });

  it.each([
    ['lenovo', 'unsupported'],
    ['openbmc', 'unsupported'],
    ['dell', 'unsupported'],
  ] as const)('%s: %s, said plainly, nothing created', async (vendor, outcome) => {
    await withClient(vendor, async (client) => {
      const r = await initSlice(client, opts);
      expect(r.outcome).toBe(outcome);
      expect(r.detail).toMatch(/does not offer volumes as update targets/);
      expect(await volumesNamed(client, 'firmwarden-backup')).toHaveLength(0);
    });
  });

  it('RAID0 when only one drive has room, and says why', async () => {
    await withClient('generic', async (client) => {
      const [c] = await readControllers(client);
      // Fill three of the four drives with a volume: only one drive has free space left.
      const drives = (c?.drives ?? []).slice(0, 3).map((d) => ({ '@odata.id': d.uri }));
      const res = await client.post(c?.volumesUri as string, {
        Name: 'data',
        RAIDType: 'RAID5',
        Links: { Drives: drives },
      });
      const data = res.headers['location'] as string;
      try {
        const r = await initSlice(client, { ...opts, name: 'slice-raid0' });
        expect(r.raidType).toBe('RAID0');
        expect(r.why).toMatch(/only .* has 1 GiB free \(RAID1 needs two drives\)/);
        await deleteSlices(client, 'slice-raid0');
      } finally {
        await client.delete(data);
      }
    });
  });
});

/**
 * Every update method each profile announces, with images from the simulated catalog: the task
 * runs to its end and the new version appears in the inventory (after a host reset where the
 * vendor activates host firmware only then, after the BMC's own reboot for BMC images).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimBmc,
  type SimFleet,
  type SimulatedCatalog,
  type SimVendor,
  startSimulatedFleet,
  writeSimulatedCatalog,
} from '../../src/simulator/index.ts';
import { createTlsMaterial } from '../../src/simulator/tls.ts';
import { type Caller, createCaller } from './helpers.ts';
import {
  followTask,
  type ImageServer,
  multipartForm,
  resetHost,
  Session,
  startImageServer,
  updateService,
  versions,
} from './update-helpers.ts';

const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];
let fleet: SimFleet;
/** Catalogs one, two and three versions ahead: each update of a component installs a newer one. */
let catalogs: SimulatedCatalog[];
let dir: string;
let http: ImageServer;
let https: ImageServer;
let caller: Caller;

const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;

function entryOf(vendor: SimVendor, kind: string, step: number) {
  const e = catalogs[step]?.entries.find((x) => x.vendor === vendor && x.kind === kind);
  if (e === undefined) throw new Error(`no ${vendor} ${kind} entry`);
  return e;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-sim-upd-'));
  [fleet] = await Promise.all([startSimulatedFleet({ count: VENDORS.length, tls: false, seed: 11 })]);
  catalogs = await Promise.all(
    [1, 2, 3].map((bump) =>
      writeSimulatedCatalog({ fleet, dir: join(dir, `catalog-${bump}`), bump, components: ['bios', 'bmc'] }),
    ),
  );
  const tls = await createTlsMaterial();
  [http, https] = await Promise.all([startImageServer(), startImageServer(tls)]);
  for (const e of catalogs.flatMap((c) => c.entries)) {
    const rel = relative(dir, e.imageFile);
    http.serve(rel, e.imageFile);
    https.serve(rel, e.imageFile);
  }
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
  await Promise.all([fleet.close(), http.close(), https.close()]);
  await rm(dir, { recursive: true, force: true });
});

type Method = 'simple' | 'multipart' | 'http-push';
/** How the new version becomes visible with the vendor's default apply time. */
type Activation = 'now' | 'host-reset' | 'bmc-reboot';

async function post(
  s: Session,
  vendor: SimVendor,
  method: Method,
  kind: string,
  step: number,
): Promise<{ status: number; location: string }> {
  const e = entryOf(vendor, kind, step);
  const us = await updateService(s);
  const rel = relative(dir, e.imageFile);
  if (method === 'simple') {
    const server = vendor === 'openbmc' ? https : http;
    const body: Record<string, unknown> = { ImageURI: `${server.url}/${rel}` };
    if (vendor === 'supermicro') {
      body['TransferProtocol'] = 'HTTP';
      body['Targets'] = [kind === 'bmc' ? '/redfish/v1/Managers/1' : '/redfish/v1/Systems/1/Bios'];
    }
    const r = await s.call(us.Actions['#UpdateService.SimpleUpdate'].target, { method: 'POST', body });
    return { status: r.status, location: r.headers.get('location') ?? '' };
  }
  const image = await readFile(e.imageFile);
  if (method === 'multipart') {
    const r = await s.call(us.MultipartHttpPushUri, { method: 'POST', raw: multipartForm({}, image) });
    return { status: r.status, location: r.headers.get('location') ?? '' };
  }
  const r = await s.call(us.HttpPushUri, {
    method: 'POST',
    raw: image,
    headers: { 'content-type': 'application/octet-stream' },
  });
  return { status: r.status, location: r.headers.get('location') ?? '' };
}

const CASES: Array<[SimVendor, Method, string, Activation]> = [
  ['generic', 'simple', 'bios', 'now'],
  ['dell', 'simple', 'bios', 'host-reset'],
  ['hpe', 'simple', 'bios', 'host-reset'],
  ['lenovo', 'simple', 'bios', 'host-reset'],
  ['supermicro', 'simple', 'bios', 'now'],
  ['openbmc', 'simple', 'bios', 'now'],
  ['generic', 'multipart', 'bios', 'now'],
  ['dell', 'multipart', 'bios', 'host-reset'],
  ['lenovo', 'multipart', 'bios', 'host-reset'],
  ['supermicro', 'multipart', 'bios', 'now'],
  ['openbmc', 'multipart', 'bios', 'host-reset'],
  ['generic', 'http-push', 'bios', 'now'],
  // iLO's HttpPushUri takes its own upload form, answered 200 with no task: test/vendors/hpe.
  ['lenovo', 'http-push', 'bios', 'host-reset'],
  ['openbmc', 'http-push', 'bios', 'now'],
  ['dell', 'simple', 'bmc', 'bmc-reboot'],
  ['hpe', 'simple', 'bmc', 'bmc-reboot'],
  ['lenovo', 'multipart', 'bmc', 'bmc-reboot'],
  ['supermicro', 'multipart', 'bmc', 'bmc-reboot'],
];

describe.each(VENDORS)('%s', (vendor) => {
  const cases = CASES.filter((c) => c[0] === vendor).map(([, method, kind, activation], i, all) => ({
    method,
    kind,
    activation,
    step: all.slice(0, i).filter((c) => c[2] === kind).length,
  }));
  it.each(cases)(
    '$method installs a $kind image ($activation)',
    async ({ method, kind, activation, step }) => {
      const bmc = bmcOf(vendor);
      const s = new Session(caller, bmc);
      await s.login();
      const e = entryOf(vendor, kind, step);
      expect(await versions(s)).not.toContain(e.version);
      const accepted = await post(s, vendor, method, kind, step);
      expect(accepted.status).toBe(202);
      expect(accepted.location).not.toBe('');
      const followed = await followTask(s, accepted.location, { untilPending: true });
      if (activation === 'bmc-reboot' && vendor !== 'dell') {
        // The BMC reboots right after it completes the task: a poller may see Completed, or the task
        // vanish with the reboot (bmcweb, iLO and XCC keep tasks in memory). iDRAC jobs persist.
        expect(
          followed.states.at(-1) === 'Completed' || followed.statuses.some((x) => x === 404 || x === 410),
        ).toBe(true);
      } else {
        // Held for the host: Completed/Pending with AwaitToActivate, or bmcweb's Stopping + TaskPaused.
        expect(followed.states.at(-1), JSON.stringify(followed.statuses)).toMatch(
          /Completed|Pending|Stopping/,
        );
      }
      if (activation === 'host-reset') {
        expect(followed.messages).toContain(vendor === 'openbmc' ? 'TaskPaused' : 'AwaitToActivate');
        expect(await versions(s)).not.toContain(e.version);
        await resetHost(s);
      }
      if (activation === 'bmc-reboot') {
        // The BMC reboots into the new image: wait until it answers with the new version.
        for (let i = 0; i < 100 && !(await versions(s)).includes(e.version); i++)
          await new Promise((r) => setTimeout(r, 20));
      }
      expect(await versions(s)).toContain(e.version);
      const record = bmc.updateHistory.at(-1);
      expect(record).toMatchObject({ method, outcome: 'installed' });
      expect(record?.targets[0]?.toVersion).toBe(e.version);
    },
  );
});

describe('dell two-step push', () => {
  it('HttpPushUri stores an Available- member (201); SimpleUpdate naming it installs at the next reset', async () => {
    const bmc = bmcOf('dell');
    const s = new Session(caller, bmc);
    await s.login();
    const e = entryOf('dell', 'bios', 2);
    const us = await updateService(s);
    expect(us.HttpPushUri).toBe('/redfish/v1/UpdateService/FirmwareInventory');
    const pushed = await s.call(us.HttpPushUri, {
      method: 'POST',
      raw: await readFile(e.imageFile),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(pushed.status).toBe(201);
    const staged = pushed.headers.get('location') ?? '';
    expect(staged).toMatch(
      new RegExp(`/FirmwareInventory/Available-159-${e.version.replace(/\./g, '\\.')}__BIOS\\.Setup\\.1-1$`),
    );
    expect((await s.call(staged)).json.Version).toBe(e.version);
    const r = await s.call(us.Actions['#UpdateService.SimpleUpdate'].target, {
      method: 'POST',
      body: { ImageURI: staged, '@Redfish.OperationApplyTime': 'OnReset' },
    });
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toMatch(/^\/redfish\/v1\/TaskService\/Tasks\/JID_\d{12}$/);
    const followed = await followTask(s, r.headers.get('location') ?? '', { untilPending: true });
    expect(followed.task.Oem.Dell.JobState).toBe('Scheduled');
    await resetHost(s);
    const members = await versions(s);
    expect(members).toContain(e.version);
    expect(bmc.stats.imageFetches.at(-1)?.url).not.toContain('Available-');
    expect((await s.call(staged)).status).toBe(404);
  });
});

/** Behaviour every vendor profile shares, checked per vendor over real HTTPS sockets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { type Body, type Caller, createCaller, firstMessageId, pathOf } from './helpers.ts';

interface Expect {
  manager: string;
  system: string;
  basic: boolean;
  deleteStatus: number;
  multipart: boolean;
  httpPush: boolean;
  /** Where the vendor announces apply times: an annotation, HttpPushUriOptions, or nowhere. */
  applyTimes: 'annotation' | 'http-push-options' | 'none';
}

const VENDORS: Record<SimVendor, Expect> = {
  generic: {
    manager: '/redfish/v1/Managers/BMC',
    system: '',
    basic: true,
    deleteStatus: 204,
    multipart: true,
    httpPush: true,
    applyTimes: 'annotation',
  },
  dell: {
    manager: '/redfish/v1/Managers/iDRAC.Embedded.1',
    system: '/redfish/v1/Systems/System.Embedded.1',
    basic: true,
    deleteStatus: 200,
    multipart: true,
    httpPush: true,
    applyTimes: 'annotation',
  },
  hpe: {
    manager: '/redfish/v1/Managers/1',
    system: '/redfish/v1/Systems/1',
    basic: true,
    deleteStatus: 200,
    multipart: false,
    httpPush: true,
    applyTimes: 'none',
  },
  lenovo: {
    manager: '/redfish/v1/Managers/1',
    system: '/redfish/v1/Systems/1',
    basic: true,
    deleteStatus: 204,
    multipart: true,
    httpPush: true,
    applyTimes: 'none',
  },
  supermicro: {
    manager: '/redfish/v1/Managers/1',
    system: '/redfish/v1/Systems/1',
    basic: true,
    deleteStatus: 204,
    multipart: true,
    httpPush: false,
    applyTimes: 'annotation',
  },
  openbmc: {
    manager: '/redfish/v1/Managers/bmc',
    system: '/redfish/v1/Systems/system',
    basic: false,
    deleteStatus: 200,
    multipart: true,
    httpPush: true,
    applyTimes: 'http-push-options',
  },
};
const NAMES = Object.keys(VENDORS) as SimVendor[];

let fleet: SimFleet;
let caller: Caller;
const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;
const strip = (p: string): string => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: NAMES.length, vendors: NAMES });
  caller = createCaller(fleet.caPem);
});
afterAll(async () => {
  await caller.close();
  await fleet.close();
});

describe.each(NAMES)('%s profile', (vendor) => {
  const want = VENDORS[vendor];

  it('serves /redfish, the service root, odata and $metadata without authentication', async () => {
    const bmc = bmcOf(vendor);
    expect((await caller.call(bmc, '/redfish')).json).toEqual({ v1: '/redfish/v1/' });
    const root = await caller.call(bmc, '/redfish/v1');
    expect(root.status).toBe(200);
    expect(root.json.RedfishVersion).toMatch(/^1\.\d+\.\d+$/);
    expect(strip(root.json.Links.Sessions['@odata.id'])).toBe('/redfish/v1/SessionService/Sessions');
    expect(strip(root.json.UpdateService['@odata.id'])).toBe('/redfish/v1/UpdateService');
    const odata = await caller.call(bmc, '/redfish/v1/odata');
    expect(odata.json.value.map((v: { name: string }) => v.name)).toContain('UpdateService');
    const meta = await caller.call(bmc, '/redfish/v1/$metadata');
    expect(meta.status).toBe(200);
    expect(meta.headers.get('content-type')).toContain('application/xml');
  });

  it('requires authentication everywhere else and answers 401 with a Redfish error', async () => {
    const bmc = bmcOf(vendor);
    const failures = bmc.stats.authFailures;
    const none = await caller.call(bmc, '/redfish/v1/Systems');
    expect(none.status).toBe(401);
    expect(firstMessageId(none.json)).toMatch(/NoValidSession$/);
    const forged = await caller.call(bmc, '/redfish/v1/Systems', { token: 'not-a-token' });
    expect(forged.status).toBe(401);
    expect(bmc.stats.authFailures).toBe(failures + 2);
  });

  it('opens a session, serves with its token, logs it out and counts both', async () => {
    const bmc = bmcOf(vendor);
    bmc.resetStats();
    const { token, location, answer } = await caller.login(bmc);
    expect(answer.status).toBe(201);
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(pathOf(location)).toMatch(/^\/redfish\/v1\/SessionService\/Sessions\/[^/]+\/?$/);
    expect(answer.json.UserName).toBe(bmc.username);
    expect(bmc.stats.openSessions).toBe(1);

    const managers = await caller.call(bmc, '/redfish/v1/Managers', { token });
    expect(managers.status).toBe(200);
    expect(managers.json.Members.map((m: { '@odata.id': string }) => strip(m['@odata.id']))).toContain(
      want.manager,
    );
    const sessions = await caller.call(bmc, '/redfish/v1/SessionService/Sessions', { token });
    expect(sessions.json['Members@odata.count']).toBe(1);

    const out = await caller.call(bmc, pathOf(location), { method: 'DELETE', token });
    expect(out.status).toBe(want.deleteStatus);
    expect(bmc.stats).toMatchObject({ openSessions: 0, sessionsCreated: 1, sessionsDeleted: 1 });
    expect((await caller.call(bmc, '/redfish/v1/Managers', { token })).status).toBe(401);
  });

  it('refuses a login with a wrong password', async () => {
    const bmc = bmcOf(vendor);
    const before = bmc.stats.authFailures;
    const { answer } = await caller.login(bmc, { username: bmc.username, password: 'wrong' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-auth-token')).toBeNull();
    expect(bmc.stats.authFailures).toBe(before + 1);
    expect(bmc.stats.openSessions).toBe(0);
  });

  it(`${want.basic ? 'accepts' : 'refuses'} HTTP Basic authentication`, async () => {
    const bmc = bmcOf(vendor);
    const ok = await caller.call(bmc, '/redfish/v1/Managers', { basic: true });
    expect(ok.status).toBe(want.basic ? 200 : 401);
    const bad = await caller.call(bmc, '/redfish/v1/Managers', {
      basic: { username: bmc.username, password: 'x' },
    });
    expect(bad.status).toBe(401);
  });

  it('answers 404 for unknown URIs and 405 (with Allow) for wrong methods', async () => {
    const bmc = bmcOf(vendor);
    const { token } = await caller.login(bmc);
    const missing = await caller.call(bmc, '/redfish/v1/NoSuchThing', { token });
    expect(missing.status).toBe(404);
    expect(firstMessageId(missing.json)).toMatch(/ResourceMissingAtURI$/);
    const wrong = await caller.call(bmc, '/redfish/v1/Managers', { method: 'DELETE', token });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('GET');
    expect(firstMessageId(wrong.json)).toMatch(/OperationNotAllowed$/);
    bmc.expireSessions();
  });

  it('sends an ETag equal to @odata.etag and honours If-None-Match', async () => {
    const bmc = bmcOf(vendor);
    const first = await caller.call(bmc, want.manager, {
      basic: true,
      token: (await caller.login(bmc)).token,
    });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toBe(first.json['@odata.etag']);
    expect(strip(first.json['@odata.id'])).toBe(want.manager);
    const again = await caller.call(bmc, want.manager, {
      token: (await caller.login(bmc)).token,
      headers: { 'if-none-match': etag as string },
    });
    expect(again.status).toBe(304);
    bmc.expireSessions();
  });

  it('has a storage controller with drives and an empty Volumes collection, and an empty task list', async () => {
    const bmc = bmcOf(vendor);
    const { token } = await caller.login(bmc);
    const systems = await caller.call(bmc, '/redfish/v1/Systems', { token });
    const systemPath = systems.json.Members[0]['@odata.id'];
    if (want.system !== '') expect(strip(systemPath)).toBe(want.system);
    const system = await caller.call(bmc, systemPath, { token });
    const storages = await caller.call(bmc, system.json.Storage['@odata.id'], { token });
    expect(storages.json['Members@odata.count']).toBeGreaterThanOrEqual(1);
    const storage = await caller.call(bmc, storages.json.Members[0]['@odata.id'], { token });
    expect(storage.json.StorageControllers).toHaveLength(1);
    expect(storage.json.Drives.length).toBeGreaterThan(0);
    for (const d of storage.json.Drives)
      expect((await caller.call(bmc, d['@odata.id'], { token })).status).toBe(200);
    const volumes = await caller.call(bmc, storage.json.Volumes['@odata.id'], { token });
    expect(volumes.json).toMatchObject({ 'Members@odata.count': 0, Members: [] });
    const tasks = await caller.call(bmc, '/redfish/v1/TaskService/Tasks', { token });
    expect(tasks.json).toMatchObject({ 'Members@odata.count': 0, Members: [] });
    bmc.expireSessions();
  });

  it('announces its update methods; malformed requests get Redfish 400s, Oem update actions 501', async () => {
    const bmc = bmcOf(vendor);
    const { token } = await caller.login(bmc);
    const us = (await caller.call(bmc, '/redfish/v1/UpdateService', { token })).json;
    expect(us.Actions['#UpdateService.SimpleUpdate'].target).toMatch(/UpdateService\.SimpleUpdate\/?$/);
    expect(typeof us.MultipartHttpPushUri === 'string').toBe(want.multipart);
    expect(typeof us.HttpPushUri === 'string').toBe(want.httpPush);
    const annotated =
      us.Actions['#UpdateService.SimpleUpdate']['@Redfish.OperationApplyTimeSupport'] ??
      us['MultipartHttpPushUri@Redfish.OperationApplyTimeSupport'];
    if (want.applyTimes === 'annotation') expect(annotated.SupportedValues).toContain('Immediate');
    else expect(annotated).toBeUndefined();
    if (want.applyTimes === 'http-push-options') {
      expect(us.HttpPushUriOptions.HttpPushUriApplyTime['ApplyTime@Redfish.AllowableValues']).toContain(
        'OnReset',
      );
    }
    const info = us.Actions['#UpdateService.SimpleUpdate']['@Redfish.ActionInfo'];
    if (info !== undefined)
      expect((await caller.call(bmc, info, { token })).json.Parameters.length).toBeGreaterThan(0);
    const simple = await caller.call(bmc, us.Actions['#UpdateService.SimpleUpdate'].target, {
      method: 'POST',
      token,
      body: {},
    });
    expect(simple.status).toBe(400);
    expect(firstMessageId(simple.json)).toMatch(/ActionParameterMissing$/);
    if (want.multipart) {
      const multipart = await caller.call(bmc, us.MultipartHttpPushUri, { method: 'POST', token, body: {} });
      expect(multipart.status).toBe(400);
      expect(firstMessageId(multipart.json)).toMatch(/UnrecognizedRequestBody$/);
    }
    const oem = Object.values((us.Actions.Oem ?? {}) as Record<string, { target: string }>);
    for (const { target } of oem) {
      const r = await caller.call(bmc, target, { method: 'POST', token, body: {} });
      expect(r.status, target).toBe(501);
      expect(firstMessageId(r.json)).toMatch(/ActionNotSupported$/);
    }
    bmc.expireSessions();
  });

  it('lists a firmware inventory whose members all resolve', async () => {
    const bmc = bmcOf(vendor);
    const { token } = await caller.login(bmc);
    const ids: string[] = [];
    let next: string | undefined = '/redfish/v1/UpdateService/FirmwareInventory';
    while (next !== undefined) {
      const page: Body = (await caller.call(bmc, next, { token })).json;
      ids.push(...page.Members.map((m: { '@odata.id': string }) => m['@odata.id']));
      next = page['Members@odata.nextLink'];
    }
    expect(ids.length).toBeGreaterThanOrEqual(3);
    for (const id of ids) {
      const m = (await caller.call(bmc, id, { token })).json;
      expect(typeof m.Version).toBe('string');
      expect(m['@odata.id']).toBe(id);
    }
    bmc.expireSessions();
  });
});

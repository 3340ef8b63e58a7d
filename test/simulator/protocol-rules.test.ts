/**
 * The DSP0266 HTTP rules every profile follows, as DMTF's Protocol and Service Validators check
 * them (npm run conformance runs the tools themselves): OData-Version, `$` and valueless query
 * parameters, unknown methods, Allow / Link / Cache-Control headers, POST to Sessions/Members,
 * the predefined Roles, and iLO fragment references relative to the slashed @odata.id.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { type Caller, createCaller } from './helpers.ts';

const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];
let fleet: SimFleet;
let caller: Caller;
const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: VENDORS.length, tls: false });
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
  await fleet.close();
});

/** Sends one raw request line (methods fetch refuses to send) and returns the status line. */
function rawStatusLine(bmc: SimBmc, method: string): Promise<string> {
  const { hostname, port } = new URL(bmc.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${method} /redfish/v1/ HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
    });
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe.each(VENDORS)('%s', (vendor) => {
  it('refuses OData-Version other than 4.0 with 412 and accepts 4.0', async () => {
    const bmc = bmcOf(vendor);
    expect((await caller.call(bmc, '/redfish/v1/', { headers: { 'OData-Version': '4.1' } })).status).toBe(
      412,
    );
    expect((await caller.call(bmc, '/redfish/v1/', { headers: { 'OData-Version': '4.0' } })).status).toBe(
      200,
    );
  });

  it('answers an unknown $ parameter with 501 QueryParameterUnsupported naming it', async () => {
    const a = await caller.call(bmcOf(vendor), '/redfish/v1/?$rpvunknown');
    expect(a.status).toBe(501);
    expect(a.text).toContain('$rpvunknown');
    expect(a.json.error['@Message.ExtendedInfo'][0].MessageId).toMatch(/\.QueryParameterUnsupported$/);
  });

  it('answers an HTTP method it does not know with 501', async () => {
    expect(await rawStatusLine(bmcOf(vendor), 'FAKEMETHODFORTEST')).toBe('HTTP/1.1 501 Not Implemented');
  });

  it('sends Allow, Link rel=describedby (the @odata.type version) and Cache-Control on GET', async () => {
    const bmc = bmcOf(vendor);
    const root = await caller.call(bmc, '/redfish/v1/');
    expect(root.headers.get('allow')).toBe('GET, HEAD');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    const version = String(root.json['@odata.type']).split('.')[1];
    expect(root.headers.get('link')).toBe(
      `<https://redfish.dmtf.org/schemas/v1/ServiceRoot.${version}.json>; rel=describedby`,
    );
    const login = await caller.login(bmc);
    const sessions = await caller.call(bmc, '/redfish/v1/SessionService/Sessions', { token: login.token });
    expect(sessions.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(sessions.headers.get('link')).toContain('/SessionCollection.json>');
    const head = await caller.call(bmc, '/redfish/v1/', { method: 'HEAD' });
    expect(head.headers.get('allow')).toBe('GET, HEAD');
  });

  it('creates a session by POST to Sessions/Members', async () => {
    const bmc = bmcOf(vendor);
    const a = await caller.call(bmc, '/redfish/v1/SessionService/Sessions/Members', {
      method: 'POST',
      body: { UserName: bmc.username, Password: bmc.password },
    });
    expect(a.status).toBe(201);
    expect(a.headers.get('x-auth-token')).toBeTruthy();
  });

  it('serves the predefined roles with the privileges DSP0266 assigns', async () => {
    const bmc = bmcOf(vendor);
    const { token } = await caller.login(bmc);
    const ro = await caller.call(bmc, '/redfish/v1/AccountService/Roles/ReadOnly', { token });
    expect(ro.json.AssignedPrivileges).toEqual(['Login', 'ConfigureSelf']);
    const roles = await caller.call(bmc, '/redfish/v1/AccountService/Roles', { token });
    expect(roles.json['Members@odata.count']).toBe(3);
  });
});

describe('valueless query parameters', () => {
  it('refuses only=foo with 400 where OnlyMemberQuery is announced, ignores it where not', async () => {
    const generic = bmcOf('generic');
    const bad = await caller.call(generic, '/redfish/v1/Systems?only=foo', { basic: true });
    expect(bad.status).toBe(400);
    expect(bad.json.error['@Message.ExtendedInfo'][0].MessageId).toMatch(/QueryParameterValueFormatError$/);
    // Supermicro announces OnlyMemberQuery false: a parameter without $ it does not support is ignored.
    const smc = await caller.call(bmcOf('supermicro'), '/redfish/v1/Systems?only=foo', { basic: true });
    expect(smc.status).toBe(200);
  });

  it('answers ?only on a one-member collection with that member', async () => {
    const a = await caller.call(bmcOf('generic'), '/redfish/v1/Managers?only', { basic: true });
    expect(a.status).toBe(200);
    expect(a.json['@odata.id']).toBe('/redfish/v1/Managers/BMC');
  });

  it('refuses excerpt=foo with 400 where ExcerptQuery is announced', async () => {
    expect((await caller.call(bmcOf('lenovo'), '/redfish/v1/?excerpt=foo', { basic: true })).status).toBe(
      400,
    );
  });
});

describe('iLO fragment references', () => {
  it('keep the trailing slash of their resource before the #', async () => {
    const bmc = bmcOf('hpe');
    const { token } = await caller.login(bmc);
    const coll = await caller.call(bmc, '/redfish/v1/Systems/1/Storage/', { token });
    const storage = await caller.call(bmc, coll.json.Members[0]['@odata.id'], { token });
    const id: string = storage.json['@odata.id'];
    expect(storage.json.StorageControllers[0]['@odata.id']).toBe(`${id}#/StorageControllers/0`);
  });
});

describe('Allow on an HttpPushUri that is also a resource (iDRAC FirmwareInventory)', () => {
  it('does not name the upload POST', async () => {
    const bmc = bmcOf('dell');
    const a = await caller.call(bmc, '/redfish/v1/UpdateService/FirmwareInventory', { basic: true });
    expect(a.headers.get('allow')).toBe('GET, HEAD');
  });
});

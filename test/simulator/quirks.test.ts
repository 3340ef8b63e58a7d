/** The ugly parts real services have and the simulator reproduces: paging, counts, slashes, $expand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { type Caller, createCaller } from './helpers.ts';

const FI = '/redfish/v1/UpdateService/FirmwareInventory';
const VENDORS: SimVendor[] = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'];

let fleet: SimFleet;
let caller: Caller;
const bmcOf = (v: SimVendor): SimBmc => fleet.bmcs.find((b) => b.vendor === v) as SimBmc;
const ids = (json: { Members: Array<{ '@odata.id': string }> }): string[] =>
  json.Members.map((m) => m['@odata.id']);

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: VENDORS.length, tls: false });
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
  await fleet.close();
});

describe('FirmwareInventory paging (generic profile)', () => {
  it('serves pages of 4 with Members@odata.nextLink and the full count on every page', async () => {
    const bmc = bmcOf('generic');
    const first = (await caller.call(bmc, FI, { basic: true })).json;
    expect(first['Members@odata.count']).toBe(6);
    expect(first.Members).toHaveLength(4);
    expect(first['Members@odata.nextLink']).toBe(`${FI}?$skip=4`);
    const second = (await caller.call(bmc, first['Members@odata.nextLink'], { basic: true })).json;
    expect(second.Members).toHaveLength(2);
    expect(second['Members@odata.nextLink']).toBeUndefined();
    expect(new Set([...ids(first), ...ids(second)]).size).toBe(6);
  });

  it('honours client $skip/$top and keeps $expand in the next link', async () => {
    const bmc = bmcOf('generic');
    const all = [
      ...ids((await caller.call(bmc, FI, { basic: true })).json),
      ...ids((await caller.call(bmc, `${FI}?$skip=4`, { basic: true })).json),
    ];
    const window = (await caller.call(bmc, `${FI}?$skip=1&$top=2`, { basic: true })).json;
    expect(ids(window)).toEqual(all.slice(1, 3));
    expect(window['Members@odata.nextLink']).toBeUndefined();
    const expanded = (await caller.call(bmc, `${FI}?$expand=.($levels=1)`, { basic: true })).json;
    expect(expanded['Members@odata.nextLink']).toBe(`${FI}?$skip=4&$expand=.($levels=1)`);
    expect(expanded.Members[0].Version).toBeDefined();
  });
});

describe('Members@odata.count disagreeing with Members (supermicro profile)', () => {
  it('reports one member more than it lists', async () => {
    const json = (await caller.call(bmcOf('supermicro'), FI, { basic: true })).json;
    expect(json.Members).toHaveLength(3);
    expect(json['Members@odata.count']).toBe(4);
    expect(json['Members@odata.nextLink']).toBeUndefined();
  });
});

describe('trailing slashes (hpe profile)', () => {
  it('writes every @odata.id with a trailing slash and numeric inventory Ids', async () => {
    const json = (await caller.call(bmcOf('hpe'), FI, { basic: true })).json;
    expect(json['@odata.id']).toBe(`${FI}/`);
    for (const id of ids(json))
      expect(id).toMatch(/^\/redfish\/v1\/UpdateService\/FirmwareInventory\/\d+\/$/);
  });

  it('answers the same resource with and without the slash', async () => {
    const bmc = bmcOf('hpe');
    const a = await caller.call(bmc, `${FI}/1/`, { basic: true });
    const b = await caller.call(bmc, `${FI}/1`, { basic: true });
    expect(a.status).toBe(200);
    expect(b.text).toBe(a.text);
    expect(a.json.Oem.Hpe.Targets.length).toBeGreaterThan(0);
    expect(a.json.Oem.Hpe.DeviceClass).toMatch(/^[0-9a-f-]{36}$/);
    expect((await caller.call(bmc, '/redfish/v1/', {})).json['@odata.id']).toBe('/redfish/v1/');
  });
});

describe('$expand', () => {
  const CASES: Array<[SimVendor, string, boolean]> = [
    ['generic', '.($levels=1)', true],
    ['generic', '*($levels=1)', true],
    ['generic', '*', true],
    ['dell', '.($levels=1)', true],
    ['dell', '*($levels=1)', true],
    ['dell', '*', true],
    ['hpe', '.', true],
    ['hpe', '.($levels=1)', true],
    ['hpe', '*', false],
    ['lenovo', '*($levels=1)', true],
    ['lenovo', '.($levels=1)', true],
    ['supermicro', '*', true],
    ['supermicro', '.($levels=1)', true],
    ['openbmc', '.($levels=1)', false],
    ['openbmc', '*($levels=1)', false],
    ['openbmc', '*', false],
  ];

  it.each(CASES)('%s: $expand=%s inlines members: %s', async (vendor, expand, inlined) => {
    const bmc = bmcOf(vendor);
    const { token } = await caller.login(bmc);
    const root = (await caller.call(bmc, '/redfish/v1', {})).json;
    const announced = root.ProtocolFeaturesSupported.ExpandQuery;
    expect(expand.startsWith('*') ? announced.ExpandAll : announced.NoLinks).toBe(inlined);
    const json = (await caller.call(bmc, `${FI}?$expand=${expand}`, { token })).json;
    const first = json.Members[0];
    if (inlined) {
      expect(first.Version).toEqual(expect.any(String));
      expect(first['@odata.etag']).toEqual(expect.any(String));
    } else {
      expect(Object.keys(first)).toEqual(['@odata.id']);
    }
    bmc.expireSessions();
  });
});

describe('per-BMC data', () => {
  const snapshot = async (f: SimFleet): Promise<string[]> => {
    const c = createCaller(f.caPem);
    const out: string[] = [];
    for (const bmc of f.bmcs) {
      const { token } = await c.login(bmc);
      const systems = (await c.call(bmc, '/redfish/v1/Systems', { token })).json;
      const system = (await c.call(bmc, systems.Members[0]['@odata.id'], { token })).json;
      const inv = (await c.call(bmc, `${FI}?$expand=.($levels=1)&$top=100`, { token })).json;
      out.push(`${system.SerialNumber} ${inv.Members.map((m: { Version: string }) => m.Version).join(',')}`);
    }
    await c.close();
    return out;
  };

  it('is deterministic for a seed and mixed across the fleet', async () => {
    const opts = { count: 12, vendors: ['dell', 'lenovo'] as SimVendor[], tls: false, seed: 42 };
    const [a, b, c] = await Promise.all([
      startSimulatedFleet(opts),
      startSimulatedFleet(opts),
      startSimulatedFleet({ ...opts, seed: 43 }),
    ]);
    try {
      const [sa, sb, sc] = await Promise.all([snapshot(a), snapshot(b), snapshot(c)]);
      expect(sb).toEqual(sa);
      expect(sc).not.toEqual(sa);
      expect(new Set(sa.map((s) => s.split(' ')[0])).size).toBe(12);
      const dellVersions = new Set(sa.filter((_, i) => i % 2 === 0).map((s) => s.split(' ')[1]));
      expect(dellVersions.size).toBeGreaterThan(1);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

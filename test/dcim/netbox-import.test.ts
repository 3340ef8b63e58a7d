/**
 * The NetBox importer against a fake NetBox over loopback HTTP speaking NetBox's response shapes:
 * paging by `next` links (also when NetBox caps the page size and when its links name another
 * origin), filters forwarded on every page, the device → fleet entry mapping, devices left out
 * with their reason, and clear errors for a refused token, an HTML page, a bad filter, an outage.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DcimErrorCode, NetboxError } from '../../src/dcim/dcim-errors.ts';
import { authorizationHeader, parseFilters } from '../../src/dcim/netbox-client.ts';
import { importFromNetbox } from '../../src/dcim/netbox-import.ts';
import { mapDevice } from '../../src/dcim/netbox-map.ts';
import { defaultDeps } from '../../src/deps.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { type FakeDeviceSpec, type FakeNetbox, startFakeNetbox } from './fake-netbox.ts';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';

const DEVICES: FakeDeviceSpec[] = [
  {
    name: 'r640-01',
    site: 'fra1',
    rack: 'R12',
    role: 'compute',
    manufacturer: 'Dell',
    model: 'PowerEdge R640',
    oob: '10.0.0.11/24',
    tags: ['gpu'],
  },
  {
    name: 'r640-02',
    site: 'fra1',
    rack: 'R12',
    role: 'compute',
    manufacturer: 'Dell',
    model: 'PowerEdge R640',
    oob: '10.0.0.12/24',
  },
  {
    name: 'dl380-01',
    site: 'fra1',
    rack: 'R13',
    role: 'db',
    manufacturer: 'HPE',
    model: 'ProLiant DL380 Gen10',
    oob: '10.0.0.21/24',
    tags: ['gpu', 'canary'],
  },
  {
    name: 'sr650-01',
    site: 'ams2',
    rack: 'A01',
    role: 'compute',
    manufacturer: 'Lenovo',
    model: 'ThinkSystem SR650',
    oob: 'fd00::31/64',
  },
  {
    name: 'sys-01',
    site: 'ams2',
    rack: 'A02',
    role: 'storage',
    manufacturer: 'Supermicro',
    oob: '10.1.0.41/24',
    status: 'planned',
  },
  {
    name: 'whitebox-01',
    site: 'ams2',
    role: 'compute',
    manufacturer: 'Wiwynn',
    platform: 'OpenBMC',
    oob: '10.1.0.51/24',
  },
  {
    name: 'odd-01',
    site: 'ams2',
    role: 'compute',
    manufacturer: 'Acme Compute',
    oob: '10.1.0.61/24',
    tenant: 'Team Blue',
  },
  { name: 'pdu-01', site: 'fra1', rack: 'R12', role: 'pdu', manufacturer: 'APC' },
  { name: null, site: 'fra1', role: 'compute', manufacturer: 'Dell', oob: '10.0.0.99/24' },
  { name: 'r640-01', site: 'ams2', role: 'compute', manufacturer: 'Dell', oob: '10.1.0.71/24' },
  { name: 'r640-03', site: 'ams2', role: 'compute', manufacturer: 'Dell', oob: '10.0.0.11/24' },
];

let nb: FakeNetbox;
beforeAll(async () => {
  nb = await startFakeNetbox({ devices: DEVICES, token: TOKEN, maxPageSize: 1000 });
});
afterAll(() => nb?.close());
afterEach(() => {
  nb.requests.length = 0;
  nb.setMode({ kind: 'ok' });
});

const deps = () => defaultDeps({ clock: fakeClock(), logger: captureLogger('warn').logger });
const source = (extra: Partial<Parameters<typeof importFromNetbox>[0]> = {}) => ({
  url: nb.url,
  token: TOKEN,
  allowHttp: true,
  ...extra,
});
const OOB = { address: { from: 'oob' as const } };

describe('paging', () => {
  it('follows next links across pages and sends the token on every one', async () => {
    const { servers, report } = await importFromNetbox(source({ pageSize: 3 }), OOB, deps());
    expect(report.pages).toBe(4);
    expect(report.count).toBe(DEVICES.length);
    expect(nb.requests.map((r) => new URLSearchParams(r.query).get('offset'))).toEqual(['0', '3', '6', '9']);
    expect(nb.requests.every((r) => r.authorization === `Token ${TOKEN}`)).toBe(true);
    expect(servers.map((s) => s.name)).toEqual([
      'r640-01',
      'r640-02',
      'dl380-01',
      'sr650-01',
      'sys-01',
      'whitebox-01',
      'odd-01',
    ]);
  });

  it('keeps paging when NetBox caps the page size below what was asked', async () => {
    const capped = await startFakeNetbox({ devices: DEVICES, token: TOKEN, maxPageSize: 4 });
    try {
      const { report } = await importFromNetbox({ ...source(), url: capped.url, pageSize: 100 }, OOB, deps());
      expect(report.pages).toBe(3);
      expect(report.imported).toBe(7);
    } finally {
      await capped.close();
    }
  });

  it('follows links that name another origin on the origin it was given (token stays home)', async () => {
    const proxied = await startFakeNetbox({
      devices: DEVICES,
      token: TOKEN,
      advertisedOrigin: 'http://netbox.internal.invalid:8080',
    });
    try {
      const { report } = await importFromNetbox({ ...source(), url: proxied.url, pageSize: 5 }, OOB, deps());
      expect(report.pages).toBe(3);
      expect(proxied.requests).toHaveLength(3);
    } finally {
      await proxied.close();
    }
  });
});

describe('filters', () => {
  it('forwards every filter on every page and imports only what NetBox matched', async () => {
    const filters = parseFilters(['site=fra1', 'role=compute', 'role=db', 'tag=gpu']);
    const { servers, report } = await importFromNetbox(source({ pageSize: 1, filters }), OOB, deps());
    expect(servers.map((s) => s.name)).toEqual(['r640-01', 'dl380-01']);
    expect(report.pages).toBe(2);
    for (const r of nb.requests) {
      const q = new URLSearchParams(r.query);
      expect(q.getAll('site')).toEqual(['fra1']);
      expect(q.getAll('role')).toEqual(['compute', 'db']);
      expect(q.getAll('tag')).toEqual(['gpu']);
    }
  });

  it.each([
    ['no value', 'site='],
    ['no key', '=fra1'],
    ['not key=value', 'fra1'],
    ['paging is firmwarden’s', 'limit=5'],
  ])('refuses a bad --filter (%s)', (_name, flag) => {
    expect(() => parseFilters([flag])).toThrow(expect.objectContaining({ code: 'FW_ERR_CONFIG' }));
  });

  it('a filter value NetBox rejects is an error naming the field', async () => {
    const err = await importFromNetbox(source({ filters: [['site', 'nowhere']] }), OOB, deps()).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(NetboxError);
    expect(err.code).toBe(DcimErrorCode.http);
    expect(err.status).toBe(400);
    expect(err.message).toContain('site: Select a valid choice. nowhere');
  });
});

describe('mapping', () => {
  it('maps placement to labels, the maker to a vendor hint, the OOB IP to the BMC URL', async () => {
    const { servers } = await importFromNetbox(source(), OOB, deps());
    const by = new Map(servers.map((s) => [s.name, s]));
    expect(by.get('r640-01')).toEqual({
      name: 'r640-01',
      bmc: 'https://10.0.0.11',
      vendor: 'dell',
      labels: {
        site: 'fra1',
        rack: 'R12',
        role: 'compute',
        manufacturer: 'dell',
        model: 'poweredge-r640',
        status: 'active',
        'netbox.id': '1',
        'tag.gpu': 'true',
      },
    });
    expect(by.get('dl380-01')).toMatchObject({
      vendor: 'hpe',
      labels: { role: 'db', 'tag.gpu': 'true', 'tag.canary': 'true' },
    });
    expect(by.get('sr650-01')).toMatchObject({ bmc: 'https://[fd00::31]', vendor: 'lenovo' });
    expect(by.get('sys-01')).toMatchObject({ vendor: 'supermicro', labels: { status: 'planned' } });
    expect(by.get('whitebox-01')).toMatchObject({ vendor: 'openbmc', labels: { platform: 'openbmc' } });
    // An unknown maker gets no hint: the vendor is detected from the BMC's service root.
    expect(by.get('odd-01')?.vendor).toBeUndefined();
    expect(by.get('odd-01')?.labels).toMatchObject({ tenant: 'team-blue', manufacturer: 'acme-compute' });
  });

  it('lists devices without an OOB IP or a name, and duplicates of a name or BMC, with reasons', async () => {
    const { report } = await importFromNetbox(source(), OOB, deps());
    expect(report.skipped).toEqual([
      { id: 8, name: 'pdu-01', reason: 'no OOB IP' },
      { id: 9, name: '(unnamed, id 9)', reason: 'the device has no name' },
    ]);
    expect(report.duplicates).toEqual([
      { id: 10, name: 'r640-01', reason: 'name already used by NetBox device 1' },
      { id: 11, name: 'r640-03', reason: 'BMC https://10.0.0.11 already used by r640-01' },
    ]);
  });

  it('reads NetBox < 3.6 (device_role, no oob_ip) with the primary IPv4 as the BMC address', async () => {
    const old = await startFakeNetbox({
      devices: [
        { name: 'old-01', site: 'fra1', role: 'compute', manufacturer: 'Dell', primary4: '10.9.0.1/16' },
      ],
      token: TOKEN,
      legacyRole: true,
    });
    try {
      const { servers } = await importFromNetbox(
        { ...source(), url: old.url },
        { address: { from: 'primary' } },
        deps(),
      );
      expect(servers[0]).toMatchObject({ bmc: 'https://10.9.0.1', labels: { role: 'compute' } });
    } finally {
      await old.close();
    }
  });

  it.each([
    ['a URL', 'https://bmc-7.oob.example:8443', 'https://bmc-7.oob.example:8443'],
    ['a host name', 'bmc-7.oob.example', 'https://bmc-7.oob.example'],
    ['an address with prefix', '10.7.0.7/24', 'https://10.7.0.7'],
  ])('takes the BMC address from a custom field holding %s', (_name, value, bmc) => {
    const raw = { ...minimalDevice(), custom_fields: { bmc_address: value } };
    const m = mapDevice(raw, { address: { from: 'custom-field', name: 'bmc_address' } });
    expect(m).toMatchObject({ ok: true, server: { bmc } });
  });

  it('leaves out a plain-http custom field address and copies scalar custom fields into labels', () => {
    const http = mapDevice(
      { ...minimalDevice(), custom_fields: { bmc_address: 'http://10.0.0.7' } },
      { address: { from: 'custom-field', name: 'bmc_address' } },
    );
    expect(http).toMatchObject({ ok: false, reason: expect.stringContaining('plain http') });
    const cf = mapDevice(
      { ...minimalDevice(), custom_fields: { cost_center: 4711, owners: ['a'] } },
      { address: { from: 'oob' }, customFields: ['cost_center', 'owners'] },
    );
    expect(cf).toMatchObject({ ok: true, server: { labels: { cost_center: '4711' } } });
    expect(cf.ok && cf.server.labels?.['owners']).toBeUndefined();
  });
});

describe('errors', () => {
  it('a refused token is FW_ERR_NETBOX_AUTH with NetBox’s detail, and the token is not in the message', async () => {
    const err = await importFromNetbox(source({ token: 'f'.repeat(40) }), OOB, deps()).catch((e) => e);
    expect(err.code).toBe(DcimErrorCode.auth);
    expect(err.status).toBe(403);
    expect(err.message).toContain('Invalid token');
    expect(err.message).not.toContain('f'.repeat(40));
  });

  it('sends a v2 token as Bearer, and a pasted "Bearer …" value as it is', async () => {
    const v2 = 'nbt_abc123XYZ.s3cr3tv2tokenvalue0000000000';
    const nb2 = await startFakeNetbox({ devices: DEVICES.slice(0, 2), token: v2 });
    try {
      await importFromNetbox({ ...source(), url: nb2.url, token: v2 }, OOB, deps());
      await importFromNetbox({ ...source(), url: nb2.url, token: `Bearer ${v2}` }, OOB, deps());
      expect(nb2.requests.map((r) => r.authorization)).toEqual([`Bearer ${v2}`, `Bearer ${v2}`]);
    } finally {
      await nb2.close();
    }
    expect(authorizationHeader(TOKEN, 'bearer')).toBe(`Bearer ${TOKEN}`);
    expect(authorizationHeader(`token ${TOKEN}`)).toBe(`Token ${TOKEN}`);
  });

  it('an HTML page where JSON was expected is FW_ERR_NETBOX_RESPONSE naming the page', async () => {
    nb.setMode({ kind: 'html-login' });
    const err = await importFromNetbox(source(), OOB, deps()).catch((e) => e);
    expect(err.code).toBe(DcimErrorCode.response);
    expect(err.message).toContain('text/html (Sign in · Corporate SSO)');
  });

  it('an HTML error page is FW_ERR_NETBOX_HTTP with the status and the page title', async () => {
    nb.setMode({ kind: 'html-500' });
    const err = await importFromNetbox(source(), OOB, deps()).catch((e) => e);
    expect(err.code).toBe(DcimErrorCode.http);
    expect(err.message).toContain('500 text/html (Server Error)');
  });

  it('retries a 503 after its Retry-After, then reads the page', async () => {
    nb.setMode({ kind: 'unavailable', count: 2 });
    const d = deps();
    const { report } = await importFromNetbox(source(), OOB, d);
    expect(report.imported).toBe(7);
    expect((d.clock as ReturnType<typeof fakeClock>).sleeps).toEqual([2000, 2000]);
  });

  it('gives up after its attempts when NetBox stays unavailable', async () => {
    nb.setMode({ kind: 'unavailable', count: 10 });
    const err = await importFromNetbox(source(), OOB, deps()).catch((e) => e);
    expect(err.code).toBe(DcimErrorCode.http);
    expect(err.status).toBe(503);
  });

  it('a NetBox nobody answers at is FW_ERR_NETBOX_CONNECT', async () => {
    const gone = await startFakeNetbox({ devices: [], token: TOKEN });
    await gone.close();
    const err = await importFromNetbox({ ...source(), url: gone.url }, OOB, deps()).catch((e) => e);
    expect(err.code).toBe(DcimErrorCode.connect);
  });

  it('refuses a plain http URL unless allowed (the token would travel in clear)', async () => {
    const err = await importFromNetbox(source({ allowHttp: false }), OOB, deps()).catch((e) => e);
    expect(err.code).toBe('FW_ERR_CONFIG');
    expect(nb.requests).toHaveLength(0);
  });
});

function minimalDevice() {
  return {
    id: 7,
    name: 'dev-7',
    device_type: { id: 1, slug: 'x', manufacturer: { id: 1, name: 'Dell', slug: 'dell' } },
    role: { id: 1, name: 'Compute', slug: 'compute' },
    site: { id: 1, name: 'FRA1', slug: 'fra1' },
    oob_ip: { id: 3, address: '10.0.0.7/24' },
    tags: [],
    custom_fields: {},
  };
}

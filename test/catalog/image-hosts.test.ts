/**
 * Image downloads reach only the hosts a catalog may use: its own host, its base URL, Dell's
 * baseLocation and the operator's allow-list; redirects elsewhere are not followed; and hosts a
 * public catalog put on the list must not resolve to loopback, link-local or private addresses.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkImageHost,
  guardedLookup,
  imageHostPolicy,
  isNonPublicAddress,
} from '../../src/catalog/image-hosts.ts';
import {
  type Catalog,
  ImageErrorCode,
  ImageStore,
  parseCatalogBytes,
  parseRemoteCatalog,
  syncCatalog,
} from '../../src/catalog/index.ts';

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const IMAGE = 'firmware image bytes';
const SECRET = 'internal-only: instance credentials';

/** A loopback server: `routes` maps a path to a body or to a redirect target. */
async function serve(routes: Record<string, string | { redirect: () => string }>) {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    if (route === undefined) return void res.writeHead(404).end('not here');
    if (typeof route === 'string') return void res.writeHead(200).end(route);
    res.writeHead(302, { location: route.redirect() }).end();
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  return { seen, port, close: () => new Promise((r) => server.close(r)) };
}

function entry(id: string, url: string, body = IMAGE) {
  return {
    id,
    vendor: 'generic',
    kind: 'bios',
    name: id,
    version: '1.0',
    match: { namePattern: id },
    image: { url, sha256: sha256(body) },
    criticality: 'recommended',
    requires: { reboot: true },
  };
}
const doc = (...entries: unknown[]) => Buffer.from(JSON.stringify({ version: 1, entries }));

describe('image downloads and the host allow-list', () => {
  let own: Awaited<ReturnType<typeof serve>>;
  let internal: Awaited<ReturnType<typeof serve>>;
  let work: string;
  let store: ImageStore;
  beforeAll(async () => {
    // "internal" plays a service on this host's network, reached by another name (localhost).
    internal = await serve({ '/secret.bin': SECRET });
    own = await serve({
      '/repo/a.bin': IMAGE,
      '/repo/moved.bin': { redirect: () => '/repo/a.bin' },
      '/repo/away.bin': { redirect: () => `http://localhost:${internal.port}/secret.bin` },
      '/repo/metadata.bin': { redirect: () => 'http://169.254.169.254/latest/meta-data/' },
      '/repo/loop.bin': { redirect: () => '/repo/loop.bin' },
    });
  });
  afterAll(async () => {
    await own?.close();
    await internal?.close();
  });
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'fw-image-hosts-'));
    store = await ImageStore.open(join(work, 'store'));
    internal.seen.length = 0;
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  const remote = (...entries: unknown[]) =>
    parseRemoteCatalog(doc(...entries), {
      url: `http://127.0.0.1:${own.port}/repo/catalog.json`,
      baseDir: join(work, 'scratch'),
    });
  const base = () => `http://127.0.0.1:${own.port}/repo`;

  it('fetches from the catalog own host, following a redirect that stays on it', async () => {
    const catalog = await remote(entry('a', `${base()}/a.bin`), entry('moved', `${base()}/moved.bin`, IMAGE));
    const report = await syncCatalog({ catalog, store });
    expect(report.results.map((r) => r.status)).toEqual(['downloaded', 'downloaded']);
  });

  it.each([
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/', SECRET],
    ['another host of this machine', () => `http://localhost:${internal.port}/secret.bin`, SECRET],
    ['a redirect to another host', () => `${base()}/away.bin`, SECRET],
    ['a redirect to the metadata address', () => `${base()}/metadata.bin`, SECRET],
  ])('refuses %s without contacting it, echoing nothing of it', async (_name, url, body) => {
    const catalog = await remote(entry('x', url(), body));
    const report = await syncCatalog({ catalog, store, attempts: 1 });
    expect(report.results[0]).toMatchObject({ status: 'failed', error: { code: ImageErrorCode.host } });
    expect(internal.seen).toEqual([]);
    const message = report.results[0]?.error?.message ?? '';
    for (const leak of [sha256(SECRET), 'internal-only', '200', 'not here'])
      expect(message).not.toContain(leak);
    expect(await store.has(sha256(SECRET))).toBe(false);
  });

  it('fetches from a host the operator allows, redirects included', async () => {
    const catalog = await remote(entry('x', `${base()}/away.bin`, SECRET));
    const report = await syncCatalog({ catalog, store, allowHosts: ['LOCALHOST'] });
    expect(report.results[0]).toMatchObject({ status: 'downloaded', sha256: sha256(SECRET) });
  });

  it('stops a redirect loop', async () => {
    const catalog = await remote(entry('x', `${base()}/loop.bin`));
    const report = await syncCatalog({ catalog, store, attempts: 1 });
    expect(report.results[0]).toMatchObject({ status: 'failed', error: { code: ImageErrorCode.fetch } });
  });

  it('a local catalog may use the hosts its entries name, but not a redirect elsewhere', async () => {
    const catalog = await parseCatalogBytes(
      doc(entry('a', `${base()}/a.bin`), entry('away', `${base()}/away.bin`, SECRET)),
      { file: 'catalog.json', baseDir: work },
    );
    const report = await syncCatalog({ catalog, store, attempts: 1 });
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([
      ['downloaded', undefined],
      ['failed', ImageErrorCode.host],
    ]);
    expect(internal.seen).toEqual([]);
  });
});

describe('the public-address rule (a catalog fetched from a public host)', () => {
  const dns: Record<string, string[]> = {
    'catalogs.example.com': ['93.184.216.34'],
    'lan-catalogs.example.com': ['10.0.0.5'],
    'downloads.example.net': ['93.184.216.40'],
    'rebound.example.net': ['93.184.216.41', '127.0.0.1'],
    'metadata.example.net': ['169.254.169.254'],
  };
  const lookup = async (host: string) => dns[host] ?? [];

  function catalog(url: string, baseLocation: string): Catalog {
    return {
      entries: [],
      skipped: [],
      stats: {} as Catalog['stats'],
      source: { format: 'dell', file: url, url, baseDir: '/nonexistent', encoding: 'utf-8', baseLocation },
    };
  }

  it.each([
    ['a public baseLocation', 'catalogs.example.com', 'downloads.example.net', [], true],
    [
      'a baseLocation resolving to a private address',
      'catalogs.example.com',
      'metadata.example.net',
      [],
      false,
    ],
    ['a baseLocation with one loopback address', 'catalogs.example.com', 'rebound.example.net', [], false],
    ['a link-local literal baseLocation', 'catalogs.example.com', '169.254.169.254', [], false],
    [
      'an allowed private host',
      'catalogs.example.com',
      'metadata.example.net',
      ['metadata.example.net'],
      true,
    ],
    ['a catalog itself on a private address', 'lan-catalogs.example.com', 'metadata.example.net', [], true],
    ['a catalog on loopback', '127.0.0.1', '169.254.169.254', [], true],
  ] as const)('%s', async (_name, catalogHost, location, allowHosts, ok) => {
    const policy = await imageHostPolicy(catalog(`https://${catalogHost}/Catalog.xml`, location), {
      allowHosts,
      lookup,
    });
    const url = `https://${location}/FOLDER1/a.BIN`;
    const result = await checkImageHost(policy, url, url, lookup).then(
      () => 'ok',
      (err: { code: string }) => err.code,
    );
    expect(result).toBe(ok ? 'ok' : ImageErrorCode.host);
  });

  it('the catalog own host is the operator choice: not judged by its address', async () => {
    const policy = await imageHostPolicy(catalog('https://catalogs.example.com/Catalog.xml', ''), { lookup });
    await expect(
      checkImageHost(policy, 'https://catalogs.example.com/a.BIN', 'x', async () => ['127.0.0.1']),
    ).resolves.toBeUndefined();
  });

  it('the connect-time lookup refuses what a name resolves to when it is not public', async () => {
    const policy = (trusted: string[]) => ({
      allowed: new Set(['localhost']),
      trusted: new Set(trusted),
      publicOnly: true,
    });
    const resolve = (p: ReturnType<typeof policy>) =>
      new Promise<string>((done) =>
        guardedLookup(p)('localhost', { all: true }, (err: NodeJS.ErrnoException | null) =>
          done(err ? String(err.code) : 'ok'),
        ),
      );
    expect(await resolve(policy([]))).toBe(ImageErrorCode.host);
    expect(await resolve(policy(['localhost']))).toBe('ok');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.9.9.9', true],
    ['169.254.169.254', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:169.254.169.254', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['93.184.216.34', false],
    ['2606:4700::1111', false],
  ])('%s is non-public: %s', (address, expected) => {
    expect(isNonPublicAddress(address)).toBe(expected);
  });
});

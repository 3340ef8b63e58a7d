/**
 * catalog-watch against real inputs: a simulated catalog file that changes between runs, and the
 * same catalog served over loopback HTTP with ETags (304s), a missing image that is retried on
 * the next poll, and content that changes under a new ETag.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ImageStore } from '../../src/catalog/index.ts';
import { runJob } from '../../src/daemon/run-job.ts';
import { type SimulatedCatalog, writeSimulatedCatalog } from '../../src/simulator/index.ts';
import { type Bed, daemonBed, dataOf, entries } from './helpers.ts';

const distinctImages = (sim: SimulatedCatalog) => new Set(sim.entries.map((e) => e.sha256)).size;

describe('catalog-watch on a catalog file', () => {
  let bed: Bed;
  let first: SimulatedCatalog;
  beforeAll(async () => {
    bed = await daemonBed({ count: 2, vendors: ['dell', 'lenovo'], seed: 4 });
    first = await writeSimulatedCatalog({
      fleet: bed.fleet!,
      dir: join(bed.dir, 'catalog'),
      components: ['bmc', 'bios'],
    });
  });
  afterAll(() => bed?.close());

  it('downloads everything new, then nothing while unchanged, then what changed', async () => {
    const config = await bed.config({
      catalog: { source: 'catalog/catalog.yaml' },
      jobs: { 'catalog-watch': { schedule: 'every 5 minutes' } },
    });
    const images = await ImageStore.open(config.images);

    const r1 = await runJob('catalog-watch', config, bed.deps);
    expect(r1.outcome).toBe('ok');
    expect(r1.data).toMatchObject({
      changed: true,
      counts: { added: first.entries.length, changed: 0, removed: 0 },
      sync: { downloaded: distinctImages(first), failed: 0 },
    });
    for (const e of first.entries) expect(await images.has(e.sha256)).toBe(true);

    const r2 = await runJob('catalog-watch', config, bed.deps);
    expect(r2.outcome).toBe('ok');
    expect(r2.summary).toMatch(/^catalog unchanged \(sha256 [0-9a-f]{12}\)$/);
    expect(r2.data).toMatchObject({ changed: false });
    expect(r2.data?.['sync']).toBeUndefined();

    // The vendor's next catalog: one entry re-published under its id with a new image (changed),
    // one replaced by a newer release under a new id (added + removed), the rest as they were.
    // Written inside the catalog's folder: a catalog names images inside its own folder only.
    const release = await writeSimulatedCatalog({
      fleet: bed.fleet!,
      dir: join(bed.dir, 'catalog', 'release'),
      components: ['bmc', 'bios'],
      bump: 2,
    });
    type Doc = { entries: Array<{ id: string; version: string; image: Record<string, unknown> }> };
    const doc = parse(await readFile(first.catalogFile, 'utf8')) as Doc;
    const next = (parse(await readFile(release.catalogFile, 'utf8')) as Doc).entries.map((e) => ({
      ...e,
      image: { ...e.image, file: `release/${e.image['file'] as string}` },
    }));
    const [respun, renamed] = [doc.entries[0]!, doc.entries[1]!];
    doc.entries[0] = { ...next[0]!, id: respun.id };
    doc.entries[1] = next[1]!;
    await writeFile(first.catalogFile, stringify(doc));
    const r3 = await runJob('catalog-watch', config, bed.deps);
    expect(r3.outcome).toBe('ok');
    expect(r3.data).toMatchObject({
      changed: true,
      counts: { added: 1, changed: 1, removed: 1 },
      added: [{ id: next[1]!.id, version: next[1]!.version }],
      changedEntries: [{ id: respun.id, was: respun.version, version: next[0]!.version }],
      removed: [renamed.id],
      sync: { downloaded: 2, failed: 0 },
    });
    for (const e of release.entries.slice(0, 2)) expect(await images.has(e.sha256)).toBe(true);

    const store = await bed.store();
    const journal = await entries(store, 'job-catalog-watch');
    expect(journal.map((e) => dataOf(e)['changed'])).toEqual([true, false, true]);
  });
});

/** A loopback HTTP catalog server: ETag = content digest (or a forced one), 304 on If-None-Match. */
async function catalogServer() {
  const state = {
    catalog: '',
    etag: undefined as string | undefined,
    images: new Map<string, string>(),
    missing: new Set<string>(),
    seen: [] as Array<{ url: string; status: number; headers: IncomingHttpHeaders }>,
  };
  const server: Server = createServer(async (req, res) => {
    const url = req.url ?? '';
    const answer = (status: number, body?: Buffer | string, headers: Record<string, string> = {}) => {
      state.seen.push({ url, status, headers: req.headers });
      res.writeHead(status, headers).end(body);
    };
    // The catalog moved: within the server, and to another host name of it.
    if (url === '/moved/catalog.yaml') return answer(302, undefined, { location: '/repo/catalog.yaml' });
    if (url === '/away/catalog.yaml')
      return answer(302, undefined, {
        location: `${base.replace('127.0.0.1', 'localhost')}/repo/catalog.yaml`,
      });
    if (url === '/repo/catalog.yaml') {
      const etag = state.etag ?? `"${createHash('sha256').update(state.catalog).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) return answer(304, undefined, { etag });
      return answer(200, state.catalog, { etag, 'content-type': 'application/yaml' });
    }
    const file = state.images.get(url);
    if (!file || state.missing.has(url)) return answer(404);
    return answer(200, await readFile(file));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** Serves a simulated catalog with its images as http URLs on this server. */
  const publish = async (sim: SimulatedCatalog, tag: string) => {
    const doc = parse(await readFile(sim.catalogFile, 'utf8')) as {
      entries: Array<{ id: string; image: Record<string, unknown> }>;
    };
    for (const entry of doc.entries) {
      const path = `/repo/${tag}/${entry.id}.fwsim`;
      state.images.set(path, sim.entries.find((e) => e.id === entry.id)!.imageFile);
      delete entry.image['file'];
      entry.image['url'] = `${base}${path}`;
    }
    state.catalog = stringify(doc);
  };
  return { state, base, publish, close: () => new Promise((r) => server.close(r)) };
}

describe('catalog-watch on an http catalog URL', () => {
  let bed: Bed;
  let server: Awaited<ReturnType<typeof catalogServer>>;
  beforeAll(async () => {
    bed = await daemonBed({ count: 2, vendors: ['hpe', 'supermicro'], seed: 6 });
    server = await catalogServer();
  });
  afterAll(async () => {
    await server?.close();
    await bed?.close();
  });

  it('polls with ETags, retries a failed image on the next poll, and sees changed content', async () => {
    const first = await writeSimulatedCatalog({
      fleet: bed.fleet!,
      dir: join(bed.dir, 'v1'),
      components: ['bmc', 'bios'],
    });
    await server.publish(first, 'v1');
    const config = await bed.config({
      catalog: { source: `${server.base}/repo/catalog.yaml`, allowHttp: true },
      jobs: { 'catalog-watch': { schedule: '*/5 * * * *' } },
    });
    const run = async () => {
      server.state.seen.length = 0;
      return runJob('catalog-watch', config, bed.deps);
    };
    const catalogRequest = () => server.state.seen.find((s) => s.url === '/repo/catalog.yaml')!;

    // 1: everything is new; one image is not on the server yet.
    const late = first.entries[0]!;
    server.state.missing.add(`/repo/v1/${late.id}.fwsim`);
    const r1 = await run();
    expect(r1.outcome).toBe('partial');
    expect(r1.summary).toMatch(/1 failed \(retried next poll\)/);
    expect(r1.data).toMatchObject({ changed: true, state: { pending: [late.id] }, sync: { failed: 1 } });

    // 2: the image appeared; the catalog is fetched in full (not 304) because an image is pending.
    server.state.missing.clear();
    const r2 = await run();
    expect(catalogRequest().headers['if-none-match']).toBeUndefined();
    expect(r2.outcome).toBe('ok');
    expect(r2.data).toMatchObject({
      changed: false,
      state: { pending: [] },
      sync: { downloaded: 1, failed: 0 },
    });

    // 3: nothing new: a conditional request answered 304.
    const r3 = await run();
    expect(catalogRequest()).toMatchObject({ status: 304, headers: { 'if-none-match': expect.any(String) } });
    expect(r3.summary).toBe('catalog unchanged (304 not modified)');

    // 4: a new ETag over the same bytes is not a new catalog.
    server.state.etag = '"rotated"';
    const r4 = await run();
    expect(catalogRequest().status).toBe(200);
    expect(r4.data).toMatchObject({ changed: false, state: { etag: '"rotated"' } });

    // 5: a new release under a new ETag: changed entries recorded and downloaded.
    const second = await writeSimulatedCatalog({
      fleet: bed.fleet!,
      dir: join(bed.dir, 'v2'),
      components: ['bmc', 'bios'],
      bump: 3,
    });
    await server.publish(second, 'v2');
    server.state.etag = undefined;
    const r5 = await run();
    expect(catalogRequest().headers['if-none-match']).toBe('"rotated"');
    expect(r5.outcome).toBe('ok');
    // HPE and Supermicro entry ids carry the version: a new release is a new id there.
    const before = new Set(first.entries.map((e) => e.id));
    const renamed = second.entries.filter((e) => !before.has(e.id)).length;
    expect(renamed).toBeGreaterThan(0);
    expect(r5.data).toMatchObject({
      changed: true,
      counts: { added: renamed, changed: second.entries.length - renamed, removed: renamed },
      sync: { downloaded: distinctImages(second), failed: 0 },
    });
    const images = await ImageStore.open(config.images);
    for (const e of [...first.entries, ...second.entries]) expect(await images.has(e.sha256)).toBe(true);
  });

  it.each([
    ['a path relative to the daemon state', '../../passwords.txt', 'file'],
    ['an absolute path', 'ABS', 'file'],
    ['a file:// URL', 'URL', 'url'],
  ])(
    'refuses a served catalog naming a local file (%s): nothing read, no digest journalled',
    async (_name, ref, field) => {
      const secret = `password-${field}-${ref.length}\n`;
      const secretFile = join(bed.dir, 'passwords.txt');
      await writeFile(secretFile, secret);
      const digest = createHash('sha256').update(secret).digest('hex');
      const where =
        ref === 'ABS'
          ? { file: secretFile }
          : ref === 'URL'
            ? { url: pathToFileURL(secretFile).href }
            : { file: ref };
      server.state.etag = undefined;
      server.state.catalog = stringify({
        version: 1,
        entries: [
          {
            id: 'exfil',
            vendor: 'generic',
            kind: 'bios',
            name: 'exfil',
            version: '1.0',
            match: { namePattern: 'x' },
            image: { ...where, sha256: digest },
            criticality: 'recommended',
            requires: { reboot: true },
          },
        ],
      });
      const config = await bed.config(
        {
          catalog: { source: `${server.base}/repo/catalog.yaml`, allowHttp: true },
          jobs: { 'catalog-watch': { schedule: '*/5 * * * *' } },
        },
        'exfil.yaml',
      );
      const result = await runJob('catalog-watch', config, bed.deps);
      expect(result.outcome).toBe('failed');
      expect(result.error?.code).toBe('FW_ERR_CATALOG_INVALID');
      expect(result.error?.message).toContain(`entries[0].image.${field}`);
      expect(result.error?.message).toContain('"exfil"');
      const images = await ImageStore.open(config.images);
      expect(await images.has(digest)).toBe(false);
      const store = await bed.store();
      expect(JSON.stringify(await store.journal())).not.toContain(digest);
    },
  );

  it('follows a source redirect on its own host only', async () => {
    const configOf = (path: string) =>
      bed.config(
        {
          catalog: { source: `${server.base}${path}`, allowHttp: true, download: false },
          jobs: { 'catalog-watch': { schedule: '*/5 * * * *' } },
        },
        'moved.yaml',
      );
    server.state.catalog = stringify({ version: 1, name: 'moved', entries: [] });
    server.state.seen.length = 0;
    const moved = await runJob('catalog-watch', await configOf('/moved/catalog.yaml'), bed.deps);
    expect(moved.outcome, JSON.stringify(moved.error)).toBe('ok');
    const away = await runJob('catalog-watch', await configOf('/away/catalog.yaml'), bed.deps);
    expect(away.outcome).toBe('failed');
    expect(away.error?.code).toBe('FW_ERR_CATALOG_SOURCE');
    expect(away.error?.message).toMatch(/redirect to host "localhost" refused/);
    expect(server.state.seen.map((s) => s.url)).toEqual([
      '/moved/catalog.yaml',
      '/repo/catalog.yaml',
      '/away/catalog.yaml',
    ]);
  });

  it('fails clearly when the source answers an error, without recording a new state', async () => {
    const config = await bed.config(
      {
        catalog: { source: `${server.base}/repo/absent.yaml`, allowHttp: true },
        jobs: { 'catalog-watch': { schedule: '*/5 * * * *' } },
      },
      'absent.yaml',
    );
    const result = await runJob('catalog-watch', config, bed.deps);
    expect(result.outcome).toBe('failed');
    expect(result.error).toEqual({
      code: 'FW_ERR_CATALOG_SOURCE',
      message: `[GET] "${server.base}/repo/absent.yaml": 404`,
    });
    expect(result.data?.['state']).toBeUndefined();
  });
});

describe('catalog-watch and the image host allow-list', () => {
  let bed: Bed;
  let server: Awaited<ReturnType<typeof catalogServer>>;
  beforeAll(async () => {
    bed = await daemonBed({ count: 1, vendors: ['dell'], seed: 8 });
    server = await catalogServer();
  });
  afterAll(async () => {
    await server?.close();
    await bed?.close();
  });

  it('downloads nothing from a host outside the list, until catalog.allowHosts names it', async () => {
    const sim = await writeSimulatedCatalog({
      fleet: bed.fleet!,
      dir: join(bed.dir, 'v1'),
      components: ['bmc'],
    });
    await server.publish(sim, 'v1');
    // The same loopback server, named differently: not the catalog's own host.
    server.state.catalog = server.state.catalog.replaceAll(
      server.base,
      server.base.replace('127.0.0.1', 'localhost'),
    );
    const configOf = (allowHosts?: string[]) =>
      bed.config({
        catalog: {
          source: `${server.base}/repo/catalog.yaml`,
          allowHttp: true,
          ...(allowHosts ? { allowHosts } : {}),
        },
        jobs: { 'catalog-watch': { schedule: '*/5 * * * *' } },
      });
    server.state.seen.length = 0;
    const refused = await runJob('catalog-watch', await configOf(), bed.deps);
    expect(refused.outcome, JSON.stringify(refused)).toBe('partial');
    const failures =
      (refused.data?.['sync'] as { failures?: Array<{ code: string }> } | undefined)?.failures ?? [];
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures.map((f) => f.code))).toEqual(new Set(['FW_ERR_IMAGE_HOST']));
    expect(server.state.seen.map((s) => s.url)).toEqual(['/repo/catalog.yaml']);

    const allowed = await runJob('catalog-watch', await configOf(['localhost']), bed.deps);
    expect(allowed.outcome).toBe('ok');
    expect(allowed.data).toMatchObject({ state: { pending: [] }, sync: { failed: 0 } });
  });
});

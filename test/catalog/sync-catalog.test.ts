import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Catalog,
  ImageErrorCode,
  ImageStore,
  loadCatalog,
  parseCatalogBytes,
  type SyncOptions,
  type SyncProgress,
  syncCatalog,
} from '../../src/catalog/index.ts';
import type { Clock } from '../../src/deps.ts';
import { imageBytes, type LoopbackServer, md5, sha256, startServer } from './helpers/loopback-file-server.ts';

const fakeClock: Clock = { now: () => 0, sleep: async () => undefined };

describe('syncCatalog', () => {
  let http: LoopbackServer;
  let dispatcher: Agent;
  let work: string;
  let store: ImageStore;
  let defaultDrop: LoopbackServer['beforeDrop'];

  beforeAll(async () => {
    http = await startServer();
    defaultDrop = http.beforeDrop;
    dispatcher = new Agent({ connect: { timeout: 2_000 } });
  });
  afterAll(async () => {
    await dispatcher.close();
    http.server.close();
  });
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'fw-sync-'));
    store = await ImageStore.open(join(work, 'store'));
    http.seen.length = 0;
    http.beforeDrop = defaultDrop;
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /**
   * The next /drop or /norange connection is cut only once the client has `bytes` of it in its
   * .partial file (key: the sha256, or md5-<md5>): a client slow to write loses nothing.
   */
  function dropOnceOnDisk(key: string, bytes: number): void {
    const file = store.partialPaths(key).data;
    http.beforeDrop = async () => {
      const deadline = Date.now() + 10_000;
      while (((await stat(file).catch(() => undefined))?.size ?? 0) < bytes && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
    };
  }

  /** A native catalog (written to `work`) with one entry per image. */
  async function catalogOf(images: { id: string; image: Record<string, unknown> }[]): Promise<Catalog> {
    const doc = {
      version: 1,
      entries: images.map(({ id, image }) => ({
        id,
        vendor: 'generic',
        kind: 'bios',
        name: id,
        version: '1.0',
        match: { namePattern: id },
        image,
        criticality: 'recommended',
        requires: { reboot: true },
      })),
    };
    return parseCatalogBytes(Buffer.from(JSON.stringify(doc)), { file: 'catalog.json', baseDir: work });
  }

  function sync(catalog: Catalog, extra: Partial<SyncOptions> = {}) {
    return syncCatalog({ catalog, store, concurrency: 2, deps: { dispatcher, clock: fakeClock }, ...extra });
  }

  /** Files left anywhere in the store other than stored images and their md5 index. */
  async function leftovers(): Promise<string[]> {
    const out: string[] = [];
    for (const sub of ['partial', 'tmp']) out.push(...(await readdir(join(store.root, sub))));
    return out;
  }

  it('fetches http, file:// and relative-file images, verified, then finds them present', async () => {
    const a = imageBytes('a.bin');
    const b = imageBytes('b.bin');
    const c = imageBytes('c.bin');
    await mkdir(join(work, 'images'));
    await writeFile(join(work, 'images', 'b.bin'), b);
    await writeFile(join(work, 'c.bin'), c);
    const catalog = await catalogOf([
      { id: 'http', image: { url: `${http.base}/ok/a.bin`, sha256: sha256(a), size: a.length } },
      { id: 'relative', image: { file: 'images/b.bin', md5: md5(b) } },
      { id: 'file-url', image: { url: pathToFileURL(join(work, 'c.bin')).href, sha256: sha256(c) } },
    ]);
    const events: SyncProgress[] = [];
    const report = await sync(catalog, { onProgress: (e) => events.push(e) });
    expect(report).toMatchObject({
      ok: true,
      downloaded: 3,
      present: 0,
      failed: 0,
      // Copies from files count as much as downloads: the sync brought all three into the store.
      bytesTransferred: a.length + b.length + c.length,
    });
    expect(report.results.map((r) => [r.entryId, r.status, r.sha256])).toEqual([
      ['http', 'downloaded', sha256(a)],
      ['relative', 'downloaded', sha256(b)],
      ['file-url', 'downloaded', sha256(c)],
    ]);
    expect((await store.list()).sort()).toEqual([sha256(a), sha256(b), sha256(c)].sort());
    // Byte progress for every image, copied or downloaded, ending at its full size.
    const last = new Map(events.flatMap((e) => (e.phase === 'bytes' ? [[e.entryIds[0], e.bytes]] : [])));
    expect(Object.fromEntries(last)).toEqual({ http: a.length, relative: b.length, 'file-url': c.length });
    expect(await leftovers()).toEqual([]);

    http.seen.length = 0;
    const again = await sync(catalog);
    expect(again).toMatchObject({ ok: true, downloaded: 0, present: 3 });
    expect(http.seen).toEqual([]);
  });

  it('resumes an interrupted download with Range and If-Range', async () => {
    const img = imageBytes('big.bin');
    dropOnceOnDisk(sha256(img), img.length / 2);
    const catalog = await catalogOf([
      { id: 'big', image: { url: `${http.base}/drop/big.bin`, sha256: sha256(img) } },
    ]);
    const events: SyncProgress[] = [];
    const report = await sync(catalog, { onProgress: (e) => events.push(e) });
    const [result] = report.results;
    expect(result).toMatchObject({
      status: 'downloaded',
      sha256: sha256(img),
      attempts: 2,
      resumedFrom: img.length / 2,
    });
    expect(http.seen.map((s) => [s.range, s.status])).toEqual([
      [undefined, 200],
      [`bytes=${img.length / 2}-`, 206],
    ]);
    expect(http.seen[1]?.ifRange).toMatch(/^"/);
    expect(events.filter((e) => e.phase === 'retry')).toHaveLength(1);
    expect(await readFile(store.imagePath(sha256(img)))).toEqual(img);
    expect(await leftovers()).toEqual([]);
  });

  it('keeps a .partial across syncs and resumes it next time', async () => {
    const img = imageBytes('later.bin');
    dropOnceOnDisk(sha256(img), img.length / 2);
    const catalog = await catalogOf([
      { id: 'later', image: { url: `${http.base}/drop/later.bin`, sha256: sha256(img) } },
    ]);
    const first = await sync(catalog, { attempts: 1 });
    expect(first.results[0]).toMatchObject({ status: 'failed', error: { code: ImageErrorCode.fetch } });
    expect((await leftovers()).sort()).toEqual([`${sha256(img)}.partial`, `${sha256(img)}.partial.json`]);
    expect(await store.list()).toEqual([]);
    const second = await sync(catalog, { attempts: 1 });
    expect(second.results[0]).toMatchObject({ status: 'downloaded', resumedFrom: img.length / 2 });
    expect(await leftovers()).toEqual([]);
  });

  it('restarts from zero when the server ignores Range', async () => {
    const img = imageBytes('norange.bin');
    dropOnceOnDisk(`md5-${md5(img)}`, img.length / 2);
    const catalog = await catalogOf([
      { id: 'nr', image: { url: `${http.base}/norange/norange.bin`, md5: md5(img) } },
    ]);
    const report = await sync(catalog);
    expect(report.results[0]).toMatchObject({ status: 'downloaded', sha256: sha256(img), attempts: 2 });
    expect(report.results[0]?.resumedFrom).toBeUndefined();
    expect(http.seen.map((s) => [s.range, s.status])).toEqual([
      [undefined, 200],
      [`bytes=${img.length / 2}-`, 200],
    ]);
    expect(await readFile(store.imagePath(sha256(img)))).toEqual(img);
  });

  it('leaves nothing in the store when the digest does not match', async () => {
    const img = imageBytes('x.bin');
    const catalog = await catalogOf([
      { id: 'bad', image: { url: `${http.base}/wrong/x.bin`, sha256: sha256(img) } },
    ]);
    const report = await sync(catalog);
    expect(report.ok).toBe(false);
    expect(report.results[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: ImageErrorCode.digest },
    });
    expect(await store.list()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it.each([
    ['larger than announced', 1],
    ['smaller than announced', -1],
  ])('refuses an image %s, before downloading it', async (_name, delta) => {
    const img = imageBytes('s.bin');
    const catalog = await catalogOf([
      { id: 'sized', image: { url: `${http.base}/ok/s.bin`, md5: md5(img), size: img.length + delta } },
    ]);
    const report = await sync(catalog);
    expect(report.results[0]).toMatchObject({ status: 'failed', error: { code: ImageErrorCode.size } });
    expect(report.bytesTransferred).toBe(0);
    expect(await store.list()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it.each([
    ['404: no retry', 404, 1],
    ['503: retried', 503, 3],
  ])('reports HTTP %s', async (_name, status, attempts) => {
    const catalog = await catalogOf([
      { id: 'st', image: { url: `${http.base}/status/${status}`, md5: 'a'.repeat(32) } },
    ]);
    const report = await sync(catalog, { attempts: 3 });
    expect(report.results[0]).toMatchObject({
      status: 'failed',
      attempts,
      error: { code: ImageErrorCode.fetch },
    });
    expect(http.seen).toHaveLength(attempts);
  });

  it('reports a missing local file', async () => {
    const catalog = await catalogOf([
      { id: 'gone', image: { url: pathToFileURL(join(work, 'gone.bin')).href, md5: 'a'.repeat(32) } },
    ]);
    const report = await sync(catalog);
    expect(report.results[0]).toMatchObject({ status: 'failed', error: { code: ImageErrorCode.notFound } });
  });

  it('fetches an image shared by several entries once', async () => {
    const img = imageBytes('shared.bin');
    const catalog = await catalogOf([
      { id: 'one', image: { url: `${http.base}/ok/shared.bin`, sha256: sha256(img) } },
      { id: 'two', image: { url: `${http.base}/ok/shared.bin`, sha256: sha256(img) } },
    ]);
    const report = await sync(catalog);
    expect(report.results.map((r) => [r.entryId, r.status])).toEqual([
      ['one', 'downloaded'],
      ['two', 'downloaded'],
    ]);
    expect(http.seen).toHaveLength(1);
  });

  it('replaces a stored image that was corrupted on disk', async () => {
    const img = imageBytes('rot.bin');
    const catalog = await catalogOf([
      { id: 'rot', image: { url: `${http.base}/ok/rot.bin`, sha256: sha256(img) } },
    ]);
    await sync(catalog);
    await writeFile(store.imagePath(sha256(img)), 'bit rot');
    const report = await sync(catalog);
    expect(report.results[0]?.status).toBe('downloaded');
    expect(await readFile(store.imagePath(sha256(img)))).toEqual(img);
  });

  it('syncs the R640 Dell catalog from a mirror, verified by its md5 and sha256', async () => {
    const dell = await loadCatalog(
      new URL('../fixtures/catalog/dell/dell-r640-small-Catalog.xml', import.meta.url).pathname,
      {
        baseUrl: `${http.base}/ok/`,
      },
    );
    const report = await sync(dell);
    expect(report).toMatchObject({ ok: true, downloaded: 4 });
    expect(http.seen[0]?.url).toMatch(/^\/ok\/FOLDER\d+M\/1\//);
    // The fixture's digests are of imageBytes(<file name>).
    for (const entry of dell.entries) {
      const name = basename(entry.image.url!);
      expect(await store.findByMd5(entry.image.md5!)).toBe(sha256(imageBytes(name)));
    }
  });
});

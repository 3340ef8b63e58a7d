/**
 * Local image files a catalog may name: inside its own folder only (real paths, so a symlink out
 * is refused before anything is read), and none at all for a catalog fetched over HTTP(S).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Catalog,
  CatalogErrorCode,
  type CatalogValidationError,
  ImageErrorCode,
  ImageStore,
  loadCatalog,
  parseCatalogBytes,
  parseRemoteCatalog,
  stringifyCatalog,
  syncCatalog,
} from '../../src/catalog/index.ts';

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const SECRET = 'fleet-password: hunter2\n';

function entry(image: Record<string, unknown>, id = 'bios-1') {
  return {
    id,
    vendor: 'generic',
    kind: 'bios',
    name: id,
    version: '1.0',
    match: { namePattern: id },
    image: { sha256: sha256(SECRET), ...image },
    criticality: 'recommended',
    requires: { reboot: true },
  };
}

const doc = (...entries: unknown[]) => Buffer.from(JSON.stringify({ version: 1, entries }));

let work: string;
let catalogDir: string;
let store: ImageStore;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'fw-local-images-'));
  catalogDir = join(work, 'catalogs');
  await mkdir(join(catalogDir, 'images'), { recursive: true });
  // Outside the catalog's folder: what a hostile catalog would like to read.
  await writeFile(join(work, 'secret.txt'), SECRET);
  store = await ImageStore.open(join(work, 'store'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function invalid(promise: Promise<unknown>): Promise<CatalogValidationError> {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as CatalogValidationError;
  expect(err?.code).toBe(CatalogErrorCode.invalid);
  return err;
}

describe('a local catalog names images inside its own folder only', () => {
  it.each([
    ['a parent path', { file: '../secret.txt' }, 'image.file'],
    ['a parent path after a folder', { file: 'images/../../secret.txt' }, 'image.file'],
    ['an absolute path', { file: '/etc/passwd' }, 'image.file'],
    ['a Windows drive path', { file: 'C:\\secret.txt' }, 'image.file'],
    ['a file:// URL outside', { url: 'file:///etc/passwd' }, 'image.url'],
    ['a file:// URL on another host', { url: 'file://server/share/a.bin' }, 'image.url'],
  ])('refuses %s, naming the catalog file, the entry and the field', async (_name, image, field) => {
    const file = join(catalogDir, 'catalog.json');
    const err = await invalid(parseCatalogBytes(doc(entry(image)), { file, baseDir: catalogDir }));
    expect(err.issues).toEqual([
      expect.objectContaining({ path: `entries[0].${field}`, message: expect.stringContaining('"bios-1"') }),
    ]);
    expect(err.message).toContain(`${file}: entries[0].${field}`);
  });

  it('gives the YAML line of the refused field', async () => {
    const yaml = `version: 1\nentries:\n  - ${JSON.stringify(entry({ file: '../secret.txt' }))}\n`;
    await writeFile(join(catalogDir, 'catalog.yaml'), yaml);
    const err = await invalid(loadCatalog(join(catalogDir, 'catalog.yaml')));
    expect(err.issues[0]).toMatchObject({ path: 'entries[0].image.file', line: 3 });
  });

  it('accepts relative paths and file:// URLs inside the folder', async () => {
    const inside = pathToFileURL(join(catalogDir, 'images', 'a.bin')).href;
    const catalog = await parseCatalogBytes(
      doc(entry({ file: 'images/a.bin' }), entry({ url: inside }, 'b'), entry({ file: './c.bin' }, 'c')),
      {
        file: 'catalog.json',
        baseDir: catalogDir,
      },
    );
    expect(catalog.entries.map((e) => e.image.file ?? e.image.url)).toEqual([
      'images/a.bin',
      inside,
      './c.bin',
    ]);
  });

  it('sync refuses a symlink inside the folder that leads out, reading nothing', async () => {
    await symlink(join(work, 'secret.txt'), join(catalogDir, 'images', 'link.bin'));
    await symlink(work, join(catalogDir, 'up'));
    const catalog = await parseCatalogBytes(
      doc(entry({ file: 'images/link.bin' }), entry({ file: 'up/secret.txt' }, 'dir-link')),
      { file: 'catalog.json', baseDir: catalogDir },
    );
    const report = await syncCatalog({ catalog, store });
    expect(report.results.map((r) => [r.entryId, r.status, r.error?.code])).toEqual([
      ['bios-1', 'failed', ImageErrorCode.path],
      ['dir-link', 'failed', ImageErrorCode.path],
    ]);
    expect(report.results[0]?.error?.message).toContain('outside the catalog');
    expect(await store.has(sha256(SECRET))).toBe(false);
  });

  it('sync still copies a symlink that stays inside the folder', async () => {
    await writeFile(join(catalogDir, 'images', 'real.bin'), SECRET);
    await symlink(join(catalogDir, 'images', 'real.bin'), join(catalogDir, 'images', 'alias.bin'));
    const catalog = await parseCatalogBytes(doc(entry({ file: 'images/alias.bin' })), {
      file: 'catalog.json',
      baseDir: catalogDir,
    });
    const report = await syncCatalog({ catalog, store });
    expect(report.results[0]).toMatchObject({ status: 'downloaded', sha256: sha256(SECRET) });
  });

  it('sync refuses a catalog built in code that names a file outside its folder', async () => {
    const catalog = await parseCatalogBytes(doc(entry({ file: 'images/a.bin' })), {
      file: 'catalog.json',
      baseDir: catalogDir,
    });
    const forged: Catalog = {
      ...catalog,
      entries: catalog.entries.map((e) => ({ ...e, image: { ...e.image, file: '../secret.txt' } })),
    };
    const report = await syncCatalog({ catalog: forged, store });
    expect(report.results[0]).toMatchObject({ status: 'failed', error: { code: ImageErrorCode.path } });
    expect(await store.has(sha256(SECRET))).toBe(false);
  });

  it('the writer refuses to write a catalog away from its images', async () => {
    await writeFile(join(catalogDir, 'catalog.json'), doc(entry({ file: 'images/a.bin' })));
    const catalog = await loadCatalog(join(catalogDir, 'catalog.json'));
    expect(() => stringifyCatalog(catalog, 'yaml', { directory: join(work, 'elsewhere') })).toThrow(
      expect.objectContaining({ code: CatalogErrorCode.invalid }),
    );
    // Into a subfolder of its own folder, and back, is fine.
    expect(stringifyCatalog(catalog, 'yaml', { directory: catalogDir })).toContain('file: images/a.bin');
  });
});

describe('a catalog fetched over HTTP(S) names no local file', () => {
  const url = 'https://catalogs.example.com/fw/catalog.json';

  it.each([
    ['a relative image.file', { file: 'images/a.bin' }, 'image.file'],
    ['a parent image.file', { file: '../../fleet/passwords' }, 'image.file'],
    ['a file:// URL', { url: 'file:///etc/passwd' }, 'image.url'],
  ])('refuses %s, naming the URL, the entry and the field', async (_name, image, field) => {
    const err = await invalid(parseRemoteCatalog(doc(entry(image)), { url, baseDir: catalogDir }));
    expect(err.message).toContain(`${url}: entries[0].${field}`);
    expect(err.issues[0]?.message).toContain('"bios-1"');
    expect(await readdir(join(work, 'store', 'sha256')).catch(() => [])).toEqual([]);
  });

  it('sync refuses a remote catalog object that names a local file', async () => {
    const local = await parseCatalogBytes(doc(entry({ file: 'images/a.bin' })), {
      file: 'catalog.json',
      baseDir: catalogDir,
    });
    const report = await syncCatalog({ catalog: { ...local, source: { ...local.source, url } }, store });
    expect(report.results[0]).toMatchObject({ status: 'failed', error: { code: ImageErrorCode.path } });
  });
});

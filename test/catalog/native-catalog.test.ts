import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CatalogErrorCode,
  type CatalogValidationError,
  loadCatalog,
  parseCatalogBytes,
  stringifyCatalog,
} from '../../src/catalog/index.ts';

const fixtures = new URL('../fixtures/catalog/native/', import.meta.url).pathname;

/** A valid entry; cases below break one field at a time. */
function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'bios-1',
    vendor: 'dell',
    kind: 'bios',
    name: 'BIOS',
    version: '1.0.0',
    match: { softwareIds: ['159'] },
    image: { file: 'bios.bin', sha256: 'a'.repeat(64) },
    criticality: 'recommended',
    requires: { reboot: true },
    ...overrides,
  };
}

async function parseJson(doc: unknown, file = 'catalog.json') {
  return parseCatalogBytes(Buffer.from(JSON.stringify(doc)), { file, baseDir: '/srv/catalogs' });
}

async function parseYaml(text: string, file = 'catalog.yaml') {
  return parseCatalogBytes(Buffer.from(text), { file, baseDir: '/srv/catalogs' });
}

describe('native catalog', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fw-native-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the YAML fixture and normalizes digests, PCI ids and GUIDs', async () => {
    const catalog = await loadCatalog(join(fixtures, 'catalog.yaml'));
    expect(catalog.source).toMatchObject({
      format: 'native',
      name: 'lab-baseline-2024.03',
      baseDir: fixtures.replace(/\/$/, ''),
    });
    expect(catalog.entries.map((e) => e.id)).toEqual([
      'r640-bios-2.19.1',
      'bcm5720-22.31.6',
      'ilo5-2.96',
      'openbmc-2.14',
    ]);
    const [bios, nic, ilo] = catalog.entries;
    expect(bios?.image.sha256).toBe('03ee619c7dd01a45aed0be143fc11f90adf51377721565641d36f51cd1187207');
    expect(bios?.source).toEqual({
      format: 'native',
      file: join(fixtures, 'catalog.yaml'),
      element: 'entries[0]',
    });
    expect(nic?.match.pci).toEqual([
      { vendorId: '14e4', deviceId: '165f', subsystemVendorId: '1028', subsystemId: '08ff' },
    ]);
    expect(ilo?.match.hpeTargets).toEqual(['4764a662-b342-4fc7-9ce9-258c5d99e815']);
    expect(catalog.stats).toMatchObject({
      seen: 4,
      imported: 4,
      skipped: 0,
      byKind: { bios: 1, nic: 1, bmc: 2 },
    });
  });

  it.each([
    ['json', 'catalog.json'],
    ['yaml', 'catalog.yaml'],
  ] as const)('round-trips through native %s', async (format, name) => {
    // A copy in a folder of its own, written again beside itself.
    await mkdir(join(dir, 'src'), { recursive: true });
    await copyFile(join(fixtures, 'catalog.yaml'), join(dir, 'src', 'catalog.yaml'));
    const original = await loadCatalog(join(dir, 'src', 'catalog.yaml'));
    const path = join(dir, 'src', name);
    await writeFile(path, stringifyCatalog(original, format, { directory: join(dir, 'src') }));
    const reloaded = await loadCatalog(path);
    expect(reloaded.source.format).toBe('native');
    // Relative image files were rebased to the new directory and still name the same files.
    const files = (c: typeof original) =>
      c.entries.map((e) => e.image.file && join(c.source.baseDir, e.image.file));
    expect(files(reloaded)).toEqual(files(original));
    const strip = (c: typeof original) =>
      c.entries.map(({ image: { file: _f, ...image }, ...e }) => ({ ...e, image }));
    expect(strip(reloaded)).toEqual(strip(original));
  });

  it('round-trips an imported Dell catalog with its provenance', async () => {
    const dell = await loadCatalog(
      new URL('../fixtures/catalog/dell/dell-r640-small-Catalog.xml', import.meta.url).pathname,
    );
    const path = join(dir, 'frozen-dell.json');
    await writeFile(path, stringifyCatalog(dell, 'json', { directory: dir }));
    const frozen = await loadCatalog(path);
    expect(frozen.entries).toEqual(dell.entries);
    expect(frozen.entries[0]?.source.format).toBe('dell');
  });

  it.each([
    [
      'short sha256',
      { image: { file: 'a.bin', sha256: 'abc' } },
      'entries[0].image.sha256',
      'expected 64 hex digits',
    ],
    ['bad md5', { image: { file: 'a.bin', md5: 'xyz' } }, 'entries[0].image.md5', 'expected 32 hex digits'],
    ['no digest', { image: { file: 'a.bin' } }, 'entries[0].image.sha256', 'at least one of sha256 or md5'],
    [
      'file and url',
      { image: { file: 'a.bin', url: 'https://x/a.bin', md5: 'a'.repeat(32) } },
      'entries[0].image',
      'exactly one of file or url',
    ],
    [
      'ftp url',
      { image: { url: 'ftp://x/a.bin', md5: 'a'.repeat(32) } },
      'entries[0].image.url',
      'http(s)://',
    ],
    ['no matcher', { match: {} }, 'entries[0].match', 'at least one matcher'],
    [
      'bad regex',
      { match: { namePattern: '([a-' } },
      'entries[0].match.namePattern',
      'not a valid regular expression',
    ],
    [
      'bad PCI id',
      { match: { pci: [{ vendorId: '14e', deviceId: '165f' }] } },
      'entries[0].match.pci[0].vendorId',
      'PCI id',
    ],
    ['bad GUID', { match: { hpeTargets: ['not-a-guid'] } }, 'entries[0].match.hpeTargets[0]', 'GUID'],
    ['unknown kind', { kind: 'gpu' }, 'entries[0].kind', ''],
    ['unknown criticality', { criticality: 'critical' }, 'entries[0].criticality', ''],
    ['missing reboot', { requires: {} }, 'entries[0].requires.reboot', ''],
    [
      'bad apply time',
      { requires: { reboot: true, applyTime: 'Later' } },
      'entries[0].requires.applyTime',
      '',
    ],
    ['bad release date', { releaseDate: '18/01/2024' }, 'entries[0].releaseDate', 'ISO 8601'],
    ['empty model', { supportedModels: [{}] }, 'entries[0].supportedModels[0]', 'systemId or name'],
    ['unknown field', { colour: 'blue' }, 'entries[0]', 'colour'],
    ['bad id', { id: '../etc' }, 'entries[0].id', 'ids:'],
    [
      'unknown after',
      { prerequisites: { after: ['nope'] } },
      'entries[0].prerequisites.after[0]',
      'unknown entry id "nope"',
    ],
  ])('rejects %s, naming the path', async (_name, overrides, path, text) => {
    const err = (await parseJson({ version: 1, entries: [entry(overrides)] }).catch(
      (e) => e,
    )) as CatalogValidationError;
    expect(err.code).toBe(CatalogErrorCode.invalid);
    expect(err.issues.map((i) => i.path)).toContain(path);
    expect(err.message).toContain(`catalog.json: ${path}`);
    expect(err.issues.find((i) => i.path === path)?.message).toContain(text);
  });

  it.each([
    ['version 2', { version: 2, entries: [] }, 'version'],
    ['entries missing', { version: 1 }, 'entries'],
  ])('rejects a document with %s', async (_name, doc, path) => {
    const err = (await parseJson(doc).catch((e) => e)) as CatalogValidationError;
    expect(err.code).toBe(CatalogErrorCode.invalid);
    expect(err.issues[0]?.path).toBe(path);
  });

  it('reports duplicate ids at the second occurrence', async () => {
    const err = (await loadCatalog(join(fixtures, 'bad-duplicate-id.json')).catch(
      (e) => e,
    )) as CatalogValidationError;
    expect(err.code).toBe(CatalogErrorCode.invalid);
    expect(err.issues).toEqual([{ path: 'entries[1].id', message: 'duplicate id (first at entries[0])' }]);
  });

  it('gives the YAML line of a bad value', async () => {
    const err = (await loadCatalog(join(fixtures, 'bad-sha256.yaml')).catch(
      (e) => e,
    )) as CatalogValidationError;
    expect(err.code).toBe(CatalogErrorCode.invalid);
    expect(err.issues[0]).toEqual({
      path: 'entries[0].image.sha256',
      message: 'expected 64 hex digits',
      line: 11,
    });
    expect(err.message).toBe(
      `${join(fixtures, 'bad-sha256.yaml')}: entries[0].image.sha256: expected 64 hex digits (line 11)`,
    );
  });

  it.each([
    ['malformed.json', 1],
    ['malformed.yaml', 4],
  ])('reports malformed %s with its line', async (name, line) => {
    const err = await loadCatalog(join(fixtures, name)).catch((e) => e);
    expect(err.code).toBe(CatalogErrorCode.parse);
    expect(err.line).toBe(line);
  });

  it('caps YAML alias expansion', async () => {
    const bomb = ['version: 1', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    const err = await parseYaml(bomb.join('\n')).catch((e) => e);
    expect(err.code).toBe(CatalogErrorCode.parse);
  });

  it.each([
    ['an array', '[1, 2]'],
    ['an unrelated object', '{"hello": "world"}'],
  ])('refuses JSON that is %s', async (_name, text) => {
    const err = await parseCatalogBytes(Buffer.from(text), { file: 'x.json', baseDir: '/' }).catch((e) => e);
    expect(err.code).toBe(CatalogErrorCode.format);
  });

  it('refuses an empty file and a missing one', async () => {
    const empty = await parseCatalogBytes(Buffer.from(' \n'), { file: 'e.yaml', baseDir: '/' }).catch(
      (e) => e,
    );
    expect(empty.code).toBe(CatalogErrorCode.format);
    const missing = await loadCatalog(join(dir, 'nope.yaml')).catch((e) => e);
    expect(missing.code).toBe(CatalogErrorCode.read);
    expect(missing.message).toContain('nope.yaml');
  });

  it('refuses files over maxBytes before parsing them', async () => {
    const err = await loadCatalog(join(fixtures, 'catalog.yaml'), { maxBytes: 100 }).catch((e) => e);
    expect(err.code).toBe(CatalogErrorCode.tooLarge);
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDellCatalog } from '../../src/catalog/dell-catalog.ts';
import { CatalogErrorCode, loadCatalog, parseCatalogBytes } from '../../src/catalog/index.ts';
import { createCatalogDecoder, decodeCatalogText } from '../../src/catalog/text-decoding.ts';
import { streamXml } from '../../src/catalog/xml-parse.ts';

const dir = new URL('../fixtures/catalog/dell/', import.meta.url).pathname;
const CATALOG_11G = `${dir}dell-poweredge-11g-Catalog.xml`;
const ctx = { file: 'Catalog.xml', baseDir: dir, encoding: 'utf-8' };

/** `bytes` cut into pieces of `size` bytes: every multi-byte character boundary gets split. */
function pieces<T extends { length: number; slice(a: number, b: number): T }>(whole: T, size: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < whole.length; i += size) out.push(whole.slice(i, i + size));
  return out;
}

/** Yields `chunks` and records how many were pulled, so a test can see what was read when. */
function counted(chunks: string[]): { source: Iterable<string>; pulled: () => number } {
  let pulled = 0;
  return {
    source: (function* () {
      for (const chunk of chunks) {
        pulled++;
        yield chunk;
      }
    })(),
    pulled: () => pulled,
  };
}

describe('catalog text decoding in chunks', () => {
  it.each([
    ['UTF-8 with BOM', 'dell-r640-small-Catalog.xml', 'utf-8'],
    ['UTF-16 LE with BOM', 'dell-r640-small-Catalog.utf16le.xml', 'utf-16le'],
    ['UTF-16 BE with BOM', 'dell-r640-small-Catalog.utf16be.xml', 'utf-16be'],
  ])('%s: any chunk size decodes to the same text', async (_name, file, encoding) => {
    const bytes = new Uint8Array(await readFile(`${dir}${file}`));
    const whole = decodeCatalogText(bytes, file);
    expect(whole.encoding).toBe(encoding);
    expect(whole.text).toContain('中文');
    for (const size of [1, 3, 7, 1024]) {
      const decoder = createCatalogDecoder(bytes, file);
      const text =
        pieces(bytes, size)
          .map((b) => decoder.write(b))
          .join('') + decoder.end();
      expect(text).toBe(whole.text);
    }
  });

  it('refuses an invalid byte sequence in a later chunk', () => {
    const bytes = Buffer.concat([Buffer.from('<Manifest>'.padEnd(5000, ' ')), Buffer.from([0xc3, 0x28])]);
    const decoder = createCatalogDecoder(bytes, 'Catalog.xml');
    const decode = () => {
      for (const b of pieces(new Uint8Array(bytes), 1000)) decoder.write(b);
      decoder.end();
    };
    expect(decode).toThrow(expect.objectContaining({ code: CatalogErrorCode.encoding }));
  });

  it('refuses UTF-16 BE that ends in the middle of a code unit', () => {
    const bytes = new Uint8Array([0xfe, 0xff, 0x00, 0x3c, 0x00]);
    const decoder = createCatalogDecoder(bytes, 'Catalog.xml');
    expect(decoder.write(bytes)).toBe('<');
    expect(() => decoder.end()).toThrow(/odd number of bytes for UTF-16BE/);
  });
});

describe('Dell Catalog.xml read as a stream', () => {
  let text11g: string;
  beforeAll(async () => {
    text11g = (await readFile(CATALOG_11G, 'utf8')).replace(/^\uFEFF/, '');
  });

  it('imports the same catalog from small text chunks as from the whole text', async () => {
    const whole = await parseDellCatalog(text11g, ctx);
    const chunked = await parseDellCatalog(pieces(text11g, 997), ctx);
    expect(chunked).toEqual(whole);
    expect(chunked.entries).toHaveLength(379);
  });

  it('shares one model object among every component and bundle that lists it', async () => {
    const catalog = await parseDellCatalog(text11g, ctx);
    const r710 = catalog.entries
      .flatMap((e) => e.supportedModels ?? [])
      .concat((catalog.bundles ?? []).flatMap((b) => b.models))
      .filter((m) => m.systemId === '0235');
    expect(r710.length).toBeGreaterThan(50);
    expect(new Set(r710).size).toBe(1);
  });

  it('imports each component before the rest of the file is read', async () => {
    const chunks = pieces(text11g, 4096);
    const { source, pulled } = counted(chunks);
    const pulledAtFirst: number[] = [];
    await streamXml(source, 'Catalog.xml', new Set(['SoftwareComponent']), {
      root: () => {},
      child: () => {
        pulledAtFirst.push(pulled());
      },
    });
    expect(pulledAtFirst).toHaveLength(392);
    // The 11G file lists its bundles first; its first component starts at about 28% of the file.
    expect(pulledAtFirst[0]).toBeLessThan(chunks.length / 2);
    expect(pulledAtFirst[0]).toBeLessThan(pulledAtFirst.at(-1)!);
  });

  it('builds subtrees as xml2js did: prefixes stripped, attributes under $, trimmed text under _', async () => {
    const xml = `<dm:Manifest xmlns:dm="openmanage/cm/dm"><dm:SoftwareComponent path="a.BIN">
      <dm:Name><dm:Display lang="en"> R640 BIOS </dm:Display></dm:Name><dm:Other>x</dm:Other>
      <dm:Name/></dm:SoftwareComponent><dm:Ignored a="1"/></dm:Manifest>`;
    const got: unknown[] = [];
    await streamXml(pieces(xml, 5), 'Catalog.xml', new Set(['SoftwareComponent']), {
      root: (name, attributes) => got.push(name, attributes),
      child: (name, node) => got.push(name, node),
    });
    expect(got).toEqual([
      'Manifest',
      { 'xmlns:dm': 'openmanage/cm/dm' },
      'SoftwareComponent',
      {
        $: { path: 'a.BIN' },
        Name: [{ Display: [{ $: { lang: 'en' }, _: 'R640 BIOS' }] }, {}],
        Other: [{ _: 'x' }],
      },
    ]);
  });

  it.each([
    ['a DOCTYPE with entities', '<!DOCTYPE m [<!ENTITY a "aaaa">]>', CatalogErrorCode.unsafe],
    ['a root that is not <Manifest>', '', CatalogErrorCode.invalid],
  ])('refuses %s before reading on', async (_name, prolog, code) => {
    const root = code === CatalogErrorCode.invalid ? 'Inventory' : 'Manifest';
    const chunks = [
      `${prolog}<${root}>`,
      ...Array.from({ length: 50 }, () => '<SoftwareBundle/>'),
      `</${root}>`,
    ];
    const { source, pulled } = counted(chunks);
    const err = await parseDellCatalog(source, ctx).catch((e) => e);
    expect(err.code).toBe(code);
    expect(pulled()).toBe(1);
  });

  it('reports the line of malformed XML far past the first chunk', async () => {
    const lines = text11g.split('\n');
    const at = lines.findIndex((l, i) => i > 60000 && l.includes('</SoftwareComponent>'));
    lines[at] = lines[at]!.replace('</SoftwareComponent>', '</SoftwareComponentX>');
    const bytes = Buffer.from(lines.join('\n'));
    const err = await parseCatalogBytes(bytes, { file: 'Catalog.xml', baseDir: dir }).catch((e) => e);
    expect(err.code).toBe(CatalogErrorCode.parse);
    expect(err.line).toBe(at + 1);
  });
});

describe('loadCatalog streams the file', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'fw-dell-stream-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('reads the 11G catalog re-encoded as UTF-16 BE without a BOM to the same entries', async () => {
    const utf8 = await loadCatalog(CATALOG_11G);
    const text = (await readFile(CATALOG_11G, 'utf8')).replace(/^\uFEFF/, '');
    const file = join(tmp, 'Catalog-utf16be.xml');
    await writeFile(file, Buffer.from(text, 'utf16le').swap16());
    const utf16 = await loadCatalog(file);
    expect(utf16.source.encoding).toBe('utf-16be');
    const strip = (entries: typeof utf8.entries) =>
      entries.map(({ source: { file: _f, ...s }, ...e }) => ({ ...e, s }));
    expect(strip(utf16.entries)).toEqual(strip(utf8.entries));
    expect(utf16.stats).toEqual(utf8.stats);
  });

  it('refuses invalid UTF-8 found deep in the file, naming it', async () => {
    const file = join(tmp, 'Catalog-bad.xml');
    const text = await readFile(CATALOG_11G);
    await writeFile(
      file,
      Buffer.concat([text.subarray(0, 2_000_000), Buffer.from([0xc3, 0x28]), text.subarray(2_000_000)]),
    );
    const err = await loadCatalog(file).catch((e) => e);
    expect(err.code).toBe(CatalogErrorCode.encoding);
    expect(err.message).toContain(file);
  });

  it('refuses a file over maxBytes', async () => {
    const err = await loadCatalog(CATALOG_11G, { maxBytes: 1_000_000 }).catch((e) => e);
    expect(err.code).toBe(CatalogErrorCode.tooLarge);
  });
});

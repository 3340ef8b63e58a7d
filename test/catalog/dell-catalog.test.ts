import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, CatalogErrorCode, loadCatalog, parseCatalogBytes } from '../../src/catalog/index.ts';

const dir = new URL('../fixtures/catalog/dell/', import.meta.url).pathname;
const CATALOG_11G = `${dir}dell-poweredge-11g-Catalog.xml`;
const SMALL = `${dir}dell-r640-small-Catalog.xml`;

/*
 * Expected 11G numbers, counted independently of the importer:
 *   grep -c '<SoftwareComponent ' → 392          grep -c '<SoftwareBundle ' → 76
 *   grep -o 'ComponentType value="[A-Z]*"' | sort | uniq -c
 *     → FRMW 321, BIOS 58, APAC 12, APP 1 (and SBDL 76: the bundles' own type)
 *   grep -o '<Package ' | wc -l → 12234 package references in the bundles
 * and with Python's ElementTree over the FRMW+BIOS components:
 *   Criticality value 1/2/3 → 317/41/21; rebootRequired true/false → 156/223.
 */
const EXPECTED_11G = {
  components: 392,
  byComponentType: { FRMW: 321, BIOS: 58, APAC: 12, APP: 1 },
  imported: 321 + 58,
  skipped: 12 + 1,
  bundles: 76,
  bundlePackageRefs: 12234,
  criticality: { recommended: 317, urgent: 41, optional: 21 },
  rebootTrue: 156,
};

describe('Dell Catalog.xml: the real PowerEdge 11G catalog', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await loadCatalog(CATALOG_11G);
  });

  it('imports every FRMW and BIOS component and counts the rest by type', () => {
    expect(catalog.source).toMatchObject({
      format: 'dell',
      encoding: 'utf-8',
      baseLocation: '',
      dateTime: '2017-12-01T09:34:48+00:00',
    });
    expect(catalog.stats.seen).toBe(EXPECTED_11G.components);
    expect(catalog.stats.byComponentType).toEqual(EXPECTED_11G.byComponentType);
    expect(catalog.entries).toHaveLength(EXPECTED_11G.imported);
    expect(catalog.stats.imported).toBe(EXPECTED_11G.imported);
    expect(catalog.skipped).toHaveLength(EXPECTED_11G.skipped);
    expect(catalog.stats.skippedByReason).toEqual({ 'component-type': EXPECTED_11G.skipped });
    const skippedTypes = catalog.skipped.map((s) => /ComponentType (\w+)/.exec(s.detail)?.[1]);
    expect(skippedTypes.filter((t) => t === 'APAC')).toHaveLength(12);
    expect(skippedTypes.filter((t) => t === 'APP')).toHaveLength(1);
    expect(catalog.skipped.find((s) => s.detail.includes('APP '))).toMatchObject({
      element: 'SoftwareComponent[353]',
      key: 'OM-SrvAdmin-Dell-Web-LX-9.1.0-2757_A00.tar.gz',
    });
  });

  it('reads the 76 bundles and resolves all their package references', () => {
    expect(catalog.bundles).toHaveLength(EXPECTED_11G.bundles);
    expect(catalog.stats.bundles).toEqual({
      count: 76,
      packageRefs: EXPECTED_11G.bundlePackageRefs,
      distinctPackages: 391,
      unresolvedPackages: 0,
      componentsWithoutBundle: 1,
      modelsAdded: 0,
    });
    const r710 = catalog.bundles?.find((b) => b.models.some((m) => m.systemId === '0235'));
    expect(r710).toMatchObject({
      bundleId: 'PH29950_LIN.650',
      name: 'System Bundle (Linux) PER710',
      bundleType: 'BTLX',
    });
    expect(r710?.packages).toContain('R710_BIOS_4HKX2_LN_6.4.0.BIN');
  });

  it('maps Criticality 1/2/3 and rebootRequired', () => {
    const count = (c: string) => catalog.entries.filter((e) => e.criticality === c).length;
    expect({
      recommended: count('recommended'),
      urgent: count('urgent'),
      optional: count('optional'),
    }).toEqual(EXPECTED_11G.criticality);
    expect(catalog.entries.filter((e) => e.requires.reboot)).toHaveLength(EXPECTED_11G.rebootTrue);
  });

  it('imports the R710 BIOS with its ComponentID, model, md5 and version', () => {
    const bios = catalog.entries.find((e) => e.id === 'dell:4HKX2');
    expect(bios).toMatchObject({
      vendor: 'dell',
      kind: 'bios',
      name: 'Server BIOS 11G,6.4.0',
      version: '6.4.0',
      match: { softwareIds: ['159'] },
      supportedModels: [{ systemId: '0235', name: 'PowerEdge R710' }],
      // baseLocation="": the package sits beside the catalog.
      image: { file: 'R710_BIOS_4HKX2_LN_6.4.0.BIN', md5: '1b07eef8fc6e30250fefb60e7f51cc9d' },
      criticality: 'recommended',
      releaseDate: '2013-10-07',
      requires: { reboot: true },
      source: { format: 'dell', element: 'SoftwareComponent[121]', key: 'R710_BIOS_4HKX2_LN_6.4.0.BIN' },
    });
  });

  it('uses vendorVersion (what iDRAC reports) and keeps dellVersion as a detail', () => {
    const idrac6 = catalog.entries.find((e) => e.name === 'iDRAC6,2.90,A00');
    expect(idrac6).toMatchObject({ kind: 'bmc', version: '2.90', details: { dellVersion: 'A00' } });
    expect(idrac6?.requires.bmcReset).toBe(true);
  });

  it('turns PCIInfo into lowercase PCI matchers', () => {
    const ssd = catalog.entries.find((e) => e.id === 'dell:03X99');
    expect(ssd?.kind).toBe('drive');
    expect(ssd?.match).toEqual({
      softwareIds: ['101186'],
      pci: [{ vendorId: '1344', deviceId: '5161', subsystemVendorId: '1344', subsystemId: '2008' }],
    });
  });

  it('builds download URLs from a baseUrl when the catalog has no baseLocation', async () => {
    const bytes = await readFile(CATALOG_11G);
    const withBase = await parseCatalogBytes(bytes, {
      file: CATALOG_11G,
      baseDir: dir,
      baseUrl: 'https://downloads.dell.com',
    });
    expect(withBase.entries.find((e) => e.id === 'dell:4HKX2')?.image).toEqual({
      url: 'https://downloads.dell.com/R710_BIOS_4HKX2_LN_6.4.0.BIN',
      md5: '1b07eef8fc6e30250fefb60e7f51cc9d',
    });
  });
});

describe('Dell Catalog.xml: handcrafted R640 catalog', () => {
  it.each([
    ['UTF-8 with BOM', 'dell-r640-small-Catalog.xml', 'utf-8'],
    ['UTF-16 LE with BOM', 'dell-r640-small-Catalog.utf16le.xml', 'utf-16le'],
    ['UTF-16 BE with BOM', 'dell-r640-small-Catalog.utf16be.xml', 'utf-16be'],
  ])('reads %s to the same entries', async (_name, file, encoding) => {
    const utf8 = await loadCatalog(SMALL);
    const catalog = await loadCatalog(`${dir}${file}`);
    expect(catalog.source.encoding).toBe(encoding);
    const strip = (c: Catalog) =>
      c.entries.map(({ source: { file: _f, ...src }, ...e }) => ({ ...e, source: src }));
    expect(strip(catalog)).toEqual(strip(utf8));
    expect(catalog.entries[0]?.description).toContain('Ünïcödé survives every encoding: “quotes”, €, 中文.');
  });

  it.each([
    ['UTF-16 LE without BOM', (s: string) => Buffer.from(s, 'utf16le')],
    ['UTF-16 BE without BOM', (s: string) => Buffer.from(s, 'utf16le').swap16()],
    ['UTF-8 declared as utf-16 (re-saved by a tool)', (s: string) => Buffer.from(s, 'utf8')],
  ])('detects %s', async (_name, encode) => {
    const text = (await readFile(`${dir}dell-r640-small-Catalog.utf16le.xml`))
      .subarray(2)
      .toString('utf16le');
    const catalog = await parseCatalogBytes(encode(text), { file: 'Catalog.xml', baseDir: dir });
    expect(catalog.entries).toHaveLength(4);
  });

  it('imports FRMW and BIOS, skips the rest with reasons', async () => {
    const catalog = await loadCatalog(SMALL);
    expect(catalog.entries.map((e) => [e.id, e.kind, e.criticality])).toEqual([
      ['dell:8TWCM', 'bios', 'urgent'],
      ['dell:1HY5M', 'bmc', 'recommended'],
      ['dell:T7HVR', 'nic', 'optional'],
      ['dell:KJ6MV', 'cpld', 'recommended'],
    ]);
    expect(catalog.skipped.map((s) => [s.element, s.reason])).toEqual([
      ['SoftwareComponent[4]', 'component-type'],
      ['SoftwareComponent[5]', 'component-type'],
      ['SoftwareComponent[6]', 'unsafe-path'],
    ]);
    expect(catalog.stats.byComponentType).toEqual({ BIOS: 1, FRMW: 4, APAC: 1, DRVR: 1 });
  });

  it('builds HTTPS URLs from baseLocation and reads sha256 and size', async () => {
    const [bios] = (await loadCatalog(SMALL)).entries;
    expect(bios?.image).toEqual({
      url: 'https://downloads.dell.com/FOLDER10373413M/1/BIOS_8TWCM_LN64_2.19.1.BIN',
      md5: '250f22242bd7cd24680912a39d2a340d',
      sha256: '03ee619c7dd01a45aed0be143fc11f90adf51377721565641d36f51cd1187207',
      size: 104000,
    });
  });

  it('lets a mirror baseUrl win over baseLocation', async () => {
    const catalog = await loadCatalog(SMALL, { baseUrl: 'http://mirror.lab:8080/dell/' });
    expect(catalog.entries[0]?.image.url).toBe(
      'http://mirror.lab:8080/dell/FOLDER10373413M/1/BIOS_8TWCM_LN64_2.19.1.BIN',
    );
  });

  it('drops componentID 0, deduplicates PCI ids, and fills models from bundles', async () => {
    const catalog = await loadCatalog(SMALL);
    const nic = catalog.entries.find((e) => e.id === 'dell:T7HVR');
    expect(nic?.match).toEqual({
      softwareIds: ['108255'],
      pci: [
        { vendorId: '14e4', deviceId: '165f', subsystemVendorId: '1028', subsystemId: '08ff' },
        { vendorId: '14e4', deviceId: '165f', subsystemVendorId: '1028', subsystemId: '1f5b' },
      ],
    });
    const backplane = catalog.entries.find((e) => e.id === 'dell:KJ6MV');
    expect(backplane?.supportedModels).toEqual([{ systemId: '0716', name: 'PowerEdge R640' }]);
    // No rebootRequired attribute: assume a reset is needed.
    expect(backplane?.requires.reboot).toBe(true);
    expect(catalog.stats.bundles).toMatchObject({
      count: 1,
      packageRefs: 4,
      unresolvedPackages: 1,
      modelsAdded: 1,
    });
  });
});

describe('Dell Catalog.xml: shapes of other catalog generations', () => {
  const component = (id: string, path: string, prefix = '') =>
    `<${prefix}SoftwareComponent packageID="${id}" path="${path}" hashMD5="${'a'.repeat(32)}" vendorVersion="1.0" rebootRequired="false">` +
    `<${prefix}ComponentType value="FRMW"/><${prefix}Name><${prefix}Display lang="en">NIC</${prefix}Display></${prefix}Name>` +
    `<${prefix}SupportedDevices><${prefix}Device componentID="1"/></${prefix}SupportedDevices>` +
    `<${prefix}Criticality value="1"/></${prefix}SoftwareComponent>`;
  const parse = (xml: string) => parseCatalogBytes(Buffer.from(xml), { file: 'Catalog.xml', baseDir: dir });

  it('reads a namespace-prefixed manifest', async () => {
    const xml = `<dm:Manifest xmlns:dm="openmanage/cm/dm" baseLocation="downloads.dell.com">${component('AAAAA', 'a.BIN', 'dm:')}</dm:Manifest>`;
    const catalog = await parse(xml);
    expect(catalog.entries.map((e) => e.image.url)).toEqual(['https://downloads.dell.com/a.BIN']);
  });

  it('keeps the first of two components with the same packageID', async () => {
    const catalog = await parse(
      `<Manifest>${component('AAAAA', 'a.BIN')}${component('AAAAA', 'b.BIN')}</Manifest>`,
    );
    expect(catalog.entries.map((e) => e.image.file)).toEqual(['a.BIN']);
    expect(catalog.skipped).toEqual([
      {
        element: 'SoftwareComponent[1]',
        key: 'b.BIN',
        reason: 'invalid',
        detail: 'duplicate packageID (first at SoftwareComponent[0])',
      },
    ]);
  });
});

describe('Dell Catalog.xml: refused input', () => {
  it.each([
    ['external entity (XXE)', 'xxe.xml', CatalogErrorCode.unsafe],
    ['entity expansion bomb', 'entity-bomb.xml', CatalogErrorCode.unsafe],
    ['external DTD', 'external-dtd.xml', CatalogErrorCode.unsafe],
    ['unknown encoding', 'unknown-encoding.xml', CatalogErrorCode.encoding],
    ['root that is not <Manifest>', 'not-a-manifest.xml', CatalogErrorCode.invalid],
  ])('%s', async (_name, file, code) => {
    const err = await loadCatalog(`${dir}${file}`).catch((e) => e);
    expect(err.code).toBe(code);
    expect(err.message).toContain(file);
  });

  it('reports malformed XML with line and column', async () => {
    const err = await loadCatalog(`${dir}malformed.xml`).catch((e) => e);
    expect(err.code).toBe(CatalogErrorCode.parse);
    expect(err.line).toBe(5);
    expect(err.column).toBeGreaterThan(0);
    expect(err.message).toMatch(/malformed\.xml:5:\d+: malformed XML: unexpected close tag/);
  });

  it.each([
    ['UTF-32 BOM', Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x3c, 0, 0, 0])],
    [
      'invalid UTF-8',
      Buffer.concat([
        Buffer.from('<?xml version="1.0"?><Manifest>'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('</Manifest>'),
      ]),
    ],
    ['odd-length UTF-16', Buffer.from([0xff, 0xfe, 0x3c, 0x00, 0x4d])],
  ])('refuses %s', async (_name, bytes) => {
    const err = await parseCatalogBytes(bytes, { file: 'Catalog.xml', baseDir: dir }).catch((e) => e);
    expect(err.code).toBe(CatalogErrorCode.encoding);
  });
});

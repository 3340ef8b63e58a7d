import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hpeRomVersion } from '../../src/catalog/hpe-catalog.ts';
import { type Catalog, loadCatalog, parseCatalogBytes } from '../../src/catalog/index.ts';
import { Decision, plan } from '../../src/planner/index.ts';
import { compareVersions } from '../../src/versions/index.ts';
import { catalogOf, component, fleetOf, server } from '../planner/helpers.ts';

const repo = new URL('../fixtures/catalog/hpe/', import.meta.url).pathname;
const FWREPO = `${repo}fwrepodata/fwrepo.json`;

describe('HPE fwrepo.json', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await loadCatalog(FWREPO);
  });

  it('is detected by content and imports the .fwpkg packages that have a digest', () => {
    expect(catalog.source).toMatchObject({ format: 'hpe', encoding: 'utf-8' });
    expect(catalog.entries.map((e) => [e.id, e.kind])).toEqual([
      ['hpe:ilo5_296.fwpkg', 'bmc'],
      ['hpe:U30_2.90_07_20_2023.fwpkg', 'bios'],
      ['hpe:22_41_1000-MCX623106AS-CDA_Ax.pldm.fwpkg', 'nic'],
      ['hpe:HPE_MR216i-a_52.24.3-4948.fwpkg', 'storage'],
      ['hpe:CPLD_DL380_Gen10_0x31.fwpkg', 'cpld'],
    ]);
    expect(catalog.stats).toMatchObject({ seen: 8, imported: 5, skipped: 3 });
  });

  it.each([
    ['firmware-nic-intel-1.2.3-1.1.x86_64.rpm', 'not-fwpkg'],
    ['HPE_SSD_VO001920JWZJQ_HPD4.fwpkg', 'no-digest'],
    ['Orphan_NoTarget_1.0.fwpkg', 'no-matcher'],
  ])('skips %s (%s)', (key, reason) => {
    expect(catalog.skipped.find((s) => s.key === key)?.reason).toBe(reason);
  });

  it('maps targets, device class, reboot, version and the SHA256SUMS digest', () => {
    const ilo = catalog.entries[0];
    expect(ilo).toMatchObject({
      vendor: 'hpe',
      name: 'HPE Integrated Lights-Out 5 (iLO 5) firmware 2.96',
      version: '2.96',
      match: {
        hpeTargets: ['4764a662-b342-4fc7-9ce9-258c5d99e815', 'c0bcf2b3-1a8d-4b8a-b4ee-2d0a6e3a9c0d'],
        hpeDeviceClass: '2f317b9d-c9e3-4d76-bff6-b9d0d085a952',
      },
      // Packages live in the repository root, next to fwrepodata/: the catalog's folder.
      image: {
        file: 'ilo5_296.fwpkg',
        sha256: 'd14d445b038318dc6426bd7bf0183cd3b28983b9271d53fdca60470ccd30edf3',
      },
      criticality: 'recommended',
      releaseDate: '2023-08-17',
      requires: { reboot: false, bmcReset: true },
      source: { format: 'hpe', key: 'ilo5_296.fwpkg' },
    });
  });

  it('takes the repository root, not fwrepodata/, as the folder image files stay inside', () => {
    expect(catalog.source.baseDir).toBe(repo.replace(/\/$/, ''));
  });

  it('reads a legacy single target string, the minimum active version and server_power_off', () => {
    const mr = catalog.entries.find((e) => e.id === 'hpe:HPE_MR216i-a_52.24.3-4948.fwpkg');
    expect(mr?.match.hpeTargets).toEqual(['1a7d2e5c-9c3b-4f0e-8d6a-3e1f2b4c5d60']);
    expect(mr?.prerequisites).toEqual({ minimumInstalledVersion: '52.16.3-3913' });
    const cpld = catalog.entries.find((e) => e.id === 'hpe:CPLD_DL380_Gen10_0x31.fwpkg');
    expect(cpld?.requires).toEqual({ reboot: true, powerOff: true });
    expect(catalog.entries.find((e) => e.kind === 'nic')?.prerequisites).toBeUndefined();
  });

  it('writes a System ROM version the way iLO reports it, keeping the fwrepo text', () => {
    const rom = catalog.entries.find((e) => e.id === 'hpe:U30_2.90_07_20_2023.fwpkg');
    expect(rom?.version).toBe('U30 v2.90 (07/20/2023)');
    expect(rom?.details).toEqual({ hpeVersion: '2.90_07-20-2023' });
    expect(compareVersions('U30 v2.76 (02/09/2023)', rom!.version)).toBe('less');
    expect(compareVersions('U30 v2.90 (07/20/2023)', rom!.version)).toBe('equal');
    // Another family's ROM never orders against it.
    expect(compareVersions('U32 v2.76 (02/09/2023)', rom!.version)).toBe('incomparable');
    // Other packages keep their version text and carry no details.
    expect(catalog.entries.find((e) => e.id === 'hpe:ilo5_296.fwpkg')?.details).toBeUndefined();
  });

  it.each([
    ['U30_2.90_07_20_2023.fwpkg', '2.90_07-20-2023', 'U30 v2.90 (07/20/2023)'],
    ['u46_1.50_10_05_2023.fwpkg', '1.50_10-05-2023', 'U46 v1.50 (10/05/2023)'],
    ['A55_3.10_01_12_2024.fwpkg', ' 3.10_01-12-2024 ', 'A55 v3.10 (01/12/2024)'],
    ['U30_2.90_07_20_2023.fwpkg', '2.90', undefined],
    ['ilo5_296.fwpkg', '2.90_07-20-2023', undefined],
    ['CPLD_DL380_Gen10_0x31.fwpkg', '0x31', undefined],
  ])('hpeRomVersion(%s, %s) = %s', (file, version, expected) => {
    expect(hpeRomVersion(file, version)).toBe(expected);
  });

  it('plans a ROM upgrade within its family for an iLO-reported ROM', () => {
    const rom = catalog.entries.find((e) => e.kind === 'bios')!;
    const installed = (version: string) =>
      component({
        id: 'bios',
        kind: 'bios',
        name: 'System ROM',
        version,
        identity: { hpeTargets: ['00000000-0000-0000-0000-000000000205'] },
      });
    const hpe = { vendor: 'hpe' as const, model: 'ProLiant DL380 Gen10', systemId: undefined };
    const p = plan(
      fleetOf(
        server('old', [installed('U30 v2.76 (02/09/2023)')], hpe),
        server('current', [installed('U30 v2.90 (07/20/2023)')], hpe),
      ),
      catalogOf([rom]),
    );
    const decisionOf = (name: string) => p.servers.find((s) => s.server === name)!.decisions[0]!;
    expect(decisionOf('old')).toMatchObject({ decision: Decision.upgrade, target: { entryId: rom.id } });
    expect(decisionOf('current').decision).toBe(Decision.upToDate);
  });

  it('builds URLs from the repository base URL', async () => {
    const remote = await parseCatalogBytes(await readFile(FWREPO), {
      file: 'fwrepo.json',
      baseDir: `${repo}fwrepodata`,
      baseUrl: 'https://downloads.linux.hpe.com/SDR/repo/fwpp-gen10/current',
      readSha256Sums: async () => new Map([['ilo5_296.fwpkg', 'a'.repeat(64)]]),
    });
    expect(remote.entries.map((e) => e.image.url)).toEqual([
      'https://downloads.linux.hpe.com/SDR/repo/fwpp-gen10/current/ilo5_296.fwpkg',
    ]);
  });

  describe('outside a fwrepodata/ directory', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fw-hpe-'));
      await mkdir(join(dir, 'flat'));
      await copyFile(FWREPO, join(dir, 'flat', 'fwrepo.json'));
      await copyFile(`${repo}SHA256SUMS`, join(dir, 'flat', 'SHA256SUMS'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads SHA256SUMS beside the file and makes image paths siblings', async () => {
      const flat = await loadCatalog(join(dir, 'flat', 'fwrepo.json'));
      expect(flat.entries[0]?.image.file).toBe('ilo5_296.fwpkg');
      expect(flat.entries).toHaveLength(5);
    });
  });
});

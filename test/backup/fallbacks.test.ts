/**
 * BMCs that do not offer the slice path: each says so plainly and reports what it keeps itself
 * (Dell Previous- rollback, HPE System Recovery Set, Lenovo/OpenBMC backup bank, Supermicro
 * nothing), with firmwarden's verified store copies beside it; a corrupted image is restored from
 * the store copy and verified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ComponentBackup,
  backupFleet as runBackup,
  type ServerBackupReport,
} from '../../src/backup/index.ts';
import type { SimVendor } from '../../src/simulator/index.ts';
import { type BackupFleet, backupFleet } from './helpers.ts';

const VENDORS: SimVendor[] = ['dell', 'hpe', 'lenovo', 'openbmc', 'supermicro'];
let bf: BackupFleet;
let status: Map<SimVendor, ServerBackupReport>;

beforeAll(async () => {
  bf = await backupFleet(VENDORS, { sync: true });
  const reports = await runBackup('status', bf.input(), bf.deps);
  status = new Map(VENDORS.map((v, i) => [v, reports[i] as ServerBackupReport]));
});

afterAll(async () => {
  await bf?.close();
});

describe('fallbacks per vendor profile', () => {
  it.each([
    ['dell', 'rollback', /fallback rollback \(.*\) plus firmwarden's verified store copies/],
    ['hpe', 'recovery-set', /fallback recovery-set \(iLO 5 .*System ROM .*\)/],
    ['lenovo', 'backup-bank', /fallback backup-bank \(XCC Backup .*UEFI Backup/],
    ['openbmc', 'backup-bank', /fallback backup-bank/],
    [
      'supermicro',
      'store-only',
      /keeps no image copy firmwarden can use: firmwarden's verified store copies only/,
    ],
  ] as const)('%s: %s', (vendor, mechanism, words) => {
    const r = status.get(vendor) as ServerBackupReport;
    expect(r.error).toBeUndefined();
    expect(r.mechanism).toBe(mechanism);
    expect(r.detail).toMatch(/does not offer volumes as update targets|no RAID controller/);
    expect(r.detail).toMatch(words);
    expect(r.slice).toBeUndefined();
    const embedded = r.components.filter((c) => c.kind === 'bmc' || c.kind === 'bios');
    expect(embedded.length).toBeGreaterThanOrEqual(2);
    for (const c of embedded) {
      expect(c.store.state).toBe('ok');
      expect(c.slice).toBeUndefined();
    }
  });

  it('names what the fallback holds for each image', () => {
    const lenovo = status.get('lenovo') as ServerBackupReport;
    const bmc = lenovo.components.find((c) => c.kind === 'bmc') as ComponentBackup;
    expect(bmc.notes.join(' ')).toMatch(/fallback backup-bank holds \S+/);
  });

  it('restores a corrupted BIOS from the store copy and verifies it (Supermicro)', async () => {
    bf.bmc('supermicro').corrupt('bios', 'health-critical');
    const [r] = await runBackup('restore', bf.input([bf.server('supermicro')]), bf.deps);
    const bios = r?.components.find((c) => c.kind === 'bios') as ComponentBackup;
    expect(bios.findings.map((f) => f.kind)).toEqual(['health']);
    expect(bios.restore).toMatchObject({ source: 'store', outcome: 'verified' });
    expect(r?.corrupted).toBe(0);
    expect(bf.bmc('supermicro').corruptions).toEqual([]);
  });

  it('a restored BIOS that activates at the next host reset is reported staged (Lenovo UEFI)', async () => {
    bf.bmc('lenovo').corrupt('bios', 'health-critical');
    const [r] = await runBackup('restore', bf.input([bf.server('lenovo')]), bf.deps);
    const bios = r?.components.find((c) => c.kind === 'bios') as ComponentBackup;
    expect(bios.restore).toMatchObject({ source: 'store', outcome: 'staged' });
    expect(bios.restore?.detail).toMatch(/runs after the next host reset/);
    expect(r?.corrupted).toBe(1);
  });

  it('with resetHost, a staged restore resets the host once and is verified by reading the inventory back (Lenovo UEFI)', async () => {
    const sim = bf.bmc('lenovo');
    // Still corrupted: the previous test's restore waits for a host reset that never came.
    expect(sim.corruptions).toHaveLength(1);
    const resetsBefore = sim.availability.intervals.filter((i) => i.reasons.includes('host-reset')).length;
    const [r] = await runBackup('restore', bf.input([bf.server('lenovo')]), bf.deps, {
      resetHost: { allowForce: false },
    });
    const bios = r?.components.find((c) => c.kind === 'bios') as ComponentBackup;
    expect(bios.restore).toMatchObject({ source: 'store', outcome: 'verified' });
    expect(bios.restore?.detail).toMatch(/after a graceful host reset$/);
    expect(r?.corrupted).toBe(0);
    expect(sim.corruptions).toEqual([]);
    expect(sim.availability.intervals.filter((i) => i.reasons.includes('host-reset')).length).toBeGreaterThan(
      resetsBefore,
    );
    expect(sim.powerState).toBe('On');
    const journal = (await bf.state.journal({ server: bf.server('lenovo').name })).map((e) => e.event);
    expect(journal.slice(-2)).toEqual(['host-reset', 'backup.restore']);
  });
});

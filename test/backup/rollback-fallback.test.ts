/**
 * No slice path and no verified copy in firmwarden's store: a corrupted image is restored from
 * what the BMC keeps itself, marked as a fallback — iDRAC's Previous- rollback copy (a BIOS, with
 * a host reset), bmcweb's backup bank (the BMC image, by ActiveSoftwareImage and a BMC reset) and
 * the package of iLO's System Recovery Set (queued on the Update Task Queue).
 * The component is healthy again at the copy's version, which the report says is not the
 * expected one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ComponentBackup,
  backupFleet as runBackup,
  type ServerBackupReport,
} from '../../src/backup/index.ts';
import { systemClock } from '../../src/deps.ts';
import { scanServer } from '../../src/inventory/scan.ts';
import { type BackupFleet, backupFleet } from './helpers.ts';

let bf: BackupFleet;
beforeAll(async () => {
  bf = await backupFleet(['dell'], { sync: false });
});
afterAll(() => bf?.close());

const bios = (r: ServerBackupReport | undefined): ComponentBackup =>
  r?.components.find((c) => c.kind === 'bios') as ComponentBackup;

describe('rollback fallback (Dell)', () => {
  it('with no verified copy, restores the BIOS from the Previous- rollback copy and verifies it', async () => {
    const [before] = await runBackup('status', bf.input(), bf.deps);
    expect(before?.mechanism).toBe('rollback');
    const b = bios(before);
    expect(b.store.state).toBe('missing');
    const previous = before?.fallback?.copies.find((c) => c.kind === 'bios');
    expect(previous?.version).toMatch(/\S/);
    expect(previous?.version).not.toBe(b.version);

    bf.bmc('dell').corrupt('bios', 'health-critical');
    const [r] = await runBackup('restore', bf.input(), bf.deps, { resetHost: { allowForce: false } });
    const restored = bios(r);
    expect(restored.findings.map((f) => f.kind)).toEqual(['health']);
    expect(restored.restore).toMatchObject({
      source: 'fallback',
      outcome: 'verified',
      fallback: { mechanism: 'rollback', version: previous?.version },
    });
    expect(restored.restore?.detail).toMatch(
      new RegExp(
        `rolled back to ${previous?.version} from the BMC's rollback copy \\(fallback: no verified copy of ${b.version}\\)`,
      ),
    );
    expect(bf.bmc('dell').corruptions).toEqual([]);
    // Read back independently: healthy, running the previous version.
    const client = bf.client('dell');
    try {
      const inv = await scanServer(client, bf.server('dell'), systemClock);
      expect(inv.components.find((c) => c.kind === 'bios')).toMatchObject({
        health: 'OK',
        version: previous?.version,
      });
    } finally {
      await client.close();
    }
    const history = bf.bmc('dell').updateHistory;
    expect(history.at(-1)).toMatchObject({
      method: 'simple',
      image: { name: expect.stringMatching(/^Previous-.*\.bin$/), version: previous?.version },
    });
  });
});

describe('backup-bank fallback (OpenBMC)', () => {
  let ob: BackupFleet;
  beforeAll(async () => {
    ob = await backupFleet(['openbmc'], { sync: false });
  });
  afterAll(() => ob?.close());

  it('with no verified copy, boots the BMC from its backup bank (ActiveSoftwareImage + Manager.Reset) and verifies it', async () => {
    const [before] = await runBackup('status', ob.input(), ob.deps);
    expect(before?.mechanism).toBe('backup-bank');
    const bmc = before?.components.find((c) => c.kind === 'bmc') as ComponentBackup;
    expect(bmc.store.state).toBe('missing');
    const bank = before?.fallback?.copies.find((c) => c.kind === 'bmc');
    expect(bank?.version).toMatch(/\S/);
    expect(bank?.version).not.toBe(bmc.version);

    ob.bmc('openbmc').corrupt('bmc', 'health-critical');
    const [r] = await runBackup('restore', ob.input(), ob.deps);
    const restored = r?.components.find((c) => c.kind === 'bmc') as ComponentBackup;
    expect(restored.restore).toMatchObject({
      source: 'fallback',
      outcome: 'verified',
      fallback: { mechanism: 'backup-bank', version: bank?.version },
    });
    expect(restored.restore?.detail).toMatch(/booted the BMC's backup bank/);
    expect(ob.bmc('openbmc').corruptions).toEqual([]);
    const client = ob.client('openbmc');
    try {
      const inv = await scanServer(client, ob.server('openbmc'), systemClock);
      expect(inv.components.find((c) => c.kind === 'bmc')).toMatchObject({
        health: 'OK',
        version: bank?.version,
      });
      // The bank that ran before is the standby now.
      expect(inv.copies.find((c) => c.kind === 'bmc')?.version).toBe(bmc.expectedVersion ?? bmc.version);
    } finally {
      await client.close();
    }
    // Nothing was uploaded: the switch is the BMC's own.
    expect(ob.bmc('openbmc').updateHistory).toEqual([]);
  });
});

describe('recovery-set fallback (HPE iLO 5)', () => {
  let hp: BackupFleet;
  beforeAll(async () => {
    hp = await backupFleet(['hpe'], { sync: false });
  });
  afterAll(() => hp?.close());

  const component = (r: ServerBackupReport | undefined, kind: string): ComponentBackup =>
    r?.components.find((c) => c.kind === kind) as ComponentBackup;

  async function readBack(kind: string) {
    const client = hp.client('hpe');
    try {
      return (await scanServer(client, hp.server('hpe'), systemClock)).components.find(
        (c) => c.kind === kind,
      );
    } finally {
      await client.close();
    }
  }

  it('status names the set and what each package holds (versions in the inventory form)', async () => {
    const [r] = await runBackup('status', hp.input(), hp.deps);
    expect(r?.mechanism).toBe('recovery-set');
    const rom = r?.fallback?.copies.find((c) => c.component === 'System ROM');
    expect(rom).toMatchObject({
      version: component(r, 'bios').version,
      id: expect.stringMatching(/^U30_.*\.fwpkg$/),
    });
    expect(component(r, 'bios').store.state).toBe('missing');
  });

  it('a corrupted System ROM: only its package is queued, staged until a host reset, then verified', async () => {
    const [before] = await runBackup('status', hp.input(), hp.deps);
    const rom = component(before, 'bios');
    hp.bmc('hpe').corrupt('bios', 'health-critical');
    const history = hp.bmc('hpe').updateHistory.length;

    const [staged] = await runBackup('restore', hp.input(), hp.deps);
    const s = component(staged, 'bios');
    expect(s.findings.map((f) => f.kind)).toEqual(['health']);
    expect(s.restore).toMatchObject({
      source: 'fallback',
      outcome: 'staged',
      fallback: { mechanism: 'recovery-set', version: rom.version },
      task: expect.stringMatching(/\/UpdateService\/UpdateTaskQueue\/\d+\/?$/),
    });
    expect(s.restore?.detail).toMatch(
      /flashed U30_\S+\.fwpkg \(U30 v\S+ \(\S+\)\) from iLO's System Recovery Set/,
    );
    expect(s.restore?.detail).toMatch(/runs after the next host reset/);
    // One package, the ROM's, from the iLO Repository: the iLO image was left alone.
    const queued = hp.bmc('hpe').updateHistory.slice(history);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      method: 'install-queue',
      image: { name: expect.stringMatching(/^U30_/) },
    });
    expect((await readBack('bios'))?.health).toBe('Critical');

    const [r] = await runBackup('restore', hp.input(), hp.deps, { resetHost: { allowForce: false } });
    const done = component(r, 'bios');
    expect(done.restore).toMatchObject({ source: 'fallback', outcome: 'verified' });
    expect(done.restore?.detail).toMatch(/host reset$/);
    expect(hp.bmc('hpe').corruptions).toEqual([]);
    expect(await readBack('bios')).toMatchObject({ health: 'OK', version: rom.version });
  });

  it('a corrupted iLO image: its package is flashed, iLO reboots into it, read back healthy', async () => {
    const [before] = await runBackup('status', hp.input(), hp.deps);
    const ilo = component(before, 'bmc');
    const held = before?.fallback?.copies.find((c) => /^ilo5_/.test(c.id));
    expect(held).toBeDefined();
    hp.bmc('hpe').corrupt('bmc', 'health-critical');
    const [r] = await runBackup('restore', hp.input(), hp.deps);
    expect(component(r, 'bmc').restore).toMatchObject({
      source: 'fallback',
      outcome: 'verified',
      fallback: { mechanism: 'recovery-set', version: held?.version },
    });
    expect(hp.bmc('hpe').corruptions).toEqual([]);
    expect(await readBack('bmc')).toMatchObject({ health: 'OK', version: ilo.version });
  });

  it('a queue item that ends in Exception fails the restore with what iLO said, and the damage stays', async () => {
    hp.bmc('hpe').corrupt('bmc', 'health-critical');
    hp.bmc('hpe').setUpdateFaults({ nextUpdateOnly: { applyFailed: true } });
    const [r] = await runBackup('restore', hp.input(), hp.deps);
    const bmc = component(r, 'bmc');
    expect(bmc.restore).toMatchObject({ source: 'fallback', outcome: 'failed' });
    expect(bmc.restore?.detail).toMatch(
      /recovery-set from ilo5_\S+ failed: .*ended Exception: Update\.1\.0\.ApplyFailed/,
    );
    expect(hp.bmc('hpe').corruptions).toHaveLength(1);
  });
});

/**
 * No slice path and no verified copy in firmwarden's store: a corrupted image is restored from
 * what the BMC keeps itself, marked as a fallback — iDRAC's Previous- rollback copy (a BIOS, with
 * a host reset) and bmcweb's backup bank (the BMC image, by ActiveSoftwareImage and a BMC reset).
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

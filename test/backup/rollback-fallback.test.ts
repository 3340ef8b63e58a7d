/**
 * Dell (no slice path, no ImageDataURI) with no verified copy in firmwarden's store: a corrupted
 * BIOS is restored from what the BMC keeps itself, iDRAC's Previous- rollback copy, marked as a
 * fallback: healthy again at the version it ran before, which the report says is not the
 * expected one. Without resetHost the rollback waits for a host reset; with it, it is verified.
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

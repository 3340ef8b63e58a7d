/**
 * `backup check`, `status` and `restore` on a BMC offering the slice path (generic profile), over
 * real sockets: check creates the missing copies (store copies read back from the BMC and verified
 * against the catalog, slice copies staged and read back); every corruption switch is detected
 * with a finding saying what was seen, then restored and verified by reading the inventory back;
 * a slice copy that fails its digest is never used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackupErrorCode,
  type ComponentBackup,
  initSlice,
  backupFleet as runBackup,
  type ServerBackupReport,
} from '../../src/backup/index.ts';
import { systemClock } from '../../src/deps.ts';
import { scanServer } from '../../src/inventory/scan.ts';
import type { SimCorruptionKind } from '../../src/simulator/index.ts';
import { type BackupFleet, backupFleet, FAST } from './helpers.ts';

let bf: BackupFleet;

const run = async (mode: 'status' | 'check' | 'restore', opts = {}): Promise<ServerBackupReport> => {
  const [report] = await runBackup(mode, bf.input([bf.server('generic')]), bf.deps, opts);
  if (report === undefined) throw new Error('no report');
  return report;
};
const bios = (r: ServerBackupReport): ComponentBackup =>
  r.components.find((c) => c.kind === 'bios') as ComponentBackup;

beforeAll(async () => {
  bf = await backupFleet(['generic']);
  const client = bf.client('generic');
  try {
    const init = await initSlice(client, { clock: systemClock, imageBytes: 8192, pollMs: FAST.pollMs });
    expect(init.outcome).toBe('created');
  } finally {
    await client.close();
  }
});

afterAll(async () => {
  await bf?.close();
});

describe('backup check on the slice path', () => {
  it('status before check: slice found, copies missing', async () => {
    const r = await run('status');
    expect(r.error).toBeUndefined();
    expect(r.mechanism).toBe('slice');
    expect(r.detail).toMatch(/^slice .*RAID1, 1 GiB/);
    expect(r.components.map((c) => c.kind).sort()).toEqual(['bios', 'bmc']);
    for (const c of r.components) {
      expect(c.store.state).toBe('missing');
      expect(c.slice?.state).toBe('missing');
      expect(c.findings).toEqual([]);
    }
  });

  it('check creates every missing copy and verifies it; a second check finds them good', async () => {
    const r = await run('check');
    expect(r.error).toBeUndefined();
    for (const c of r.components) {
      expect(c.store).toMatchObject({ state: 'created' });
      expect(c.store.detail).toMatch(/ImageDataURI/);
      expect(c.slice?.state).toBe('created');
      expect(c.slice?.copy).toMatch(/FirmwareInventory\/SliceCopy-/);
    }
    expect(r.unprotected).toBe(0);
    const again = await run('check');
    for (const c of again.components) {
      expect(c.store.state).toBe('ok');
      expect(c.slice?.state).toBe('ok');
    }
    const events = (await bf.state.journal({ server: 'sim-0001' })).map((e) => e.event);
    expect(events.filter((e) => e === 'backup.copy')).toHaveLength(2);
    expect(events.filter((e) => e === 'backup.baseline')).toHaveLength(2);
  });

  it.each([
    ['health-critical', 'health', /Status\.Health is Critical/],
    ['offline', 'state', /Status\.State is UnavailableOffline/],
    ['version-garbled', 'version', /Version ".*" is garbled, not a version \(last known good P79/],
    ['version-empty', 'version', /Version is empty \(last known good P79/],
    [
      'image-digest',
      'digest',
      /image read back via ImageDataURI has sha256 [0-9a-f]{64}.*catalog entry .* says sha256/,
    ],
    [
      'measurement',
      'measurement',
      /SPDM MutableFirmware measurement .* differs from the baseline .* recorded/,
    ],
  ] as Array<[SimCorruptionKind, string, RegExp]>)(
    '%s is detected and restored from the slice',
    async (kind, finding, words) => {
      bf.bmc('generic').corrupt('bios', kind);
      const seen = await run('status');
      const f = bios(seen).findings.find((x) => x.kind === finding);
      expect(f?.detail).toMatch(words);
      expect(seen.corrupted).toBe(1);
      const fixed = await run('restore');
      expect(bios(fixed).restore).toMatchObject({ source: 'slice', outcome: 'verified' });
      expect(bios(fixed).restore?.detail).toMatch(/now at P79 .*restored from the slice/);
      expect(fixed.corrupted).toBe(0);
      // The inventory, read back independently, shows the BIOS healthy at its version.
      const client = bf.client('generic');
      try {
        const inv = await scanServer(client, bf.server('generic'), systemClock);
        const b = inv.components.find((c) => c.kind === 'bios');
        expect(b).toMatchObject({ health: 'OK', state: 'Enabled', version: bios(seen).expectedVersion });
      } finally {
        await client.close();
      }
      expect(bf.bmc('generic').corruptions).toEqual([]);
      const clean = await run('status');
      expect(bios(clean).findings).toEqual([]);
      const journal = (await bf.state.journal({ server: 'sim-0001' })).filter(
        (e) => e.event === 'backup.restore',
      );
      expect(journal.at(-1)?.data).toMatchObject({ outcome: 'verified', source: 'slice' });
      // What was seen is journaled before the repair (event: backup.corruption-detected).
      const seenEntries = (await bf.state.journal({ server: 'sim-0001' })).filter(
        (e) => e.event === 'backup.corruption',
      );
      expect(seenEntries.at(-1)?.data).toMatchObject({
        component: bios(seen).component,
        findings: expect.arrayContaining([{ kind: finding, detail: expect.stringMatching(words) }]),
      });
    },
  );

  it('check --auto-restore repairs what it finds', async () => {
    bf.bmc('generic').corrupt('bmc', 'health-critical');
    const r = await run('check', { autoRestore: true });
    const bmc = r.components.find((c) => c.kind === 'bmc') as ComponentBackup;
    expect(bmc.findings.map((f) => f.kind)).toEqual(['health']);
    expect(bmc.restore?.outcome).toBe('verified');
    expect(r.corrupted).toBe(0);
  });

  it('a slice copy that fails its digest is never used: the store copy restores instead', async () => {
    bf.bmc('generic').setStorageFaults({ sliceCopyCorrupted: true });
    try {
      bf.bmc('generic').corrupt('bios', 'health-critical');
      const seen = await run('status');
      expect(bios(seen).slice?.state).toBe('corrupt');
      expect(bios(seen).findings.find((f) => f.kind === 'slice-copy')?.detail).toMatch(
        /slice copy .* reads back with sha256 .*catalog says sha256 .*not used/,
      );
      const fixed = await run('restore');
      expect(bios(fixed).restore).toMatchObject({ source: 'store', outcome: 'verified' });
      // A check restages the copy; it still reads back wrong, and says the slice is unusable.
      const checked = await run('check');
      expect(bios(checked).slice?.detail).toMatch(/still bad after staging it again, the slice is unusable/);
    } finally {
      bf.bmc('generic').setStorageFaults({ sliceCopyCorrupted: false });
    }
  });

  it('refuses to restore when neither the slice copy nor a store copy is good', async () => {
    const r0 = await run('status');
    const sha = bios(r0).reference?.digest.replace('sha256 ', '') as string;
    await bf.store.remove(sha);
    bf.bmc('generic').setStorageFaults({ sliceCopyCorrupted: true });
    try {
      bf.bmc('generic').corrupt('bios', 'offline');
      const r = await run('restore');
      expect(bios(r).restore).toMatchObject({
        outcome: 'refused',
        error: { code: BackupErrorCode.noSource },
      });
      expect(bios(r).restore?.detail).toMatch(
        /refusing to restore .*slice copy fails its digest.*no verified store copy/,
      );
      expect(r.corrupted).toBe(1);
    } finally {
      bf.bmc('generic').setStorageFaults({ sliceCopyCorrupted: false });
    }
    // With the slice healthy again the restore goes through.
    const r = await run('restore');
    expect(bios(r).restore).toMatchObject({ source: 'slice', outcome: 'verified' });
  });
});

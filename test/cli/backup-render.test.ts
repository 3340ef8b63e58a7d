/**
 * `firmwarden backup` as text: init's long shared details printed once below a table that fits
 * 120 columns, restore saying each finding once, and servers with the same fallback on one line.
 */
import { describe, expect, it } from 'vitest';
import type { ComponentBackup, ServerBackupReport, ServerInitReport } from '../../src/backup/index.ts';
import { renderInit, renderReports } from '../../src/cli/backup-command.ts';

// The sentence a BMC without volume targets gets, as long as a real fleet's (≈500 characters).
const WHY = `the BMC does not offer volumes as update targets (SimpleUpdate ActionInfo Targets list none; ${'the controller exposes no Volumes collection among the targets, '.repeat(6)})`;
const fallbackReport = (server: string): ServerInitReport => ({
  server,
  init: { outcome: 'unsupported', detail: `${WHY}: no slice created` },
  fallback: {
    mechanism: 'rollback',
    detail: `${WHY}: fallback rollback (Integrated Dell Remote Access Controller 1.98, BIOS 6.1.0) plus firmwarden's verified store copies`,
  },
});
const VOLUME = '/redfish/v1/Systems/175XR7918R6/Storage/RAIDIntegrated/Volumes/1';
const created = (server: string): ServerInitReport => ({
  server,
  init: {
    outcome: 'created',
    volume: VOLUME,
    detail: `created ${VOLUME}: RAID1 (1 GiB) mirrored on Disk-1-0 and Disk-1-1: one failed drive does not lose the copies`,
  },
});
const count = (text: string, part: string) => text.split(part).length - 1;

describe('backup init text', () => {
  const reports = [
    created('sim-0001'),
    ...Array.from({ length: 10 }, (_, i) => fallbackReport(`sim-${String(i + 2).padStart(4, '0')}`)),
    { server: 'sim-0012', error: { code: 'FW_ERR_REDFISH_HTTP', message: 'connection refused' } },
  ];

  it('prints a detail shared by 10 of 12 servers once, below the table, each row pointing at it', () => {
    const text = renderInit(reports);
    expect(count(text, WHY)).toBe(1);
    expect(text).toMatch(/^\[\d+\] the BMC does not offer volumes/m);
    const rows = text.split('\n').filter((l) => /^sim-00(0[2-9]|1[01]) /.test(l));
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row).toMatch(/unsupported → rollback\s+\[\d+\]: \[\d+\]$/);
    expect(text).toMatch(/^sim-0012\s+FAILED\s+connection refused$/m);
  });

  it('fits 120 columns piped, and the terminal when it is narrower; the volume is not repeated', () => {
    const table = (t: string) => t.split('\n\n')[0]!.split('\n');
    for (const l of table(renderInit(reports))) expect(l.length).toBeLessThanOrEqual(120);
    for (const l of table(renderInit(reports, 80))) expect(l.length).toBeLessThanOrEqual(80);
    expect(count(renderInit(reports), VOLUME)).toBe(1);
  });
});

const finding = (kind: string, detail: string) =>
  ({ kind, component: 'BIOS', uri: '/fw/bios', seen: 'x', detail }) as ComponentBackup['findings'][number];
const component = (fields: Partial<ComponentBackup>): ComponentBackup => ({
  component: 'Contoso BIOS Firmware',
  kind: 'bios',
  uri: '/fw/bios',
  key: 'k',
  version: 'P79 v1.96',
  store: { state: 'ok' },
  slice: { state: 'ok' },
  findings: [],
  notes: [],
  ...fields,
});
const server = (
  name: string,
  components: ComponentBackup[],
  detail = 'slice /v/1 (RAID1, 1 GiB)',
): ServerBackupReport => ({
  server: name,
  vendor: 'generic',
  mechanism: 'slice',
  detail,
  components,
  corrupted: 0,
  unprotected: 0,
  notCheckable: 0,
});

describe('backup check / restore text', () => {
  const DIGEST =
    'Contoso BIOS Firmware: image read back via ImageDataURI has sha256 e7b1 (4344 bytes), catalog says 8d39';
  const MEASURE =
    'Contoso BIOS Firmware: SPDM MutableFirmware measurement 2+fK differs from the baseline Hz5H';

  it('a restored image names its findings once (check printed them in full)', () => {
    const text = renderReports([
      server('sim-0001', [
        component({
          findings: [finding('digest', DIGEST), finding('measurement', MEASURE)],
          restore: {
            source: 'slice',
            outcome: 'verified',
            detail:
              'Contoso BIOS Firmware now at P79 v1.96, image reads back as the catalog image (restored from the slice)',
          },
        }),
      ]),
    ]);
    expect(count(text, DIGEST)).toBeLessThanOrEqual(1);
    expect(count(text, MEASURE)).toBeLessThanOrEqual(1);
    expect(text).toContain('(restored from the slice); found: digest, measurement');
  });

  it('a refused restore that quotes a finding does not print it twice', () => {
    const SLICE =
      'Contoso BIOS Firmware: slice copy /fw/SliceCopy-BIOS reads back with sha256 e7b1, catalog says 8d39: the copy is not used';
    const text = renderReports([
      server('sim-0001', [
        component({
          store: { state: 'missing' },
          slice: { state: 'corrupt', detail: SLICE },
          findings: [
            finding('health', 'Contoso BIOS Firmware: Status.Health is Critical'),
            finding('slice-copy', SLICE),
          ],
          restore: {
            source: 'store',
            outcome: 'refused',
            detail: `sim-0001: refusing to restore Contoso BIOS Firmware: the slice copy fails its digest and is not used (${SLICE}); no verified store copy (missing)`,
          },
        }),
      ]),
    ]);
    expect(count(text, SLICE)).toBe(1);
    expect(count(text, 'Status.Health is Critical')).toBe(1);
    expect(text).toContain('is not used (the slice-copy finding above)');
  });

  it('servers with nothing to say per image and the same fallback share one line', () => {
    const why = 'the BMC does not offer volumes as update targets: fallback rollback plus store copies';
    const quiet = (n: string) => ({
      ...server(n, [component({})], why),
      vendor: 'dell',
      mechanism: 'rollback' as const,
    });
    const text = renderReports([quiet('sim-0002'), quiet('sim-0008'), quiet('sim-0014')]);
    expect(count(text, why)).toBe(1);
    expect(text).toContain(`sim-0002, sim-0008, sim-0014 (dell): rollback: ${why}`);
  });
});

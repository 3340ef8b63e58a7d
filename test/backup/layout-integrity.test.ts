/** The pure parts: slice sizing and layout, version readability. */
import { describe, expect, it } from 'vitest';
import { type DriveRoom, planSlice, sliceSize, versionProblem } from '../../src/backup/index.ts';

const GiB = 1024 ** 3;
const drive = (name: string, free: number | undefined, healthy = true): DriveRoom => ({
  uri: `/redfish/v1/Drives/${name}`,
  name,
  capacityBytes: 600 * GiB,
  freeBytes: free,
  healthy,
});

describe('slice sizing and layout', () => {
  it.each([
    [0, 1],
    [8192, 1],
    [600 * 1024 * 1024, 2],
  ])('%i bytes of images → %i GiB', (bytes, gib) => {
    expect(sliceSize(bytes)).toBe(gib * GiB);
  });

  it.each([
    [
      'two drives with room: RAID1 on the roomiest',
      [drive('a', 5 * GiB), drive('b', 50 * GiB), drive('c', 9 * GiB)],
      'RAID1',
      ['b', 'c'],
    ],
    ['one drive with room: RAID0', [drive('a', 0), drive('b', 5 * GiB)], 'RAID0', ['b']],
    ['a failed drive is not used', [drive('a', 50 * GiB, false), drive('b', 5 * GiB)], 'RAID0', ['b']],
    [
      'unknown free space counts as room',
      [drive('a', undefined), drive('b', undefined)],
      'RAID1',
      ['a', 'b'],
    ],
  ])('%s', (_name, drives, raid, picked) => {
    const layout = planSlice(drives, ['RAID0', 'RAID1', 'RAID5'], GiB);
    expect(layout).toMatchObject({ raidType: raid });
    expect('drives' in layout && layout.drives.map((d) => d.name)).toEqual(picked);
  });

  it('says how much each drive has free when nothing fits', () => {
    const layout = planSlice([drive('a', 0), drive('b', 512 * 1024 * 1024)], ['RAID0', 'RAID1'], GiB);
    expect(layout).toEqual({ problem: 'no free capacity for a 1 GiB slice: a 0 B free, b 512 MiB free' });
  });

  it('RAID0 when the controller builds no RAID1', () => {
    const layout = planSlice([drive('a', 9 * GiB), drive('b', 9 * GiB)], ['RAID0', 'RAID5'], GiB);
    expect(layout).toMatchObject({ raidType: 'RAID0', why: expect.stringMatching(/does not build RAID1/) });
  });
});

describe('version readability', () => {
  it.each([
    ['7.00.00.184', undefined],
    ['U30 v2.90 (07/20/2023)', undefined],
    ['TEI3E4D-4.12', undefined],
    ['0x31', undefined],
    ['', 'empty'],
    ['   ', 'empty'],
    ['\u00ff\u00ff\u00ff\u00ff\u0000', 'garbled'],
    ['\ufffd\ufffd1.2', 'garbled'],
    ['unknown', 'garbled'],
  ])('%j → %s', (version, problem) => {
    expect(versionProblem(version)).toBe(problem);
  });
});

/**
 * How big the slice is and where it goes (pure): the size is the images it will hold twice over
 * (the next version is staged before the old copy is replaced) plus a margin, rounded up to whole
 * GiB as controllers allocate; RAID1 over two healthy drives with room, else RAID0 on one.
 */
import { formatBytes } from '../format-bytes.ts';

/** Drive and volume facts the layout needs (read by storage-read.ts). */
export interface DriveRoom {
  uri: string;
  name: string;
  capacityBytes: number;
  /** Bytes no volume takes; undefined when a volume on the controller does not say its drives. */
  freeBytes: number | undefined;
  healthy: boolean;
}

export interface SliceLayout {
  raidType: 'RAID1' | 'RAID0';
  drives: DriveRoom[];
  capacityBytes: number;
  /** Why this RAID type and these drives, for the user. */
  why: string;
}

export const SLICE_SIZING = {
  /** Room for a staged next version beside each current copy. */
  copies: 2,
  marginBytes: 64 * 1024 * 1024,
  /** Controllers allocate in large units; a GiB is the smallest slice worth managing. */
  roundBytes: 1024 ** 3,
} as const;

/** Slice capacity for `imageBytes` of images. */
export function sliceSize(imageBytes: number): number {
  const need = imageBytes * SLICE_SIZING.copies + SLICE_SIZING.marginBytes;
  return Math.max(1, Math.ceil(need / SLICE_SIZING.roundBytes)) * SLICE_SIZING.roundBytes;
}

/** Drives' worth of data of a RAID set of `n` drives (the rest is mirror or parity). */
export function dataDrives(raidType: string, n: number): number {
  switch (raidType) {
    case 'RAID1':
      return 1;
    case 'RAID5':
      return n - 1;
    case 'RAID6':
    case 'RAID50':
      return n - 2;
    case 'RAID10':
      return n / 2;
    case 'RAID60':
      return n - 4;
    default:
      return n;
  }
}

export { formatBytes };

/**
 * Picks RAID type and drives for a slice of `capacityBytes`, or says why none fits. Drives whose
 * free space is unknown are taken as having room (the BMC's answer decides).
 */
export function planSlice(
  drives: readonly DriveRoom[],
  raidTypes: readonly string[],
  capacityBytes: number,
): SliceLayout | { problem: string } {
  const room = (d: DriveRoom) => d.freeBytes === undefined || d.freeBytes >= capacityBytes;
  const usable = drives
    .filter((d) => d.healthy && room(d))
    .sort((a, b) => (b.freeBytes ?? Number.MAX_SAFE_INTEGER) - (a.freeBytes ?? Number.MAX_SAFE_INTEGER));
  const can = (t: string) => raidTypes.length === 0 || raidTypes.includes(t);
  const size = formatBytes(capacityBytes);
  if (usable.length >= 2 && can('RAID1')) {
    const pair = usable.slice(0, 2);
    return {
      raidType: 'RAID1',
      drives: pair,
      capacityBytes,
      why: `RAID1 (${size}) mirrored on ${pair.map((d) => d.name).join(' and ')}: one failed drive does not lose the copies`,
    };
  }
  if (usable.length >= 1 && can('RAID0')) {
    const one = usable[0] as DriveRoom;
    const reason =
      usable.length >= 2
        ? 'the controller does not build RAID1'
        : `only ${one.name} has ${size} free (RAID1 needs two drives)`;
    return {
      raidType: 'RAID0',
      drives: [one],
      capacityBytes,
      why: `RAID0 (${size}) on ${one.name}: ${reason}; a failure of that drive loses the slice, firmwarden's store keeps its own copies`,
    };
  }
  const healthy = drives.filter((d) => d.healthy);
  if (healthy.length === 0) return { problem: 'no healthy drive on the controller' };
  const free = healthy
    .map((d) => `${d.name} ${d.freeBytes === undefined ? '?' : formatBytes(d.freeBytes)} free`)
    .join(', ');
  return { problem: `no free capacity for a ${size} slice: ${free}` };
}

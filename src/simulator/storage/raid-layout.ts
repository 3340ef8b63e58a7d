/**
 * RAID arithmetic of the simulated controllers: how many drives each RAID type needs, how much
 * of each drive a volume takes for a given capacity, and what capacity a per-drive extent gives.
 * Pure: numbers in, numbers out.
 */

interface RaidRule {
  /** Drive counts the type accepts. */
  accepts(n: number): boolean;
  /** Drives' worth of data (the rest is parity or mirror). */
  dataDrives(n: number): number;
  /** What the controller says when the count is wrong. */
  needs: string;
}

const RULES: Record<string, RaidRule> = {
  RAID0: { accepts: (n) => n >= 1, dataDrives: (n) => n, needs: 'at least 1 drive' },
  RAID1: { accepts: (n) => n === 2, dataDrives: () => 1, needs: 'exactly 2 drives' },
  RAID5: { accepts: (n) => n >= 3, dataDrives: (n) => n - 1, needs: 'at least 3 drives' },
  RAID6: { accepts: (n) => n >= 4, dataDrives: (n) => n - 2, needs: 'at least 4 drives' },
  RAID10: {
    accepts: (n) => n >= 4 && n % 2 === 0,
    dataDrives: (n) => n / 2,
    needs: 'an even number of drives, at least 4',
  },
  RAID50: { accepts: (n) => n >= 6 && n % 2 === 0, dataDrives: (n) => n - 2, needs: 'at least 6 drives' },
  RAID60: { accepts: (n) => n >= 8 && n % 2 === 0, dataDrives: (n) => n - 4, needs: 'at least 8 drives' },
};

/** Why `n` drives cannot make this RAID type, or undefined when they can. */
export function driveCountProblem(raidType: string, n: number): string | undefined {
  const rule = RULES[raidType];
  if (rule === undefined) return `${raidType} is not a RAID type this controller builds`;
  return rule.accepts(n) ? undefined : `${raidType} needs ${rule.needs}, got ${n}`;
}

/** Bytes each member drive gives to a volume of `capacity` bytes. */
export function extentFor(raidType: string, n: number, capacity: number): number {
  const data = RULES[raidType]?.dataDrives(n) ?? n;
  return Math.ceil(capacity / data);
}

/** Volume capacity from a per-drive extent. */
export function capacityFor(raidType: string, n: number, extent: number): number {
  return extent * (RULES[raidType]?.dataDrives(n) ?? n);
}

/** The RAID type a filler volume over all `n` drives uses (the no-free-capacity fault). */
export function fillerRaidType(n: number): string {
  if (n >= 4 && n % 2 === 0) return 'RAID10';
  if (n === 3) return 'RAID5';
  if (n === 2) return 'RAID1';
  return 'RAID0';
}

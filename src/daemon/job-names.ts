/**
 * The daemon's jobs and the outcomes a run of one can have. Job names are also the file names of
 * the thin bree job files in jobs/, the lease names (`job:<name>`) and the journal events
 * (`job-<name>`).
 */
import { z } from 'zod';

export const JobName = {
  /** Sweep the fleet, save every server's inventory snapshot, journal a summary. */
  inventoryScan: 'inventory-scan',
  /** Poll the catalog source; when it changed, download the new entries' images. */
  catalogWatch: 'catalog-watch',
  /** Start or resume the configured rollout inside its maintenance windows. */
  rolloutWindow: 'rollout-window',
  /** Run the registered integrity checks (backup slices); none are registered yet. */
  integrityCheck: 'integrity-check',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];
export const JOB_NAMES = Object.values(JobName) as [JobName, ...JobName[]];
export const JobNameSchema = z.enum(JOB_NAMES);

export const JobOutcome = {
  /** The job did all it had to do (which may be nothing: "catalog unchanged"). */
  ok: 'ok',
  /** It ran to the end but part of the work failed (some servers unreachable, some images). */
  partial: 'partial',
  /** It could not do its work (bad input, source unreachable, timed out, crashed). */
  failed: 'failed',
  /**
   * It did not run: another run holds its lease, the previous run in this daemon is still busy,
   * or it has nothing to run (no integrity checker configured).
   */
  skipped: 'skipped',
  /** Stopped by shutdown (SIGINT/SIGTERM) before it finished. */
  cancelled: 'cancelled',
} as const;
export type JobOutcome = (typeof JobOutcome)[keyof typeof JobOutcome];

/** The journal event of a job's runs. */
export function jobEvent(name: JobName): string {
  return `job-${name}`;
}

/**
 * The store lease a run holds while it works. In a cluster, rollout-window runs on every
 * instance at once (they share the rollout through claims), so its lease is per instance.
 */
export function jobLeaseName(name: JobName, clusterInstance?: string): string {
  return name === 'rollout-window' && clusterInstance !== undefined
    ? `job:${name}@${clusterInstance}`
    : `job:${name}`;
}

/** Exit code of a worker or of `daemon --once`: 0 ok or skipped (nothing to do), 1 otherwise. */
export function exitCodeOf(outcome: JobOutcome): number {
  return outcome === 'ok' || outcome === 'skipped' ? 0 : 1;
}

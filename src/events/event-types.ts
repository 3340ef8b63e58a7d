/**
 * The CloudEvents types firmwarden emits, each with the journal events that fold into it. The
 * journal is the only source: a type exists here only when something appends its journal event.
 */
import { z } from 'zod';

export const EventType = {
  /** rollout-created: the daemon's rollout-window job created the configured rollout. */
  rolloutCreated: 'io.firmwarden.rollout.created',
  /** drive-start: a driver started or resumed the rollout. */
  rolloutStarted: 'io.firmwarden.rollout.started',
  /** rollout-paused (failure budget spent, or attempted but not converged), rollout-pause-requested. */
  rolloutPaused: 'io.firmwarden.rollout.paused',
  /** rollout-abort-requested: stopped for good by a person. */
  rolloutAborted: 'io.firmwarden.rollout.aborted',
  /** rollout-completed: every server at target, acting version = target on every line. */
  rolloutCompleted: 'io.firmwarden.rollout.completed',
  /** step-done: one server passed its gates and is back in service (undrained). */
  rolloutServerDone: 'io.firmwarden.rollout.server-done',
  /** server-failed: one server's update or gates failed (it may be left drained). */
  rolloutServerFailed: 'io.firmwarden.rollout.server-failed',
  /**
   * outcome with outcome "verified" (a rollout: one component reads back at its target version), or
   * update-verified (`firmwarden update`: one server, every component verified).
   */
  updateSucceeded: 'io.firmwarden.update.succeeded',
  /** outcome with outcome "failed", or update-failed (`firmwarden update`: a server failed or partly). */
  updateFailed: 'io.firmwarden.update.failed',
  /** backup.corruption: an installed embedded image was found corrupt (journaled by src/backup). */
  backupCorruptionDetected: 'io.firmwarden.backup.corruption-detected',
  /** backup.restore with outcome "verified": the image was restored and reads back healthy. */
  backupRestored: 'io.firmwarden.backup.restored',
  /** backup.restore with outcome "staged": restored, active after the next host reset (then .restored). */
  backupRestoreStaged: 'io.firmwarden.backup.restore-staged',
  /** backup.restore with outcome "failed" or "refused" (no verified copy to restore from). */
  backupRestoreFailed: 'io.firmwarden.backup.restore-failed',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];
export const EVENT_TYPES = Object.values(EventType) as [EventType, ...EventType[]];

/** A type filter: an exact type, or a prefix ending in ".*" ("io.firmwarden.rollout.*"). */
export const EventTypePatternSchema = z.string().refine((p) => EVENT_TYPES.some((t) => typeMatches(p, t)), {
  error: (issue) =>
    `${JSON.stringify(issue.input)} matches no event type; known: ${EVENT_TYPES.join(', ')} (or a prefix such as io.firmwarden.rollout.*)`,
});

/** Whether `type` is selected by `pattern`. */
export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

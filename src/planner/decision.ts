/**
 * The plan's vocabulary: what the planner decides for one installed component. One place, as
 * `as const` + z.enum (STYLE.md), each value with the one-line rule that produces it.
 */
import { z } from 'zod';

/** What the plan says about one installed component (or one unreadable server). */
export const Decision = {
  /** A matching catalog entry is newer than the installed version: flash it (in `step` order). */
  upgrade: 'upgrade',
  /** The installed version equals the target (the highest matching entry, or the pinned one). */
  upToDate: 'up-to-date',
  /** The installed version is newer than every matching entry (a downgrade needs allowDowngrade). */
  newerThanCatalog: 'newer-than-catalog',
  /** Installed is newer than the target and the policy allows downgrades: flash the older image. */
  downgrade: 'downgrade',
  /** No catalog entry matches this component on this server (vendor, model and identity checked). */
  noCatalogEntry: 'no-catalog-entry',
  /** Installed and catalog versions, or several candidate entries, cannot be ordered: needs a human. */
  incomparableVersion: 'incomparable-version',
  /** An upgrade exists but minimumInstalledVersion is not met or an `after` entry is not satisfied. */
  blockedByPrerequisite: 'blocked-by-prerequisite',
  /** An upgrade exists but the BMC reports Updateable false for the component. */
  notUpdateable: 'not-updateable',
  /** The policy keeps it out: kind denied or not allowed, below the criticality threshold, pinned. */
  excludedByPolicy: 'excluded-by-policy',
  /** The server's inventory could not be read; its one decision carries the inventory error. */
  unreadableServer: 'unreadable-server',
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];
export const DecisionSchema = z.enum(Object.values(Decision) as [Decision, ...Decision[]]);

/** Decisions the executor acts on: they flash an image. */
export const ACTION_DECISIONS: ReadonlySet<Decision> = new Set([Decision.upgrade, Decision.downgrade]);

/** True when the decision flashes an image. */
export function isAction(decision: Decision): boolean {
  return ACTION_DECISIONS.has(decision);
}

/** How an installed component stands against its target, for the compliance summary. */
export const Compliance = {
  /** Installed equals the target, or is newer and no downgrade is planned. */
  compliant: 'compliant',
  /** Installed is older than the target, or newer where the policy plans a downgrade. */
  outdated: 'outdated',
  /** No entry, versions that cannot be ordered, or an unreadable server. */
  unknown: 'unknown',
} as const;
export type Compliance = (typeof Compliance)[keyof typeof Compliance];
export const ComplianceSchema = z.enum(Object.values(Compliance) as [Compliance, ...Compliance[]]);

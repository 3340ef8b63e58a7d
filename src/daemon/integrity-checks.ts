/**
 * The integrity-check job's registry: named check functions the backup feature (and anything else
 * that inspects installed firmware) plugs in. The job runs every registered check and records each
 * one's own findings. A check that had nothing to look at (no fleet, no catalog) says so as
 * `skipped` and claims nothing about the fleet; with every check skipped, or none registered, the
 * run is skipped. Checks are listed in INTEGRITY_CHECK_PROVIDERS, because a job runs in a fresh
 * worker thread: a registration made elsewhere at runtime would not be there.
 */
import type { Deps } from '../deps.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import type { Store } from '../store/types.ts';
import { BACKUP_CHECK_NAME, backupSliceCheck } from './backup-check.ts';
import type { DaemonConfig } from './load-config.ts';

/** What a check gets. */
export interface IntegrityCheckContext {
  /** Servers of the configured fleet file (empty when the config names none). */
  servers: ResolvedServer[];
  store: Store;
  deps: Deps;
  /** The daemon's image store folder (verified copies of installed images). */
  images: string;
  stateDir: string;
  /** The whole daemon config (catalog source, backup settings). */
  config: DaemonConfig;
  /** Journal actor of the run. */
  actor: string;
  signal: AbortSignal;
}

/** One problem a check found on one server. */
export interface IntegrityFinding {
  server: string;
  /** e.g. "backup-missing", "image-corrupt", "restored". */
  problem: string;
  detail?: string;
}

/** What one check reports about the servers it looked at. */
export interface IntegrityCheckResult {
  /** Servers the check actually inspected. */
  checked: number;
  /** Set when the check could not look at anything, and why ("no catalog is configured"). */
  skipped?: string;
  findings: IntegrityFinding[];
  /** Said in the run's summary, not problems: what the check could not look at ("3 images not checkable"). */
  warnings?: string[];
  /** Anything else to journal (JSON-serializable). */
  data?: Record<string, unknown>;
}

export type IntegrityCheck = (ctx: IntegrityCheckContext) => Promise<IntegrityCheckResult>;

/** A registry of named checks. */
export class IntegrityCheckRegistry {
  readonly #checks = new Map<string, IntegrityCheck>();

  /** Adds a check; a second check under the same name is a programming error. */
  register(name: string, check: IntegrityCheck): this {
    if (this.#checks.has(name)) throw new Error(`integrity check "${name}" is registered twice`);
    this.#checks.set(name, check);
    return this;
  }

  list(): Array<{ name: string; check: IntegrityCheck }> {
    return [...this.#checks].map(([name, check]) => ({ name, check }));
  }

  get size(): number {
    return this.#checks.size;
  }
}

/** Functions that register checks into a registry: the backup slice check (backup-check.ts). */
export const INTEGRITY_CHECK_PROVIDERS: Array<(registry: IntegrityCheckRegistry) => void> = [
  (r) => r.register(BACKUP_CHECK_NAME, backupSliceCheck),
];

/** The registry the integrity-check job runs. */
export function defaultIntegrityChecks(): IntegrityCheckRegistry {
  const registry = new IntegrityCheckRegistry();
  for (const provide of INTEGRITY_CHECK_PROVIDERS) provide(registry);
  return registry;
}

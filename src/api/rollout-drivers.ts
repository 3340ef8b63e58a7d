/**
 * Rollouts started or resumed through the API are driven inside the serve process, in the
 * background. The driver's store lease keeps one driver per rollout across processes: before
 * answering, the API takes that lease itself (same holder as the driver it then starts), so a
 * rollout a CLI or daemon drives is refused with 409 at once rather than failing unseen later.
 * A resume that arrives while this process's driver winds down (after a pause) starts it again.
 * With a cluster section in the config, the rollout is shared: the driver joins it as one more
 * instance instead.
 */

import type { DaemonConfig } from '../daemon/load-config.ts';
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import { DRIVE_DEFAULTS, driveRollout } from '../rollout/driver.ts';
import type { Store } from '../store/types.ts';
import { ApiError } from './api-errors.ts';

export interface DriverOptions {
  store: Store;
  deps: Deps;
  stateDir: string;
  /** Lease holder and journal actor of the drivers: "api:<pid>@<host>". */
  actor: string;
  /** The daemon config's cluster section: drivers join rollouts as one more instance. */
  cluster?: DaemonConfig['cluster'];
}

export class RolloutDrivers {
  readonly #opts: DriverOptions;
  readonly #running = new Map<string, { done: Promise<void>; again: boolean }>();
  readonly #abort = new AbortController();

  constructor(opts: DriverOptions) {
    this.#opts = opts;
  }

  /** Whether this process drives the rollout now. */
  driving(id: string): boolean {
    return this.#running.has(id);
  }

  /** Rollouts driven here. */
  ids(): string[] {
    return [...this.#running.keys()];
  }

  /**
   * Makes sure a driver runs for the rollout here. Throws FW_API_ROLLOUT_LOCKED when another
   * process holds its lease.
   */
  async ensure(id: string): Promise<void> {
    const current = this.#running.get(id);
    if (current) {
      current.again = true;
      return;
    }
    const { store, actor } = this.#opts;
    // In a cluster the rollout is shared: this process joins it (claims, coordinator lease).
    if (this.#opts.cluster) {
      this.#launch(id);
      return;
    }
    const lease = await store.acquireLease(`rollout:${id}`, actor, DRIVE_DEFAULTS.leaseTtlMs);
    if (lease.holder !== actor) {
      throw new ApiError(
        'FW_API_ROLLOUT_LOCKED',
        `rollout ${id} is driven by ${lease.holder} (lease until ${lease.expiresAt}); pause it there or wait for the lease to expire`,
      );
    }
    this.#launch(id);
  }

  #launch(id: string): void {
    const { store, deps, stateDir, actor, cluster } = this.#opts;
    const logger = deps.logger.child({ rollout: id });
    const entry = { done: Promise.resolve(), again: false };
    entry.done = (async () => {
      try {
        const after = await driveRollout(id, deps, {
          store,
          actor,
          stateDir,
          ...(cluster
            ? { cluster, ...(cluster.leaseTtlMs !== undefined ? { leaseTtlMs: cluster.leaseTtlMs } : {}) }
            : {}),
          signal: this.#abort.signal,
          onEvent: (e) => logger.info({ event: e }, `rollout ${e.type}`),
        });
        logger.info({ status: after.status, note: after.note }, 'rollout driver stopped');
      } catch (err) {
        if (!this.#abort.signal.aborted || !(err instanceof FirmwardenError))
          logger.error({ err: describeError(err) }, 'rollout driver failed');
      } finally {
        this.#running.delete(id);
      }
      if (entry.again && !this.#abort.signal.aborted) {
        const r = await store.getRollout(id).catch(() => undefined);
        if (r && (r.status === 'running' || r.status === 'pending'))
          await this.ensure(id).catch((err) => logger.warn({ err: describeError(err) }, 'restart refused'));
      }
    })();
    this.#running.set(id, entry);
  }

  /** Resolves when no driver runs here (tests). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  /** Stops every driver (servers in flight finish their step or are resumed later) and waits. */
  async stop(): Promise<void> {
    this.#abort.abort(new FirmwardenError('FW_ERR_JOB_CANCELLED', 'api server shutting down'));
    await this.idle();
  }
}

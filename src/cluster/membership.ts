/**
 * One driver's membership in a rollout: its instance heartbeat row (so others know it is alive
 * and leave its servers alone) and the rollout's coordinator lease (`rollout:<id>`: whoever holds
 * it publishes acting versions and decides pause and completion). Both renew on one timer every
 * third of the TTL. Losing the heartbeat for too long fences the instance (its work is aborted:
 * others will adopt its servers); losing the coordinator lease makes it a worker again.
 */
import type { Clock } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import type { Lease, Store } from '../store/types.ts';
import { CLUSTER_DEFAULTS } from './defaults.ts';
import { holderIsDead } from './liveness.ts';

export interface MemberIdentity {
  /** Unique per process ("daemon:4242@mgmt-01"): the holder of leases and servers. */
  id: string;
  /** Configured name for status views ("fra1-a"). */
  name: string;
  labels: Record<string, string | string[]>;
}

export interface MembershipEvents {
  /** Became coordinator (`from`: the previous holder whose lease expired or who died). */
  onLead?: (from: string | undefined) => void;
  /** Lost the coordinator lease to `to`. */
  onDemoted?: (to: string) => void;
  /** The heartbeat could not be renewed in time: stop working. */
  onFenced?: (err: FirmwardenError) => void;
  onError?: (err: unknown) => void;
}

export class Membership {
  readonly #store: Store;
  readonly #rolloutId: string;
  readonly #me: MemberIdentity;
  readonly #ttl: number;
  readonly #clock: Clock;
  readonly #events: MembershipEvents;
  #leading = false;
  /** The last other holder seen on the lease: named when this instance takes over from it. */
  #seenHolder: string | undefined;
  #lastBeat = 0;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(
    store: Store,
    rolloutId: string,
    me: MemberIdentity,
    opts: { ttlMs: number; clock: Clock; events?: MembershipEvents },
  ) {
    this.#store = store;
    this.#rolloutId = rolloutId;
    this.#me = me;
    this.#ttl = opts.ttlMs;
    this.#clock = opts.clock;
    this.#events = opts.events ?? {};
  }

  get leaseName(): string {
    return `rollout:${this.#rolloutId}`;
  }

  /** Whether this instance coordinates the rollout now. */
  get leading(): boolean {
    return this.#leading;
  }

  /** First heartbeat, then renewals every ttl/3 until `leave()`. */
  async join(): Promise<void> {
    await this.beat();
    this.#timer = setInterval(() => void this.#renew(), Math.max(250, this.#ttl / 3));
    this.#timer.unref();
  }

  async beat(): Promise<void> {
    await this.#store.heartbeat(this.#me, this.#ttl);
    this.#lastBeat = this.#clock.now();
  }

  /**
   * Tries to take the coordinator lease (free, expired, or held by a dead process on this host);
   * returns the lease as it stands afterwards.
   */
  async lead(): Promise<Lease> {
    let lease = await this.#store.acquireLease(this.leaseName, this.#me.id, this.#ttl);
    let from: string | undefined;
    if (lease.holder !== this.#me.id && holderIsDead(lease.holder)) {
      // kill -9 leaves the lease behind until it expires; a dead pid on this host proves it stale.
      from = lease.holder;
      await this.#store.append({
        actor: this.#me.id,
        rolloutId: this.#rolloutId,
        event: 'lease-taken-over',
        data: { from },
      });
      await this.#store.releaseLease(this.leaseName, lease.holder);
      lease = await this.#store.acquireLease(this.leaseName, this.#me.id, this.#ttl);
    }
    const won = lease.holder === this.#me.id;
    if (!won) this.#seenHolder = lease.holder;
    if (won && !this.#leading) {
      this.#leading = true;
      this.#events.onLead?.(from ?? this.#seenHolder);
    }
    return lease;
  }

  /** Stops renewing; releases the coordinator lease if held and removes the heartbeat row. */
  async leave(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    const wasLeading = this.#leading;
    this.#leading = false;
    if (wasLeading) await this.#store.releaseLease(this.leaseName, this.#me.id);
    await this.#store.leaveCluster(this.#me.id);
  }

  async #renew(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      try {
        await this.beat();
      } catch (err) {
        this.#events.onError?.(err);
        const silentFor = this.#clock.now() - this.#lastBeat;
        if (silentFor > this.#ttl * CLUSTER_DEFAULTS.fenceAfterTtlShare) {
          this.#events.onFenced?.(
            new FirmwardenError(
              'FW_ERR_CLUSTER_FENCED',
              `instance ${this.#me.name}: no heartbeat for ${silentFor} ms (ttl ${this.#ttl} ms): stopping its servers (${describeError(err)})`,
              { cause: err },
            ),
          );
        }
        return;
      }
      if (this.#leading) {
        const lease = await this.#store.acquireLease(this.leaseName, this.#me.id, this.#ttl);
        if (lease.holder !== this.#me.id) {
          this.#leading = false;
          this.#events.onDemoted?.(lease.holder);
        }
      }
    } catch (err) {
      this.#events.onError?.(err);
    } finally {
      this.#busy = false;
    }
  }
}

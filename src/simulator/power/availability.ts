/**
 * Whether a simulated host is available — powered on, not resetting, its BMC answering — and the
 * intervals it was not, so a rollout test can check how many hosts were out of service at once.
 */
import type { SimAvailabilityInterval, SimHostAvailability, SimUnavailableReason } from '../types.ts';

export class AvailabilityTracker implements SimHostAvailability {
  readonly #reasons = new Set<SimUnavailableReason>();
  readonly #intervals: SimAvailabilityInterval[] = [];
  readonly #listeners: Array<(available: boolean) => void> = [];

  get available(): boolean {
    return this.#reasons.size === 0;
  }

  get intervals(): readonly SimAvailabilityInterval[] {
    return this.#intervals;
  }

  /** Turns one reason for unavailability on or off. */
  set(reason: SimUnavailableReason, on: boolean): void {
    const was = this.available;
    if (on) this.#reasons.add(reason);
    else this.#reasons.delete(reason);
    const now = this.available;
    const current = this.#intervals.at(-1);
    if (was && !now) this.#intervals.push({ start: Date.now(), reasons: [...this.#reasons] });
    else if (!now && current !== undefined && current.end === undefined) {
      for (const r of this.#reasons) if (!current.reasons.includes(r)) current.reasons.push(r);
    }
    if (!was && now && current !== undefined) current.end = Date.now();
    if (was !== now) for (const l of this.#listeners) l(now);
  }

  /** Calls `fn` whenever the host becomes available or unavailable. */
  onChange(fn: (available: boolean) => void): void {
    this.#listeners.push(fn);
  }
}

/** A fleet-wide live count of unavailable hosts and its peak. */
export class FleetAvailability {
  #current = 0;
  #peak = 0;

  /** Follows a host's changes (hosts that start unavailable count at once). */
  track(host: AvailabilityTracker): void {
    if (!host.available) this.#change(1);
    host.onChange((available) => this.#change(available ? -1 : 1));
  }

  #change(delta: number): void {
    this.#current += delta;
    if (this.#current > this.#peak) this.#peak = this.#current;
  }

  get current(): number {
    return this.#current;
  }

  get peak(): number {
    return this.#peak;
  }

  reset(): void {
    this.#peak = this.#current;
  }
}

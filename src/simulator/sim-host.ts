/**
 * What the update, task and power modules of a simulated BMC may touch: the BmcContext plus its
 * timing, timers, fault switches, history and sibling modules. SimulatedBmc implements it.
 */
import type { BmcContext } from './bmc-context.ts';
import type { AvailabilityTracker } from './power/availability.ts';
import type { HostPower } from './power/host-power.ts';
import type { Rng } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import type { SimStorage } from './storage/sim-storage.ts';
import type { TaskService } from './tasks/task-service.ts';
import type {
  SimImageFetchOptions,
  SimTiming,
  SimUpdateFaults,
  SimUpdateRecord,
  SimVendor,
} from './types.ts';
import type { UpdateEngine } from './update/update-engine.ts';

export interface SimHost extends BmcContext {
  readonly vendor: SimVendor;
  readonly timing: SimTiming;
  readonly scheduler: Scheduler;
  readonly updateFaults: SimUpdateFaults;
  readonly history: SimUpdateRecord[];
  readonly imageFetch: SimImageFetchOptions;
  /** Seeded per BMC: task and job ids. */
  readonly idRng: Rng;
  readonly tasks: TaskService;
  readonly power: HostPower;
  readonly updates: UpdateEngine;
  /** RAID volumes, the backup slice, installed image bytes, corruption and integrity. */
  readonly storage: SimStorage;
  readonly availabilityTracker: AvailabilityTracker;
  readonly rebooting: boolean;
  /** Reboots the BMC: it stops answering for timing.bmcRebootMs, then listens with no sessions. */
  rebootBmc(): void;
  /** The Location header value for a path, written the vendor's way (iLO: absolute, trailing slash). */
  location(path: string): string;
}

/**
 * What route handlers of a simulated BMC may touch: its profile, resources, sessions, counters
 * and credentials. SimulatedBmc implements it; handlers take it instead of the whole class.
 */
import type { VendorProfile } from './profiles/profile.ts';
import type { ResourceTree } from './resource-tree.ts';
import type { SessionStore } from './sessions.ts';
import type { SimHandler } from './sim-http.ts';
import type { SimStats } from './types.ts';

export interface BmcContext {
  readonly name: string;
  readonly profile: VendorProfile;
  readonly tree: ResourceTree;
  readonly sessions: SessionStore;
  /** The mutable counters behind `stats`. */
  readonly counters: SimStats;
  /** Base URL once listening ("" before). */
  readonly url: string;
  checkCredentials(username: string, password: string): boolean;
  /** Registers a route handler (later features: update actions, tasks, volumes). */
  route(method: string, path: string, handler: SimHandler): void;
}

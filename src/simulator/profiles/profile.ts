/**
 * What a vendor profile is: the behaviour knobs of a vendor's Redfish service (sessions, Basic
 * auth, message style, trailing slashes, $expand) and a `build` step that fills one BMC's resource
 * tree. Profiles are data plus a builder function; the BMC object owns state and handlers.
 */
import type { ExpandSupport } from '../odata-query.ts';
import type { MessageStyle, SimHttpError } from '../redfish-errors.ts';
import type { ResourceTree } from '../resource-tree.ts';
import type { Rng } from '../rng.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimHandler } from '../sim-http.ts';
import type { StoragePolicy } from '../storage/storage-policy.ts';
import type { SimVendor } from '../types.ts';
import type { UpdatePolicy } from '../update/update-policy.ts';

/** How the vendor runs sessions (SessionService, DSP0266 §13.3). */
export interface SessionPolicy {
  /** Simultaneous sessions before the service refuses a new one. */
  limit: number;
  /** The vendor's refusal once the limit is reached. */
  refuse(style: MessageStyle, limit: number): SimHttpError;
  /** Session Id for the n-th session (1-based) of a user. */
  newId(n: number, username: string): string;
  /** X-Auth-Token value. */
  newToken(): string;
  /** SessionService.SessionTimeout in seconds: the default idle expiry. */
  timeoutSeconds: number;
  /** DELETE of a session: 204 with no body, or 200 with a Base.Success message. */
  deleteAnswer: 'no-content' | 'success';
  /** Whether HTTP Basic authentication is accepted. */
  basicAuth: boolean;
}

/** Everything a profile's `build` needs to create one BMC's resources. */
export interface BmcBuilder {
  readonly name: string;
  readonly vendor: SimVendor;
  /** Position in the fleet (0 for a single BMC). */
  readonly index: number;
  readonly tree: ResourceTree;
  /** Seeded per BMC: serials, UUIDs and version variations. */
  readonly rng: Rng;
  /** The BMC's Redfish message style, for handlers that answer errors. */
  readonly messages: MessageStyle;
  /** The first value (the reference data) on BMC 0 and half the time elsewhere, else any value of the pool. */
  variant<T>(pool: readonly T[]): T;
  /** Registers a route handler on the BMC. */
  route(method: string, path: string, handler: SimHandler): void;
  /** Answers POST on an announced endpoint with 501 ActionNotSupported (Oem actions not simulated). */
  notImplemented(path: string, action: string): void;
}

export interface VendorProfile {
  readonly vendor: SimVendor;
  readonly messages: MessageStyle;
  /** HTTP Server header the vendor sends, if any. */
  readonly serverHeader?: string;
  /** HPE iLO writes every @odata.id with a trailing slash (and answers both forms). */
  readonly trailingSlash: boolean;
  /** $expand support announced in the ServiceRoot; undefined: $expand is ignored. */
  readonly expand?: ExpandSupport;
  readonly sessions: SessionPolicy;
  /** How the vendor runs updates, tasks and resets. */
  readonly updates: UpdatePolicy;
  /** How the vendor handles RAID volumes, the backup slice and image read-back. */
  readonly storage: StoragePolicy;
  /** Canonical paths the service answers without authentication besides the standard ones. */
  readonly publicPaths?: readonly string[];
  /** Fills the BMC's resource tree and registers vendor-specific routes. */
  build(b: BmcBuilder): void;
  /**
   * Registers vendor routes that need the running BMC (its update engine, sessions, timing); runs
   * last, so a route here replaces a shared one of the same method and path.
   */
  register?(host: SimHost): void;
  /** The firmware generation this profile imitates (e.g. "idrac9", "bmcweb-dbus-update"). */
  readonly generation?: string;
  /**
   * Other generations of the same family: each derives its profile from this one, changing only
   * what that firmware does differently (and naming its source where it does).
   */
  readonly generations?: Readonly<Record<string, (reference: VendorProfile) => VendorProfile>>;
}

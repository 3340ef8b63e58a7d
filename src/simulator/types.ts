/**
 * The simulator's public shapes: one simulated BMC, its fault switches and counters, and a fleet
 * of them. Other modules (CLI `simulate`, integration tests, benchmarks) code against these.
 */
import type { FleetFile } from '../fleet/schema.ts';
import type { Vendor } from '../vocab.ts';

/** Vendor profile a simulated BMC imitates; the same values as `Vendor` in src/vocab.ts. */
export type SimVendor = Vendor;

/** Fault switches of one BMC. Mutable: tests set fields directly or call `setFaults`. */
export interface SimFaults {
  /** Added before every response, with a timer (default 0). */
  latencyMs: number;
  /** 0..1 share of requests answered 500 with a Redfish error body (seeded RNG). */
  errorRate: number;
  /** The next `remaining` requests get 503 + Retry-After (0 = off). */
  unavailable: { remaining: number; retryAfterSeconds: number };
  /** 0..1 share of requests whose connection is reset without an answer (seeded RNG). */
  resetRate: number;
  /** Sessions expire after this idle time (0 = never). Defaults to the profile's SessionTimeout. */
  sessionTtlMs: number;
  /** Overrides the vendor's session limit. */
  maxSessions?: number;
}

/** Counters of one BMC, read live. */
export interface SimStats {
  openSessions: number;
  sessionsCreated: number;
  sessionsDeleted: number;
  /** Total HTTP requests answered or dropped. */
  requests: number;
  /** Requests being handled now, and the peak since the last reset. */
  inFlight: number;
  maxInFlight: number;
  /** "GET /redfish/v1/UpdateService/FirmwareInventory" → count (raw path, no query, no trailing slash). */
  byRoute: Record<string, number>;
  authFailures: number;
}

/** One simulated BMC listening on its own loopback port. */
export interface SimBmc {
  readonly name: string;
  readonly vendor: SimVendor;
  /** Base URL, e.g. https://127.0.0.1:40123 */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Lowercase hex sha256 of the leaf certificate DER, no colons (TLS only). */
  readonly certFingerprint256?: string;
  /** PEM of the CA that signed the certificate (TLS only). */
  readonly caPem?: string;
  faults: SimFaults;
  setFaults(p: Partial<SimFaults>): void;
  readonly stats: SimStats;
  resetStats(): void;
  /** Invalidates every session now (the session expiry switch). */
  expireSessions(): void;
  close(): Promise<void>;
}

export interface SimFleetOptions {
  count: number;
  /** Round-robin over these; default all six. */
  vendors?: SimVendor[];
  /** Default true: HTTPS with certificates signed by a fleet CA generated at start. */
  tls?: boolean;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: an ephemeral port per BMC; otherwise BMC i listens on basePort + i. */
  basePort?: number;
  /** Default 'sim-': names like sim-0001. */
  namePrefix?: string;
  latencyMs?: number;
  /** Seeds the per-BMC data variations and fault RNGs (default 1). */
  seed?: number;
  /** Default 'admin'. */
  username?: string;
  /** Default: random per fleet. */
  password?: string;
  /** Start the admin endpoint on this loopback port (0 = ephemeral). Absent: no admin endpoint. */
  adminPort?: number;
}

export interface SimFleet {
  readonly bmcs: SimBmc[];
  readonly caPem?: string;
  /** Base URL of the admin endpoint when `adminPort` was given. */
  readonly adminUrl?: string;
  bmc(name: string): SimBmc;
  /** A fleet document matching FleetFileSchema, naming the CA file and password file the caller writes. */
  fleetDocument(opts: { caFile?: string; passwordFile: string }): FleetFile;
  /** Writes fleet.yaml (or .json by extension), the CA PEM and a 0600 password file beside it. */
  writeFleetFile(path: string): Promise<{ fleetFile: string; caFile?: string; passwordFile: string }>;
  close(): Promise<void>;
}

export interface SimBmcOptions {
  vendor: SimVendor;
  /** Default true. */
  tls?: boolean;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default `sim-<vendor>`. */
  name?: string;
  /** Default 'admin'. */
  username?: string;
  /** Default: random. */
  password?: string;
  /** Seeds data variations and fault RNGs (default 1). */
  seed?: number;
  /** Position in a fleet: picks this BMC's data variation (default 0, the reference data). */
  index?: number;
  latencyMs?: number;
}

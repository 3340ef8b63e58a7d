/**
 * The simulator's public shapes: one simulated BMC, its fault switches and counters, and a fleet
 * of them. Other modules (CLI `simulate`, integration tests, benchmarks) code against these.
 */
import type { FleetFile } from '../fleet/schema.ts';
import type { ApplyTime, UpdateMethod, Vendor } from '../vocab.ts';
import type { SimTimingOption } from './timing.ts';

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
  /** Images the BMC pulled for SimpleUpdate, oldest first. */
  imageFetches: SimImageFetch[];
  /** Images pushed to the BMC (multipart, HttpPushUri), oldest first. */
  imageUploads: SimImageUpload[];
  /**
   * Image bytes the verifier has consumed, pushed or fetched, counted as they arrive (so a test
   * can see an image being verified while the rest of it is still on the wire).
   */
  imageBytesVerified: number;
}

/** One image download made by the BMC (SimpleUpdate ImageURI). */
export interface SimImageFetch {
  /** The ImageURI without query string and credentials. */
  url: string;
  /** Body bytes received. */
  bytes: number;
  /** HTTP status of the (last) response; undefined when no response arrived. */
  status?: number;
  /** Range header values sent, in order; empty for a single plain GET. */
  ranges: string[];
  /** Why the download failed, when it did. */
  error?: string;
}

/** One image pushed to the BMC. */
export interface SimImageUpload {
  method: UpdateMethod;
  /** The push URI that received it. */
  uri: string;
  /** Image bytes received (the file part for multipart). */
  bytes: number;
  /** Set when the upload was refused (413, 411, 400). */
  refused?: number;
}

/**
 * Durations of one BMC's update, power and reboot machinery, in ms (see timing.ts for the presets).
 */
export interface SimTiming {
  /** Least time the transfer phase of an update takes (a fast download still shows as Running). */
  transferMs: number;
  /** Verifying the image at the component. */
  verifyMs: number;
  /** Installing it (writing the flash). */
  installMs: number;
  /** New → Starting → Running. */
  taskStartMs: number;
  /** PoweringOff → Off (ForceOff, and the power-off half of restarts). */
  powerOffMs: number;
  /** PoweringOn → On (power-on self test included). */
  powerOnMs: number;
  /** A graceful shutdown the OS honours: On → PoweringOff → Off. */
  gracefulShutdownMs: number;
  /** Added to a power-on per staged update activated during it (flashing while in POST). */
  hostInstallMs: number;
  /** The BMC does not answer for this long when it reboots. */
  bmcRebootMs: number;
  /** Delay between answering Manager.Reset and going down (the answer reaches the client). */
  bmcResetDelayMs: number;
  /** A finished Task stays readable this long. */
  taskRetentionMs: number;
  /** A finished task monitor whose result was never read expires after this long. */
  monitorRetentionMs: number;
  /** Dell iDRAC deletes finished jobs (Tasks JID_…) after this long. */
  jobRetentionMs: number;
  /** Retry-After (seconds) on 202 answers of running tasks. */
  retryAfterSeconds: number;
}

/** Update fault switches that can be armed for one update only. */
export interface SimUpdateFaultFlags {
  /** The image never arrives at the component: task Exception with Update.TransferFailed. */
  transferFailed: boolean;
  /** A good image is refused: task Exception with Update.VerificationFailed. */
  verificationFailed: boolean;
  /** Writing the image fails: task Exception with Update.ApplyFailed, version unchanged. */
  applyFailed: boolean;
  /** The image is written but does not activate: Update.ActivateFailed, version unchanged. */
  activateFailed: boolean;
  /** The task stays Running forever; nothing is installed. */
  taskStuck: boolean;
  /** Task and monitor answer 404 right after their first poll; the update still completes. */
  taskDeletedEarly: boolean;
  /** Task Completed with Update.UpdateSuccessful, yet the version stays the same. */
  silentNoChange: boolean;
  /** The BMC reboots while the task is Running (unreachable, sessions gone); the update installs. */
  bmcRebootMidUpdate: boolean;
}

/** Update and power fault switches of one BMC. Mutable, like SimFaults. */
export interface SimUpdateFaults extends SimUpdateFaultFlags {
  /** The host OS ignores GracefulShutdown / GracefulRestart: the power state does not change. */
  gracefulIgnored: boolean;
  /** Armed for the next update only, then cleared (`{ applyFailed: true }` fails one update). */
  nextUpdateOnly?: Partial<SimUpdateFaultFlags>;
}

/** How POST on a Volumes collection answers (storage/storage-policy.ts VolumeCreateStyle). */
export type SimVolumeCreateStyle = 'created' | 'task' | 'deferred' | 'unsupported';

/** Storage and backup-slice fault switches of one BMC. Mutable, like SimFaults. */
export interface SimStorageFaults {
  /**
   * Every RAID controller's drives are fully allocated: the BMC shows a data volume ("VD-Data")
   * taking all free space, so a new volume cannot be created. Off removes that volume.
   */
  noFreeCapacity: boolean;
  /** Backup slice copies read back (ImageDataURI) and restore from them with altered bytes. */
  sliceCopyCorrupted: boolean;
  /** Overrides how the profile answers POST on a Volumes collection (absent: the profile's way). */
  volumeCreate?: SimVolumeCreateStyle;
}

/**
 * A corruption injected into an installed firmware component (`SimBmc.corrupt`); flashing a good
 * image onto the component (an update or a restore) repairs it.
 * - health-critical: Status.Health Critical;
 * - offline: Status.State UnavailableOffline;
 * - image-digest: the image read back through ImageDataURI has different bytes (and the SPDM
 *   measurement follows them);
 * - version-garbled: Version reads as erased flash ("ÿÿÿÿ"); version-empty: Version "";
 * - measurement: the SPDM MutableFirmware measurement changes (ComponentIntegrity).
 */
export type SimCorruptionKind =
  | 'health-critical'
  | 'offline'
  | 'image-digest'
  | 'version-garbled'
  | 'version-empty'
  | 'measurement';

/** The corruptions of one component in force now. */
export interface SimCorruption {
  /** The FirmwareInventory member Id when it was corrupted. */
  component: string;
  kinds: SimCorruptionKind[];
}

/** The update methods a client can use, and iLO's install queue (update/install-queue.ts). */
export type SimUpdateMethod = UpdateMethod | 'install-queue';

/** What became of one update request, for tests and rollout checks. */
export interface SimUpdateRecord {
  /** The Task Id (JID_… on Dell). */
  taskId: string;
  /** How it was asked for; install-queue: an iLO Repository package queued on UpdateTaskQueue. */
  method: SimUpdateMethod;
  applyTime: ApplyTime;
  /** ISO time the request was accepted. */
  requestedAt: string;
  image: {
    /** File name, URL base name or "image". */
    name: string;
    /** ImageURI without query (SimpleUpdate). */
    url?: string;
    bytes: number;
    /** From the image header, once it was read. */
    vendor?: string;
    version?: string;
  };
  /** Inventory members the image was for, with the versions before and after. */
  targets: Array<{ uri: string; fromVersion: string; toVersion?: string }>;
  /**
   * running: in progress; waiting: transferred, held for a window or StartUpdate; staged: waits for
   * a reset to activate; installed: the new version is in the inventory; unchanged: reported
   * success but nothing changed (fault); failed: see `messageId`; cancelled: its task was deleted
   * while it waited.
   */
  outcome: 'running' | 'waiting' | 'staged' | 'installed' | 'unchanged' | 'failed' | 'cancelled';
  /** Update registry message of a failure (TransferFailed, VerificationFailed, ...). */
  messageId?: string;
  /** ISO time the new version became visible in the inventory. */
  installedAt?: string;
}

/** Why a host counts as unavailable. */
export type SimUnavailableReason = 'powered-off' | 'host-reset' | 'bmc-reboot';

/** One stretch of time a host was unavailable (ms since the epoch). */
export interface SimAvailabilityInterval {
  start: number;
  /** Undefined while it lasts. */
  end?: number;
  /** Every reason that applied at some point during the interval. */
  reasons: SimUnavailableReason[];
}

/** A host's availability: powered on and running, with a BMC that answers. */
export interface SimHostAvailability {
  readonly available: boolean;
  readonly intervals: readonly SimAvailabilityInterval[];
}

/** How many hosts of a fleet are unavailable at once, live, with the peak since the last reset. */
export interface SimFleetAvailability {
  readonly current: number;
  readonly peak: number;
  /** Peak back to the current value. */
  reset(): void;
}

/** How a BMC downloads SimpleUpdate images. */
export interface SimImageFetchOptions {
  /**
   * Verify the image server's certificate (default false: most BMCs do not, which is why
   * SimpleUpdate over HTTPS to a self-signed server works in the field).
   */
  verifyTls?: boolean;
  /** CA PEM trusted when verifyTls is on. */
  ca?: string;
  /** Download in sequential Range requests of this many bytes (default: one plain GET). */
  rangeChunkBytes?: number;
  /** Give up a download after this long without data (default 30 s). */
  idleTimeoutMs?: number;
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
  /** Update and power fault switches. */
  updateFaults: SimUpdateFaults;
  setUpdateFaults(p: Partial<SimUpdateFaults>): void;
  /** Storage and backup-slice fault switches (change them with setStorageFaults). */
  readonly storageFaults: SimStorageFaults;
  setStorageFaults(p: Partial<SimStorageFaults>): void;
  /**
   * Corrupts an installed firmware component: `component` is a kind ("bmc", "bios", ...: the
   * first running component of that kind) or a FirmwareInventory member Id. Throws when none.
   */
  corrupt(component: string, kind: SimCorruptionKind): void;
  /** Corruptions in force now (a good image flashed onto a component clears its own). */
  readonly corruptions: readonly SimCorruption[];
  /** Every update request this BMC accepted, oldest first. */
  readonly updateHistory: readonly SimUpdateRecord[];
  readonly availability: SimHostAvailability;
  /** The host's ComputerSystem.PowerState now. */
  readonly powerState: string;
  /** True while the BMC reboots (its port refuses connections). */
  readonly rebooting: boolean;
  readonly timing: SimTiming;
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
  /** Durations for every BMC: 'fast' (default), 'realistic', or overrides of 'fast'. */
  timing?: SimTimingOption;
  /** How the BMCs download SimpleUpdate images. */
  imageFetch?: SimImageFetchOptions;
  /** Firmware generation per vendor (e.g. { openbmc: 'bmcweb-legacy-update' }); default: reference. */
  generations?: Partial<Record<SimVendor, string>>;
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
  /** Hosts unavailable at once (powered off, resetting, BMC rebooting), with the peak. */
  readonly availability: SimFleetAvailability;
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
  /** Durations: 'fast' (default), 'realistic', or overrides of 'fast'. */
  timing?: SimTimingOption;
  /** How the BMC downloads SimpleUpdate images. */
  imageFetch?: SimImageFetchOptions;
  /**
   * Firmware generation of the vendor profile where generations behave differently (the
   * profile's `generations`); default: the profile's reference generation.
   */
  generation?: string;
}

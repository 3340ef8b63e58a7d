/**
 * The state store: what firmwarden must remember across processes and crashes. One narrow,
 * async interface; SQLite (node:sqlite, one file) is the embedded default and PostgreSQL
 * implements the same contract for several managers sharing one database. Every mutation that coordinates processes
 * is a compare-and-set, so two processes can never both believe they own the same thing.
 */
import type { FleetInventory, ServerInventory } from '../inventory/model.ts';

/** Lifecycle of a rollout. */
export const RolloutStatus = {
  /** Created, never started. */
  pending: 'pending',
  /** A driver is working through its waves. */
  running: 'running',
  /** Stopped on request or by the failure budget; `rollout resume` continues. */
  paused: 'paused',
  /** Stopped for good on request; servers already updated stay updated. */
  aborted: 'aborted',
  /** Every targeted server is at target: the acting version reached the target. */
  completed: 'completed',
} as const;
export type RolloutStatus = (typeof RolloutStatus)[keyof typeof RolloutStatus];

/** Where one server stands within a rollout. Transitions are compare-and-set. */
export const ServerStep = {
  /** Waiting for its wave. */
  pending: 'pending',
  /** Taken by a driver; pre-update health gates running. */
  claimed: 'claimed',
  /** Drain hook run: the service was moved off the server. */
  drained: 'drained',
  /** Images being delivered / applied / host resetting. */
  updating: 'updating',
  /** Post-update gates (inventory at target, health, user check) running. */
  verifying: 'verifying',
  /** Gates passed and undrain hook run: back in service at target. */
  done: 'done',
  /** Update or gates failed; counts against the failure budget. */
  failed: 'failed',
  /** Nothing to do (already at target) or excluded; counts as done for completion. */
  skipped: 'skipped',
} as const;
export type ServerStep = (typeof ServerStep)[keyof typeof ServerStep];

export interface RolloutRecord {
  id: string;
  name: string;
  status: RolloutStatus;
  /** The rollout policy and inputs as given (JSON-serializable): fleet file, catalog, waves, gates. */
  spec: unknown;
  createdAt: string;
  updatedAt: string;
  /** Why it paused/aborted/completed, for status views. */
  note?: string;
}

export interface RolloutServerRecord {
  rolloutId: string;
  server: string;
  /** 0 = canary wave. */
  wave: number;
  step: ServerStep;
  attempts: number;
  updatedAt: string;
  /** Last error or note (JSON-serializable). */
  detail?: unknown;
  labels: Record<string, string>;
  /** The driver instance that claimed it last (an instance id); absent before any claim. */
  holder?: string;
}

/** The lowest installed version of one component line, recorded after each server. */
export interface ActingVersionRecord {
  rolloutId: string;
  /** Component line key (planner ComponentLine.key). */
  line: string;
  /** The line as a human reads it (planner lineName); absent on rows recorded before it existed. */
  name?: string;
  kind: string;
  lowest?: string;
  highest?: string;
  target?: string;
  converged: boolean;
  at: string;
}

export interface JournalRecord {
  seq: number;
  at: string;
  /** Who acted: "cli:pid@host", "daemon:…", "api:<token name>". */
  actor: string;
  rolloutId?: string;
  server?: string;
  event: string;
  data?: unknown;
}

export interface JournalAppend {
  actor: string;
  rolloutId?: string;
  server?: string;
  event: string;
  data?: unknown;
}

/** A lease: exclusive ownership of a named thing (a rollout driver, a job) until it expires. */
export interface Lease {
  name: string;
  holder: string;
  expiresAt: string;
}

/** A firmwarden process taking part in rollouts, as its heartbeat row says. */
export interface InstanceRecord {
  /** Process identity, unique per process: "daemon:4242@mgmt-01" (the holder of what it claims). */
  id: string;
  /** The configured instance name (e.g. "fra1-a"); the id when none was configured. */
  name: string;
  /** Label affinity: it only claims servers whose labels match (empty: any server). */
  labels: Record<string, string | string[]>;
  startedAt: string;
  /** Last heartbeat. */
  seenAt: string;
  /** Considered dead after this (its in-flight servers are adopted by others). */
  expiresAt: string;
}

/** What `claimServers` may take, all limits counted over every instance's servers. */
export interface ClaimLimits {
  /** At most this many servers for this claimer now (its free slots). */
  limit: number;
  /** Servers in flight (claimed … verifying) across the rollout, all holders. */
  maxUnavailable: number;
  /** At most perLabel[k] in flight sharing one value of label k. */
  perLabel?: Record<string, number>;
  /** Only servers whose labels match (a value or one of a list); the lowest wave stays fleet-wide. */
  affinity?: Record<string, string | string[]>;
  /** Stop claiming once this many servers have failed (the failure budget). */
  failureBudget?: number;
}

export interface Store {
  /** Creates or upgrades the schema (idempotent); records applied migration versions. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Appends to the journal; returns the sequence number. Never updates or deletes. */
  append(entry: JournalAppend): Promise<number>;
  journal(filter?: {
    rolloutId?: string;
    server?: string;
    afterSeq?: number;
    limit?: number;
  }): Promise<JournalRecord[]>;

  createRollout(r: {
    id: string;
    name: string;
    spec: unknown;
    servers: Array<{ server: string; wave: number; labels: Record<string, string> }>;
  }): Promise<RolloutRecord>;
  getRollout(id: string): Promise<RolloutRecord | undefined>;
  listRollouts(): Promise<RolloutRecord[]>;
  /** Sets the status only if it is one of `from`; returns whether it changed. */
  setRolloutStatus(id: string, from: RolloutStatus[], to: RolloutStatus, note?: string): Promise<boolean>;
  rolloutServers(id: string): Promise<RolloutServerRecord[]>;
  /** Moves a server to `to` only if its step is one of `from`; returns whether it moved. */
  setServerStep(
    id: string,
    server: string,
    from: ServerStep[],
    to: ServerStep,
    detail?: unknown,
    opts?: { countAttempt?: boolean },
  ): Promise<boolean>;

  /**
   * Claims pending servers of the lowest unfinished wave for `holder` in one transaction: moves
   * them to `claimed` (attempt counted, holder set) only while the rollout is running and only as
   * many as the fleet-wide limits allow given every holder's servers in flight. Returns them.
   */
  claimServers(rolloutId: string, holder: string, limits: ClaimLimits): Promise<RolloutServerRecord[]>;
  /** Hands a server to `to` only if its holder is still `from` (null: never held); compare-and-set. */
  setServerHolder(rolloutId: string, server: string, from: string | null, to: string): Promise<boolean>;

  /** Registers or renews an instance's heartbeat until now + ttl; returns its row. */
  heartbeat(
    instance: { id: string; name: string; labels: Record<string, string | string[]> },
    ttlMs: number,
  ): Promise<InstanceRecord>;
  /** Every instance row, expired ones included (a status view shows them as gone), by name. */
  instances(): Promise<InstanceRecord[]>;
  /** Removes an instance's row (clean shutdown). */
  leaveCluster(id: string): Promise<void>;

  recordActingVersions(records: ActingVersionRecord[]): Promise<void>;
  /** The newest record per line for a rollout. */
  actingVersions(rolloutId: string): Promise<ActingVersionRecord[]>;

  saveInventory(inv: ServerInventory): Promise<void>;
  /** The newest snapshot per server (all servers, or the named ones). */
  latestInventory(servers?: string[]): Promise<FleetInventory>;

  /**
   * Takes or renews a lease: succeeds if it is free, expired, or already held by `holder`.
   * Returns the lease held afterwards (possibly someone else's: check `holder`).
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease>;
  releaseLease(name: string, holder: string): Promise<void>;
  /** Leases whose name starts with `prefix` (all when omitted), expired ones included, by name. Read-only. */
  leases(prefix?: string): Promise<Lease[]>;

  /** A named position in the journal (e.g. the last seq an event dispatcher delivered); 0 if never set. */
  getCursor(name: string): Promise<number>;
  /** Moves a cursor forward to `seq` (never back); returns its value afterwards. */
  advanceCursor(name: string, seq: number): Promise<number>;
}

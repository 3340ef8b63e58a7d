/**
 * The embedded state store: one SQLite file through node:sqlite, shared by every firmwarden
 * process on the machine (CLI, daemon, a resumed CLI). Coordination never relies on a read
 * followed by a write: compare-and-set transitions are one UPDATE with the expected states in
 * its WHERE clause, and multi-statement writes run under `BEGIN IMMEDIATE`. Pragmas and the
 * durability trade-off are explained in sqlite-connection.ts; each table's rules in its module.
 *
 * node:sqlite is synchronous: each method runs to completion before its promise settles, so
 * calls within one process are serialized; across processes SQLite's locks serialize writers.
 */
import type { Clock } from '../deps.ts';
import type { FleetInventory, ServerInventory } from '../inventory/model.ts';
import { applyMigrations } from './migrations.ts';
import { beat, claim, dropInstance, handOver, selectInstances } from './sqlite-cluster.ts';
import { CONNECTION_DEFAULTS, openConnection } from './sqlite-connection.ts';
import { SqliteContext } from './sqlite-context.ts';
import { appendJournal, type JournalFilter, readJournal } from './sqlite-journal.ts';
import { dropLease, moveCursor, readCursor, selectLeases, takeLease } from './sqlite-leases.ts';
import {
  casRolloutStatus,
  casServerStep,
  insertActingVersions,
  insertRollout,
  type NewRollout,
  selectActingVersions,
  selectRollout,
  selectRolloutServers,
  selectRollouts,
} from './sqlite-rollouts.ts';
import { latestSnapshots, saveSnapshot } from './sqlite-snapshots.ts';
import { storeError } from './store-errors.ts';
import type {
  ActingVersionRecord,
  ClaimLimits,
  InstanceRecord,
  JournalAppend,
  JournalRecord,
  Lease,
  RolloutRecord,
  RolloutServerRecord,
  RolloutStatus,
  ServerStep,
  Store,
} from './types.ts';

/** What the SQLite store needs from outside. */
export interface SqliteStoreDeps {
  /** Stamps `updatedAt` and journal `at`, and decides lease expiry (a fake clock in tests). */
  clock: Clock;
  /** Wait this long for another process's write lock before FW_ERR_STORE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
}

/** The Store on a SQLite file (or ':memory:'). Call `migrate()` before use; `open()` does. */
export class SqliteStore implements Store {
  /** The database file, as given (':memory:' for an in-memory store). */
  readonly file: string;
  readonly #c: SqliteContext;

  /** Opens the connection with the store's pragmas; FW_ERR_STORE_CORRUPT if it is not a database. */
  constructor(file: string, deps: SqliteStoreDeps) {
    this.file = file;
    try {
      this.#c = new SqliteContext(
        file,
        openConnection(file, deps.busyTimeoutMs ?? CONNECTION_DEFAULTS.busyTimeoutMs),
        deps.clock,
      );
    } catch (err) {
      throw storeError(file, 'open', err);
    }
  }

  /** Opens and migrates `file`; closes it again if the schema is refused (FW_ERR_STORE_SCHEMA). */
  static async open(file: string, deps: SqliteStoreDeps): Promise<SqliteStore> {
    const store = new SqliteStore(file, deps);
    try {
      await store.migrate();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  /** Applies missing migrations; refuses a schema newer than this firmwarden knows. */
  async migrate(): Promise<void> {
    await this.migrateReport();
  }

  /** `migrate`, returning the versions it applied (for `firmwarden store migrate`). */
  async migrateReport(): Promise<number[]> {
    return this.#c.run('migrate', () => applyMigrations(this.#c.db, this.file, () => this.#c.now()));
  }

  /** Closes the connection (idempotent), after letting SQLite refresh its planner statistics. */
  async close(): Promise<void> {
    const db = this.#c.db;
    if (!db.isOpen) return;
    this.#c.forget();
    try {
      db.exec('PRAGMA optimize');
    } catch {
      // Best effort: statistics can wait for the next close; closing cannot.
    }
    db.close();
  }

  /** Appends durably (synchronous=FULL); returns the entry's `seq`. */
  async append(entry: JournalAppend): Promise<number> {
    return appendJournal(this.#c, entry);
  }

  /** Entries in `seq` order; `afterSeq` + `limit` page through it (tail with the last seq seen). */
  async journal(filter: JournalFilter = {}): Promise<JournalRecord[]> {
    return readJournal(this.#c, filter);
  }

  /** Creates a pending rollout and its pending servers atomically; a taken id is FW_ERR_STORE_CONFLICT. */
  async createRollout(r: NewRollout): Promise<RolloutRecord> {
    return insertRollout(this.#c, r);
  }

  async getRollout(id: string): Promise<RolloutRecord | undefined> {
    return selectRollout(this.#c, id);
  }

  /** Every rollout, oldest first. */
  async listRollouts(): Promise<RolloutRecord[]> {
    return selectRollouts(this.#c);
  }

  /** Compare-and-set. The note explains the new status: omitting it clears the previous note. */
  async setRolloutStatus(
    id: string,
    from: RolloutStatus[],
    to: RolloutStatus,
    note?: string,
  ): Promise<boolean> {
    return casRolloutStatus(this.#c, id, from, to, note);
  }

  /** A rollout's servers by wave, then name. */
  async rolloutServers(id: string): Promise<RolloutServerRecord[]> {
    return selectRolloutServers(this.#c, id);
  }

  /**
   * Compare-and-set. `detail` replaces the last one when given (`null` clears it); omitted, the
   * last error or note stays. `countAttempt` adds one to `attempts` in the same statement, so an
   * attempt is counted exactly when the move happened.
   */
  async setServerStep(
    id: string,
    server: string,
    from: ServerStep[],
    to: ServerStep,
    detail?: unknown,
    opts?: { countAttempt?: boolean },
  ): Promise<boolean> {
    return casServerStep(this.#c, {
      id,
      server,
      from,
      to,
      detail,
      countAttempt: opts?.countAttempt ?? false,
    });
  }

  /** Picks and claims under BEGIN IMMEDIATE: the limits hold over every process on the file. */
  async claimServers(rolloutId: string, holder: string, limits: ClaimLimits): Promise<RolloutServerRecord[]> {
    return claim(this.#c, rolloutId, holder, limits);
  }

  /** Compare-and-set on the holder (null matches a server never claimed through claimServers). */
  async setServerHolder(
    rolloutId: string,
    server: string,
    from: string | null,
    to: string,
  ): Promise<boolean> {
    return handOver(this.#c, rolloutId, server, from, to);
  }

  /** Upserts the instance row with expiry now + ttl (injected clock); prunes rows dead for a day. */
  async heartbeat(
    instance: { id: string; name: string; labels: Record<string, string | string[]> },
    ttlMs: number,
  ): Promise<InstanceRecord> {
    return beat(this.#c, instance, ttlMs);
  }

  async instances(): Promise<InstanceRecord[]> {
    return selectInstances(this.#c);
  }

  async leaveCluster(id: string): Promise<void> {
    dropInstance(this.#c, id);
  }

  /** Appends to the history in one transaction; an unknown rollout is FW_ERR_STORE_NOT_FOUND. */
  async recordActingVersions(records: ActingVersionRecord[]): Promise<void> {
    insertActingVersions(this.#c, records);
  }

  /** The last recorded record per line, by line. */
  async actingVersions(rolloutId: string): Promise<ActingVersionRecord[]> {
    return selectActingVersions(this.#c, rolloutId);
  }

  /** Saves a snapshot; failed scans too (they say the server could not be read at that time). */
  async saveInventory(inv: ServerInventory): Promise<void> {
    saveSnapshot(this.#c, inv);
  }

  /**
   * The newest snapshot per server by `scannedAt`, failed scans included: a server that could not
   * be read last time is reported as such (and counted in `failed`). Named servers come back in
   * the order given, those never scanned left out; otherwise all servers by name. `scannedAt` of
   * the result is the newest snapshot's (the clock's when there is none).
   */
  async latestInventory(servers?: string[]): Promise<FleetInventory> {
    return latestSnapshots(this.#c, servers);
  }

  /** Takes a free or expired lease, renews (to now + ttl) one `holder` has; else returns the other's. */
  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease> {
    return takeLease(this.#c, name, holder, ttlMs);
  }

  /** Releases the lease if `holder` has it; someone else's lease is left alone. */
  async releaseLease(name: string, holder: string): Promise<void> {
    dropLease(this.#c, name, holder);
  }

  async leases(prefix = ''): Promise<Lease[]> {
    return selectLeases(this.#c, prefix);
  }

  /** The cursor's seq, 0 when it was never advanced. */
  async getCursor(name: string): Promise<number> {
    return readCursor(this.#c, name);
  }

  /** Advances the cursor to `seq` unless it is already further; returns the value afterwards. */
  async advanceCursor(name: string, seq: number): Promise<number> {
    return moveCursor(this.#c, name, seq);
  }
}

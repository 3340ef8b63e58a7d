/**
 * The Store on PostgreSQL: several firmwarden instances (on several machines) share one
 * database exactly as the processes of one machine share the SQLite file. Same contract, same
 * migrations (versions and names), same tests (test/store runs every case on both backends).
 *
 * Time: leases and instance heartbeats expire on the injected clock of the process that wrote
 * them (epoch milliseconds), as on SQLite, not on the database's clock. That keeps one behaviour
 * for both backends and lets tests run on fake clocks; the price is that the instances' clocks
 * must agree: a clock that runs δ ahead takes over a lease δ early. firmwarden therefore expects
 * NTP-synchronised hosts (skew in milliseconds) and keeps lease TTLs in seconds (the cluster's
 * default 15 s); `clockSkewMs()` measures this host against the database so `cluster status` and
 * joining instances can warn when the skew is a noticeable part of a TTL.
 */
import type { Clock } from '../deps.ts';
import type { FleetInventory, ServerInventory } from '../inventory/model.ts';
import { pgBeat, pgClaim, pgDropInstance, pgHandOver, pgSelectInstances } from './postgres-cluster.ts';
import { createPool, describePgUrl, type PgConnectionOptions } from './postgres-connection.ts';
import { PgContext } from './postgres-context.ts';
import { applyPgMigrations } from './postgres-migrations.ts';
import {
  pgAppendJournal,
  pgCasRolloutStatus,
  pgCasServerStep,
  pgDropLease,
  pgInsertActingVersions,
  pgInsertRollout,
  pgLatestSnapshots,
  pgMoveCursor,
  pgReadCursor,
  pgReadJournal,
  pgSaveSnapshot,
  pgSelectActingVersions,
  pgSelectLeases,
  pgSelectRollout,
  pgSelectRolloutServers,
  pgSelectRollouts,
  pgTakeLease,
} from './postgres-tables.ts';
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

export interface PostgresStoreDeps {
  /** Stamps `updatedAt` and journal `at`, and decides lease expiry (a fake clock in tests). */
  clock: Clock;
}

/** The Store on a PostgreSQL database (optionally one schema of it). `open()` migrates. */
export class PostgresStore implements Store {
  /** The URL without password, and the schema: how errors and logs name this store. */
  readonly source: string;
  readonly #c: PgContext;
  readonly #schema: string | undefined;
  #closed = false;

  constructor(options: PgConnectionOptions, deps: PostgresStoreDeps) {
    this.source = describePgUrl(options.url, options.schema);
    this.#schema = options.schema;
    this.#c = new PgContext(this.source, createPool(options, this.source), deps.clock, options.schema ?? '');
  }

  /** Connects and migrates; closes the pool again if that fails. */
  static async open(options: PgConnectionOptions, deps: PostgresStoreDeps): Promise<PostgresStore> {
    const store = new PostgresStore(options, deps);
    try {
      await store.migrate();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  /** Applies missing migrations under an advisory lock; refuses a schema newer than this firmwarden. */
  async migrate(): Promise<void> {
    await this.migrateReport();
  }

  /** `migrate`, returning the versions it applied (for `firmwarden store migrate`). */
  async migrateReport(): Promise<number[]> {
    return this.#c.run('migrate', () =>
      applyPgMigrations(this.#c.pool, this.source, () => this.#c.now(), {
        ...(this.#schema !== undefined ? { schema: this.#schema } : {}),
      }),
    );
  }

  /** Ends the pool (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#c.pool.end();
  }

  /** This host's clock minus the database's, in ms (one round trip; half of it is the error bar). */
  async clockSkewMs(): Promise<number> {
    return this.#c.run('read the database clock', async () => {
      const before = this.#c.clock.now();
      const res = await this.#c.query('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms');
      const after = this.#c.clock.now();
      return Math.round((before + after) / 2 - Number(res.rows[0].ms));
    });
  }

  async append(entry: JournalAppend): Promise<number> {
    return pgAppendJournal(this.#c, entry);
  }

  async journal(filter: Parameters<Store['journal']>[0] = {}): Promise<JournalRecord[]> {
    return pgReadJournal(this.#c, filter);
  }

  async createRollout(r: Parameters<Store['createRollout']>[0]): Promise<RolloutRecord> {
    return pgInsertRollout(this.#c, r);
  }

  async getRollout(id: string): Promise<RolloutRecord | undefined> {
    return pgSelectRollout(this.#c, id);
  }

  async listRollouts(): Promise<RolloutRecord[]> {
    return pgSelectRollouts(this.#c);
  }

  async setRolloutStatus(
    id: string,
    from: RolloutStatus[],
    to: RolloutStatus,
    note?: string,
  ): Promise<boolean> {
    return pgCasRolloutStatus(this.#c, id, from, to, note);
  }

  async rolloutServers(id: string): Promise<RolloutServerRecord[]> {
    return pgSelectRolloutServers(this.#c, id);
  }

  async setServerStep(
    id: string,
    server: string,
    from: ServerStep[],
    to: ServerStep,
    detail?: unknown,
    opts?: { countAttempt?: boolean },
  ): Promise<boolean> {
    return pgCasServerStep(this.#c, {
      id,
      server,
      from,
      to,
      detail,
      countAttempt: opts?.countAttempt ?? false,
    });
  }

  async claimServers(rolloutId: string, holder: string, limits: ClaimLimits): Promise<RolloutServerRecord[]> {
    return pgClaim(this.#c, rolloutId, holder, limits);
  }

  async setServerHolder(
    rolloutId: string,
    server: string,
    from: string | null,
    to: string,
  ): Promise<boolean> {
    return pgHandOver(this.#c, rolloutId, server, from, to);
  }

  async heartbeat(
    instance: { id: string; name: string; labels: Record<string, string | string[]> },
    ttlMs: number,
  ): Promise<InstanceRecord> {
    return pgBeat(this.#c, instance, ttlMs);
  }

  async instances(): Promise<InstanceRecord[]> {
    return pgSelectInstances(this.#c);
  }

  async leaveCluster(id: string): Promise<void> {
    await pgDropInstance(this.#c, id);
  }

  async recordActingVersions(records: ActingVersionRecord[]): Promise<void> {
    await pgInsertActingVersions(this.#c, records);
  }

  async actingVersions(rolloutId: string): Promise<ActingVersionRecord[]> {
    return pgSelectActingVersions(this.#c, rolloutId);
  }

  async saveInventory(inv: ServerInventory): Promise<void> {
    await pgSaveSnapshot(this.#c, inv);
  }

  async latestInventory(servers?: string[]): Promise<FleetInventory> {
    return pgLatestSnapshots(this.#c, servers);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease> {
    return pgTakeLease(this.#c, name, holder, ttlMs);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await pgDropLease(this.#c, name, holder);
  }

  async leases(prefix = ''): Promise<Lease[]> {
    return pgSelectLeases(this.#c, prefix);
  }

  async getCursor(name: string): Promise<number> {
    return pgReadCursor(this.#c, name);
  }

  async advanceCursor(name: string, seq: number): Promise<number> {
    return pgMoveCursor(this.#c, name, seq);
  }
}

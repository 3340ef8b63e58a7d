/**
 * The PostgreSQL store's connection pool, its transactions, and the mapping of PostgreSQL errors
 * (SQLSTATE) to store error codes. The URL's password never leaves this module: errors and logs
 * name the store by `describePgUrl` (user, host, port, database, schema: no password).
 *
 * Choices, and why:
 * - One `pg.Pool` per store. Each method is one statement (autocommit) or one short transaction
 *   on a checked-out client; nothing holds a client across BMC I/O.
 * - READ COMMITTED (the default) everywhere: every coordination write is either a single
 *   compare-and-set UPDATE (PostgreSQL re-evaluates its WHERE against the newest row version
 *   after waiting for a concurrent writer, so of two racers exactly one matches) or runs after a
 *   row lock that serializes the writers of one rollout (claims: see postgres-cluster.ts).
 * - `search_path` per connection when a schema is configured, so several stores (tests, several
 *   clusters) share one database without seeing each other.
 */
import pg from 'pg';
import { StoreError, StoreErrorCode } from './store-errors.ts';

/** Every default of the pool in one place. */
export const PG_DEFAULTS = {
  /** Connections per store: a driver's servers in flight plus heartbeats, with headroom. */
  poolSize: 10,
  /** A pool exhausted or a server unreachable for this long is FW_ERR_STORE_BUSY / _IO. */
  connectionTimeoutMs: 10_000,
  /** A lock wait longer than this is a stuck peer, not contention (claims take milliseconds). */
  lockTimeoutMs: 10_000,
} as const;

export interface PgConnectionOptions {
  /** postgres://user@host:port/database (a password here is used but never shown). */
  url: string;
  /** Password from outside the URL (the daemon reads it from an env var). */
  password?: string;
  /** Tables live in this schema (created by `migrate`); default: the server's search_path. */
  schema?: string;
  poolSize?: number;
}

/** The URL without its password (and without query parameters, which may carry one). */
export function describePgUrl(url: string, schema?: string): string {
  let shown: string;
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    shown = u.toString();
  } catch {
    shown = 'postgres://(unparseable url)';
  }
  return schema ? `${shown}#${schema}` : shown;
}

/** True when the URL carries a password (configs should use an env var instead). */
export function urlHasPassword(url: string): boolean {
  try {
    const u = new URL(url);
    return u.password !== '' || u.searchParams.has('password');
  } catch {
    return false;
  }
}

/** A schema name: plain identifier only, so it can be quoted into DDL and search_path safely. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function createPool(options: PgConnectionOptions, source: string): pg.Pool {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new StoreError(
      StoreErrorCode.input,
      source,
      `schema "${options.schema}" is not a plain lowercase identifier`,
    );
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    ...(options.password !== undefined ? { password: options.password } : {}),
    max: options.poolSize ?? PG_DEFAULTS.poolSize,
    connectionTimeoutMillis: PG_DEFAULTS.connectionTimeoutMs,
    lock_timeout: PG_DEFAULTS.lockTimeoutMs,
    application_name: 'firmwarden',
    ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client losing its server (restart, failover) must not crash the process: the pool
  // drops it and the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` in BEGIN … COMMIT on one client; rolls back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.release();
  }
}

/** SQLSTATE classes and codes that map to a store code (PostgreSQL Appendix A). */
const SQLSTATES: Record<string, StoreErrorCode> = {
  '23505': StoreErrorCode.conflict, // unique_violation
  '23503': StoreErrorCode.notFound, // foreign_key_violation
  '23514': StoreErrorCode.input, // check_violation
  '23502': StoreErrorCode.input, // not_null_violation
  '22P02': StoreErrorCode.input, // invalid_text_representation
  '22003': StoreErrorCode.input, // numeric_value_out_of_range
  '22021': StoreErrorCode.input, // character_not_in_repertoire (NUL in text)
  P0001: StoreErrorCode.input, // raise_exception: the journal's append-only trigger
  '40001': StoreErrorCode.busy, // serialization_failure
  '40P01': StoreErrorCode.busy, // deadlock_detected
  '55P03': StoreErrorCode.busy, // lock_not_available (lock_timeout)
  '57014': StoreErrorCode.busy, // query_canceled (statement timeout)
};

/** Wraps an error from `pg` in a StoreError saying what was being done; StoreErrors pass through. */
export function pgStoreError(source: string, doing: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const sqlstate = (err as { code?: unknown }).code;
  let reason = err instanceof Error ? err.message : String(err);
  // pg puts the connection string nowhere in its messages; be sure anyway.
  reason = reason.replace(/(postgres(?:ql)?:\/\/[^:/\s]*):[^@\s]*@/gi, '$1:[redacted]@');
  let code: StoreErrorCode = StoreErrorCode.io;
  if (typeof sqlstate === 'string') code = SQLSTATES[sqlstate] ?? code;
  if (/timeout exceeded when trying to connect/i.test(reason)) code = StoreErrorCode.busy;
  return new StoreError(code, source, `${doing}: ${reason}`, { cause: err });
}

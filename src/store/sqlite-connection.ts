/**
 * Opening a SQLite connection the way the store needs it, and the write-transaction helper.
 *
 * Pragmas, and why:
 * - `journal_mode=WAL`: the CLI, the daemon and a resumed CLI share one file; in WAL readers
 *   never block the writer and the writer never blocks readers. WAL needs shared memory, so the
 *   file must live on a local filesystem (not NFS/SMB). ':memory:' stays in memory mode.
 * - `busy_timeout`: writers still take turns; a process that finds the write lock taken waits
 *   (SQLite retries with backoff) instead of failing at once. Every write here is a single
 *   statement or a short `BEGIN IMMEDIATE` transaction, so waits are milliseconds; the timeout
 *   only bounds pathological cases and then surfaces as FW_ERR_STORE_BUSY. node:sqlite is
 *   synchronous, so the wait blocks this process's event loop — acceptable for a store whose
 *   transactions never span I/O.
 * - `foreign_keys=ON`: rollout servers and acting versions must belong to a rollout.
 * - `synchronous=NORMAL`: in WAL mode a commit is atomic and survives a crash of the process
 *   (SIGKILL, OOM) at any point; what it may lose on power loss or an OS crash are the last
 *   transactions committed since the WAL was last synced — never consistency. That is fine for
 *   rollout state, leases, snapshots and acting versions: every process sharing the file dies
 *   with the machine, and a resumed rollout re-reads the servers. The journal is different: an
 *   intent is written *before* an irreversible action on a BMC, so journal appends commit with
 *   `synchronous=FULL` (see `durably`). Because the WAL is sequential, syncing that commit also
 *   makes every earlier commit durable.
 */
import { DatabaseSync } from 'node:sqlite';

/** Every default of the connection in one place. */
export const CONNECTION_DEFAULTS = {
  /** Generous next to the millisecond transactions; bounds a stuck writer (e.g. a paused process). */
  busyTimeoutMs: 5_000,
} as const;

/** Opens `file` (':memory:' for tests) with the store's pragmas; throws node:sqlite errors as is. */
export function openConnection(file: string, busyTimeoutMs: number): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: busyTimeoutMs, enableForeignKeyConstraints: true });
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Runs `fn` inside `BEGIN IMMEDIATE … COMMIT`: the write lock is taken up front (waiting out
 * `busy_timeout`), so a read-then-write inside `fn` can never be invalidated by another process
 * and never fails half-way with SQLITE_BUSY_SNAPSHOT. Rolls back when `fn` throws.
 */
export function immediate<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** Runs `fn` (one commit) with `synchronous=FULL`: the commit is on disk before `fn` returns. */
export function durably<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('PRAGMA synchronous = FULL');
  try {
    return fn();
  } finally {
    db.exec('PRAGMA synchronous = NORMAL');
  }
}

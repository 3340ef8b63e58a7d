/**
 * The store's schema as an ordered list of migrations. Each one runs once, in its own
 * `BEGIN IMMEDIATE` transaction together with its row in `schema_migrations`, so a crash or a
 * second process migrating at the same time never leaves a half-applied version. Never edit a
 * released migration: append a new one.
 */
import type { DatabaseSync } from 'node:sqlite';
import { immediate } from './sqlite-connection.ts';
import { StoreError, StoreErrorCode } from './store-errors.ts';

export interface Migration {
  /** Positive, strictly increasing along the list. */
  version: number;
  name: string;
  sql: string;
}

/** Every migration this firmwarden knows, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    // STRICT tables: a value of the wrong type is an error, not a silent conversion.
    // The CHECK lists spell out RolloutStatus and ServerStep as they were when this shipped;
    // a new status or step needs a new migration (a test compares them with types.ts).
    // JSON columns are TEXT, parsed on read. Timestamps are ISO 8601 text, except where the
    // store compares them (lease expiry, snapshot order): there epoch milliseconds.
    sql: `
      CREATE TABLE rollouts (
        id          TEXT PRIMARY KEY CHECK (id <> ''),
        name        TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('pending', 'running', 'paused', 'aborted', 'completed')),
        spec        TEXT NOT NULL,
        note        TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX rollouts_created ON rollouts (created_at, id);

      CREATE TABLE rollout_servers (
        rollout_id  TEXT NOT NULL REFERENCES rollouts (id),
        server      TEXT NOT NULL CHECK (server <> ''),
        wave        INTEGER NOT NULL CHECK (wave >= 0),
        step        TEXT NOT NULL CHECK (step IN ('pending', 'claimed', 'drained', 'updating', 'verifying', 'done', 'failed',
                                      'skipped')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        detail      TEXT,
        labels      TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (rollout_id, server)
      ) STRICT, WITHOUT ROWID;

      -- Append-only history; the newest row per (rollout, line) is the current acting version.
      CREATE TABLE acting_versions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        rollout_id  TEXT NOT NULL REFERENCES rollouts (id),
        line        TEXT NOT NULL,
        kind        TEXT NOT NULL,
        lowest      TEXT,
        highest     TEXT,
        target      TEXT,
        converged   INTEGER NOT NULL CHECK (converged IN (0, 1)),
        at          TEXT NOT NULL
      ) STRICT;
      CREATE INDEX acting_versions_line ON acting_versions (rollout_id, line, id);

      -- One row per scan of one server, failed scans included (failed = 1, inventory.error set).
      CREATE TABLE inventory_snapshots (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        server      TEXT NOT NULL CHECK (server <> ''),
        scanned_at  TEXT NOT NULL,
        scanned_ms  INTEGER NOT NULL,
        failed      INTEGER NOT NULL CHECK (failed IN (0, 1)),
        inventory   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX inventory_snapshots_latest ON inventory_snapshots (server, scanned_ms, id);

      -- No foreign key on rollout_id: an audit record is never refused for what it mentions.
      CREATE TABLE journal (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL CHECK (actor <> ''),
        rollout_id  TEXT,
        server      TEXT,
        event       TEXT NOT NULL CHECK (event <> ''),
        data        TEXT
      ) STRICT;
      CREATE INDEX journal_rollout ON journal (rollout_id, seq) WHERE rollout_id IS NOT NULL;
      CREATE INDEX journal_server ON journal (server, seq) WHERE server IS NOT NULL;
      CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
        BEGIN SELECT RAISE(ABORT, 'the journal is append-only: UPDATE refused'); END;
      CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
        BEGIN SELECT RAISE(ABORT, 'the journal is append-only: DELETE refused'); END;

      CREATE TABLE leases (
        name        TEXT PRIMARY KEY CHECK (name <> ''),
        holder      TEXT NOT NULL CHECK (holder <> ''),
        expires_ms  INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'cursors',
    // Named positions in the journal (the event dispatcher's last delivered seq). Only forward.
    sql: `
      CREATE TABLE cursors (
        name        TEXT PRIMARY KEY CHECK (name <> ''),
        seq         INTEGER NOT NULL CHECK (seq >= 0),
        updated_at  TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'cluster',
    // Several drivers on one rollout: who holds each server (an instance id), and the instances'
    // heartbeats (an instance whose row expired is dead: its in-flight servers get adopted).
    sql: `
      ALTER TABLE rollout_servers ADD COLUMN holder TEXT;
      CREATE TABLE instances (
        id          TEXT PRIMARY KEY CHECK (id <> ''),
        name        TEXT NOT NULL CHECK (name <> ''),
        labels      TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        seen_at     TEXT NOT NULL,
        expires_ms  INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'line-names',
    // The line's human name ("iLO 5 (BMC, ProLiant DL380 Gen10)") beside its key; rows written
    // before have none and are shown by key.
    sql: `
      ALTER TABLE acting_versions ADD COLUMN name TEXT;
    `,
  },
];

/** The schema version this firmwarden writes: the last migration's. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
  ) STRICT`;

/** The versions recorded in `schema_migrations`, ascending (empty for a new database). */
export function appliedVersions(db: DatabaseSync): number[] {
  const exists = db.prepare(
    "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
  );
  if (!exists.get()) return [];
  return db
    .prepare('SELECT version FROM schema_migrations ORDER BY version')
    .all()
    .map((r) => Number(r['version']));
}

/**
 * Applies the migrations of `list` that `db` lacks, in order, each in its own transaction;
 * returns the versions it applied (empty when up to date). Refuses (FW_ERR_STORE_SCHEMA) a
 * database holding a version `list` does not know — written by a newer firmwarden — before
 * touching anything. `source` names the file in errors; `now` stamps `applied_at`.
 */
export function applyMigrations(
  db: DatabaseSync,
  source: string,
  now: () => string,
  list: readonly Migration[] = MIGRATIONS,
): number[] {
  checkList(list);
  const known = new Set(list.map((m) => m.version));
  const refuseUnknown = () => {
    const applied = appliedVersions(db);
    refuseUnknownVersions(applied, list, source);
    return new Set(applied);
  };

  if (refuseUnknown().size === known.size) return [];
  immediate(db, () => db.exec(CREATE_TABLE));
  const done: number[] = [];
  for (const m of list) {
    // Re-read under the write lock: another process may have applied it since we looked.
    const applied = immediate(db, () => {
      if (refuseUnknown().has(m.version)) return false;
      try {
        db.exec(m.sql);
      } catch (err) {
        throw new StoreError(StoreErrorCode.schema, source, `migration ${m.version} (${m.name}) failed`, {
          cause: err,
        });
      }
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now(),
      );
      return true;
    });
    if (applied) done.push(m.version);
  }
  return done;
}

/**
 * Refuses (FW_ERR_STORE_SCHEMA) applied versions `list` does not know: a newer firmwarden wrote
 * them, or another branch. Shared by both backends so they refuse the same databases.
 */
export function refuseUnknownVersions(applied: number[], list: readonly Migration[], source: string): void {
  const known = new Set(list.map((m) => m.version));
  const latest = list.at(-1)?.version ?? 0;
  const newest = applied.at(-1) ?? 0;
  if (newest > latest) {
    throw new StoreError(
      StoreErrorCode.schema,
      source,
      `schema version ${newest} is newer than this firmwarden knows (${latest}); upgrade firmwarden`,
    );
  }
  const stranger = applied.find((v) => !known.has(v));
  if (stranger !== undefined) {
    throw new StoreError(
      StoreErrorCode.schema,
      source,
      `schema version ${stranger} is applied but unknown to this firmwarden (knows ${[...known].join(', ')})`,
    );
  }
}

/** A migration list out of order is a programming error: fail loudly, never guess. */
export function checkList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    const prev = i === 0 ? 0 : (list[i - 1] as Migration).version;
    if (!Number.isInteger(m.version) || m.version <= prev) {
      throw new Error(`store migrations out of order: version ${m.version} after ${prev}`);
    }
  });
}

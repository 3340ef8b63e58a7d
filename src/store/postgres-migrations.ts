/**
 * The PostgreSQL schema: the same migrations as SQLite's (same versions, same names, same
 * tables and columns) in PostgreSQL's dialect, so a store moves between backends by version.
 * They run under a session advisory lock (one migrator per schema at a time, across every
 * instance starting at once), each in its own transaction with its `schema_migrations` row.
 *
 * Dialect choices: keys and names are `COLLATE "C"` so orderings match SQLite's byte order
 * whatever the database's locale; JSON stays in TEXT columns (not jsonb) so records read back
 * exactly as written and corrupt values are caught by the same checks as on SQLite; timestamps
 * stay ISO 8601 text and the compared ones epoch milliseconds (BIGINT), as on SQLite.
 */
import type pg from 'pg';
import { checkList, MIGRATIONS, type Migration, refuseUnknownVersions } from './migrations.ts';
import { StoreError, StoreErrorCode } from './store-errors.ts';

/** Every migration, PostgreSQL dialect; versions and names mirror MIGRATIONS (a test checks). */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE rollouts (
        id          TEXT COLLATE "C" PRIMARY KEY CHECK (id <> ''),
        name        TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('pending', 'running', 'paused', 'aborted', 'completed')),
        spec        TEXT NOT NULL,
        note        TEXT,
        created_at  TEXT COLLATE "C" NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE INDEX rollouts_created ON rollouts (created_at, id);

      CREATE TABLE rollout_servers (
        rollout_id  TEXT COLLATE "C" NOT NULL REFERENCES rollouts (id),
        server      TEXT COLLATE "C" NOT NULL CHECK (server <> ''),
        wave        INTEGER NOT NULL CHECK (wave >= 0),
        step        TEXT NOT NULL CHECK (step IN ('pending', 'claimed', 'drained', 'updating', 'verifying', 'done', 'failed',
                                      'skipped')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        detail      TEXT,
        labels      TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (rollout_id, server)
      );

      CREATE TABLE acting_versions (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        rollout_id  TEXT COLLATE "C" NOT NULL REFERENCES rollouts (id),
        line        TEXT COLLATE "C" NOT NULL,
        kind        TEXT NOT NULL,
        lowest      TEXT,
        highest     TEXT,
        target      TEXT,
        converged   BOOLEAN NOT NULL,
        at          TEXT NOT NULL
      );
      CREATE INDEX acting_versions_line ON acting_versions (rollout_id, line, id);

      CREATE TABLE inventory_snapshots (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        server      TEXT COLLATE "C" NOT NULL CHECK (server <> ''),
        scanned_at  TEXT NOT NULL,
        scanned_ms  BIGINT NOT NULL,
        failed      BOOLEAN NOT NULL,
        inventory   TEXT NOT NULL
      );
      CREATE INDEX inventory_snapshots_latest ON inventory_snapshots (server, scanned_ms, id);

      CREATE TABLE journal (
        seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL CHECK (actor <> ''),
        rollout_id  TEXT COLLATE "C",
        server      TEXT COLLATE "C",
        event       TEXT NOT NULL CHECK (event <> ''),
        data        TEXT
      );
      CREATE INDEX journal_rollout ON journal (rollout_id, seq) WHERE rollout_id IS NOT NULL;
      CREATE INDEX journal_server ON journal (server, seq) WHERE server IS NOT NULL;
      CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the journal is append-only: % refused', TG_OP; END $$;
      CREATE TRIGGER journal_no_update BEFORE UPDATE OR DELETE ON journal
        FOR EACH ROW EXECUTE FUNCTION journal_append_only();
      CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
        FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();

      CREATE TABLE leases (
        name        TEXT COLLATE "C" PRIMARY KEY CHECK (name <> ''),
        holder      TEXT NOT NULL CHECK (holder <> ''),
        expires_ms  BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'cursors',
    sql: `
      CREATE TABLE cursors (
        name        TEXT COLLATE "C" PRIMARY KEY CHECK (name <> ''),
        seq         BIGINT NOT NULL CHECK (seq >= 0),
        updated_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'cluster',
    sql: `
      ALTER TABLE rollout_servers ADD COLUMN holder TEXT;
      CREATE TABLE instances (
        id          TEXT COLLATE "C" PRIMARY KEY CHECK (id <> ''),
        name        TEXT COLLATE "C" NOT NULL CHECK (name <> ''),
        labels      TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        seen_at     TEXT NOT NULL,
        expires_ms  BIGINT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'line-names',
    sql: `
      ALTER TABLE acting_versions ADD COLUMN name TEXT;
    `,
  },
];

/** Versions and names must mirror SQLite's list: a database moves between backends by version. */
export function sameVersions(a: readonly Migration[], b: readonly Migration[]): boolean {
  return a.length === b.length && a.every((m, i) => m.version === b[i]?.version && m.name === b[i]?.name);
}

/**
 * Applies the missing migrations of `list` in order; returns the versions applied. `schema`,
 * when given, is created first (the pool's search_path points at it).
 */
export async function applyPgMigrations(
  pool: pg.Pool,
  source: string,
  now: () => string,
  options: { schema?: string; list?: readonly Migration[] } = {},
): Promise<number[]> {
  const list = options.list ?? PG_MIGRATIONS;
  checkList(list);
  if (list === PG_MIGRATIONS && !sameVersions(list, MIGRATIONS)) {
    throw new Error('store migrations: the PostgreSQL list does not mirror the SQLite list');
  }
  const client = await pool.connect();
  try {
    // Two 32-bit keys: firmwarden's migrations, and which schema (several stores per database).
    const key = options.schema ?? '';
    await client.query("SELECT pg_advisory_lock(hashtext('firmwarden:migrate'), hashtext($1))", [key]);
    try {
      if (options.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
      );
      const applied = (await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map(
        (r) => Number(r.version),
      );
      refuseUnknownVersions(applied, list, source);
      const done: number[] = [];
      for (const m of list) {
        if (applied.includes(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, now()],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new StoreError(StoreErrorCode.schema, source, `migration ${m.version} (${m.name}) failed`, {
            cause: err,
          });
        }
        done.push(m.version);
      }
      return done;
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('firmwarden:migrate'), hashtext($1))", [key]);
    }
  } finally {
    client.release();
  }
}

/** The versions recorded in `schema_migrations` (empty when the table does not exist yet). */
export async function appliedPgVersions(pool: pg.Pool): Promise<number[]> {
  const exists = await pool.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS ok");
  if (!exists.rows[0]?.ok) return [];
  return (await pool.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) =>
    Number(r.version),
  );
}

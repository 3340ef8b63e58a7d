/** Schema migrations: versioned, applied once each, and a newer schema is refused. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appliedVersions,
  applyMigrations,
  MIGRATIONS,
  type Migration,
  SCHEMA_VERSION,
} from '../../src/store/migrations.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { RolloutStatus, ServerStep } from '../../src/store/types.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { tempDir } from './helpers.ts';

const now = () => '2026-11-22T03:00:00.000Z';
const TABLES = [
  'cursors',
  'instances',
  'acting_versions',
  'inventory_snapshots',
  'journal',
  'leases',
  'rollout_servers',
  'rollouts',
];

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const tables = (db: DatabaseSync) =>
  db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => r['name']);

describe('migrations', () => {
  it('creates every table once and records each version; a second migrate is a no-op', async () => {
    const file = join(dir, 'state.db');
    const store = await SqliteStore.open(file, { clock: fakeClock() });
    await store.migrate();
    await store.close();

    const db = new DatabaseSync(file);
    expect(tables(db)).toEqual([...TABLES, 'schema_migrations'].sort());
    expect(appliedVersions(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(applyMigrations(db, file, now)).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()?.['n']).toBe(MIGRATIONS.length);
    db.close();
  });

  it('applies only the migrations a database lacks, in order', () => {
    const db = new DatabaseSync(':memory:');
    const list: Migration[] = [
      { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN y INTEGER' },
    ];
    expect(applyMigrations(db, ':memory:', now, list.slice(0, 1))).toEqual([1]);
    expect(applyMigrations(db, ':memory:', now, list)).toEqual([2]);
    expect(applyMigrations(db, ':memory:', now, list)).toEqual([]);
    expect(
      db
        .prepare('SELECT name FROM pragma_table_info(?)')
        .all('a')
        .map((r) => r['name']),
    ).toEqual(['x', 'y']);
  });

  it('rolls a failing migration back whole, with its version unrecorded', () => {
    const db = new DatabaseSync(':memory:');
    const list: Migration[] = [
      { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (x INTEGER); CREATE TABLE a (x INTEGER)' },
    ];
    expect(() => applyMigrations(db, 'x.db', now, list)).toThrow(
      expect.objectContaining({ code: 'FW_ERR_STORE_SCHEMA' }),
    );
    expect(appliedVersions(db)).toEqual([1]);
    expect(tables(db)).not.toContain('b');
  });

  it('refuses a migration list out of order', () => {
    const db = new DatabaseSync(':memory:');
    const list: Migration[] = [
      { version: 2, name: 'two', sql: '' },
      { version: 1, name: 'one', sql: '' },
    ];
    expect(() => applyMigrations(db, ':memory:', now, list)).toThrow(/out of order/);
  });

  it('refuses to open a database whose schema is newer than this firmwarden, naming file and versions', async () => {
    const file = join(dir, 'state.db');
    await (await SqliteStore.open(file, { clock: fakeClock() })).close();
    const db = new DatabaseSync(file);
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'from the future', 'x')").run(SCHEMA_VERSION + 1);
    db.close();

    const err = await SqliteStore.open(file, { clock: fakeClock() }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_STORE_SCHEMA');
    expect(err.message).toContain(file);
    expect(err.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(err.message).toContain(`(${SCHEMA_VERSION})`);
  });

  it('refuses a database holding a version this firmwarden never had, touching nothing', () => {
    const db = new DatabaseSync(':memory:');
    const branch: Migration[] = [
      { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'from another branch', sql: 'CREATE TABLE other (x INTEGER)' },
    ];
    applyMigrations(db, 'x.db', now, branch);
    const mine: Migration[] = [
      branch[0] as Migration,
      { version: 3, name: 'three', sql: 'CREATE TABLE c (x INTEGER)' },
    ];
    expect(() => applyMigrations(db, 'x.db', now, mine)).toThrow(
      expect.objectContaining({ code: 'FW_ERR_STORE_SCHEMA' }),
    );
    expect(tables(db)).not.toContain('c');
  });

  it('refuses a file that is not a database with FW_ERR_STORE_CORRUPT', async () => {
    const file = join(dir, 'state.db');
    await writeFile(file, 'this is not a sqlite database, it is a text file long enough to have a header');
    const err = await SqliteStore.open(file, { clock: fakeClock() }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_STORE_CORRUPT');
    expect(err.message).toContain(file);
  });

  it.each([
    ['rollouts.status', 'rollouts', 'status', Object.values(RolloutStatus)],
    ['rollout_servers.step', 'rollout_servers', 'step', Object.values(ServerStep)],
  ])('the CHECK list of %s matches types.ts (a new value needs a migration)', (_, table, column, values) => {
    const db = new DatabaseSync(':memory:');
    applyMigrations(db, ':memory:', now);
    const sql = String(db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').get(table)?.['sql']);
    const list = new RegExp(`${column}\\s+IN \\(([^)]*)\\)`).exec(sql)?.[1] ?? '';
    expect(list.match(/'[a-z]+'/g)?.map((v) => v.slice(1, -1))).toEqual(values);
  });
});

/**
 * The store backends the contract tests run against: SQLite in memory, and PostgreSQL in a fresh
 * schema per store (dropped on close) so test files and forks run in parallel on one server.
 * PostgreSQL needs FIRMWARDEN_TEST_PG_URL (scripts/test-services.sh starts a server and prints
 * it); without it its cases are skipped with the reason in their title, unless
 * FIRMWARDEN_REQUIRE_SERVICES=1 (CI), where a missing server fails the run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { Store } from '../../src/store/types.ts';
import { type FakeClock, fakeClock } from '../helpers/fake-clock.ts';

export const PG_URL = process.env['FIRMWARDEN_TEST_PG_URL'];
const REQUIRED = process.env['FIRMWARDEN_REQUIRE_SERVICES'] === '1';
const SKIP_REASON =
  'skipped: FIRMWARDEN_TEST_PG_URL is not set (eval "$(sudo bash scripts/test-services.sh)")';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, migrated, empty store on `clock`. */
  open(clock?: FakeClock): Promise<{ store: Store; clock: FakeClock }>;
}

/** A schema name no other test (file, fork, run) uses. */
export function uniqueSchema(prefix = 'fw_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A migrated PostgresStore in its own schema; closing it drops the schema. */
export async function pgTestStore(
  clock: FakeClock = fakeClock(),
): Promise<{ store: PostgresStore; clock: FakeClock }> {
  const schema = uniqueSchema();
  const store = await PostgresStore.open({ url: PG_URL as string, schema }, { clock });
  const close = store.close.bind(store);
  let dropped = false;
  store.close = async () => {
    await close();
    if (!dropped) {
      dropped = true;
      await dropSchema(schema);
    }
  };
  return { store, clock };
}

export const SQLITE: Backend = {
  name: 'sqlite',
  open: async (clock = fakeClock()) => ({ store: await SqliteStore.open(':memory:', { clock }), clock }),
};

export const POSTGRES: Backend = { name: 'postgres', open: (clock) => pgTestStore(clock) };

/**
 * `describe(title)` once per backend, PostgreSQL skipped (or failing, when services are
 * required) without a server.
 */
export function describeBackends(title: string, body: (backend: Backend) => void): void {
  describe.each([SQLITE, POSTGRES])(`${title} [$name]`, (backend) => {
    if (backend.name === 'postgres' && !PG_URL) {
      if (REQUIRED) {
        it('needs PostgreSQL', () => {
          throw new Error('FIRMWARDEN_REQUIRE_SERVICES=1 but FIRMWARDEN_TEST_PG_URL is not set');
        });
      } else {
        it.skip(SKIP_REASON, () => undefined);
      }
      return;
    }
    body(backend);
  });
}

/** `describe` for PostgreSQL-only tests, with the same skip/fail rule. */
export function describePostgres(title: string, body: () => void): void {
  describe(`${title} [postgres]`, () => {
    if (!PG_URL) {
      if (REQUIRED) {
        it('needs PostgreSQL', () => {
          throw new Error('FIRMWARDEN_REQUIRE_SERVICES=1 but FIRMWARDEN_TEST_PG_URL is not set');
        });
      } else {
        it.skip(SKIP_REASON, () => undefined);
      }
      return;
    }
    body();
  });
}

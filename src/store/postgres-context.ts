/**
 * What the PostgreSQL store's table modules share: the pool, the clock, the name of the store in
 * errors (URL without password, and schema), and the wrapping of `pg` errors into StoreErrors.
 */
import type pg from 'pg';
import type { Clock } from '../deps.ts';
import { inTransaction, pgStoreError } from './postgres-connection.ts';
import { StoreError, type StoreErrorCode } from './store-errors.ts';

export class PgContext {
  readonly source: string;
  readonly pool: pg.Pool;
  readonly clock: Clock;
  /** The schema the tables live in ('' for the server's search_path): keys advisory locks. */
  readonly schema: string;

  constructor(source: string, pool: pg.Pool, clock: Clock, schema: string) {
    this.source = source;
    this.pool = pool;
    this.clock = clock;
    this.schema = schema;
  }

  /** The clock's time as ISO 8601 (every `updatedAt`, journal `at`). */
  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** One statement on any pooled connection. */
  async query(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    return this.pool.query(text, values);
  }

  /** Runs one store operation, turning `pg` errors into StoreErrors that say what failed. */
  async run<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw pgStoreError(this.source, doing, err);
    }
  }

  /** `run` inside one transaction. */
  async tx<T>(doing: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.run(doing, () => inTransaction(this.pool, fn));
  }

  error(code: StoreErrorCode, message: string): StoreError {
    return new StoreError(code, this.source, message);
  }
}

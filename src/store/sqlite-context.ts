/**
 * What the SQLite store's table modules share: the connection, statements prepared once per
 * SQL text, the clock, and the wrapping of node:sqlite errors into StoreErrors.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Clock } from '../deps.ts';
import { StoreError, type StoreErrorCode, storeError } from './store-errors.ts';

export class SqliteContext {
  readonly file: string;
  readonly db: DatabaseSync;
  readonly clock: Clock;
  readonly #statements = new Map<string, StatementSync>();

  constructor(file: string, db: DatabaseSync, clock: Clock) {
    this.file = file;
    this.db = db;
    this.clock = clock;
  }

  /** The clock's time as ISO 8601 (every `updatedAt`, journal `at`). */
  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** A prepared statement, cached per SQL text for the life of the connection. */
  sql(text: string): StatementSync {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  /** Runs one store operation, turning node:sqlite errors into StoreErrors that say what failed. */
  run<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw storeError(this.file, doing, err);
    }
  }

  /** A StoreError about this file. */
  error(code: StoreErrorCode, message: string): StoreError {
    return new StoreError(code, this.file, message);
  }

  /** Drops the cached statements (before the connection closes). */
  forget(): void {
    this.#statements.clear();
  }
}

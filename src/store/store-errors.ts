/**
 * Errors of the state store. Codes are stable; `source` names the database file (or
 * ":memory:") so a message says which store failed when several are in play.
 */
import { FirmwardenError } from '../errors.ts';

export const StoreErrorCode = {
  /** The schema is newer than this firmwarden knows, or a migration failed. */
  schema: 'FW_ERR_STORE_SCHEMA',
  /** A record with that key exists already (duplicate rollout id, duplicate server in a rollout). */
  conflict: 'FW_ERR_STORE_CONFLICT',
  /** A record refers to one that does not exist (acting versions of an unknown rollout). */
  notFound: 'FW_ERR_STORE_NOT_FOUND',
  /** The caller passed something the store cannot hold (not JSON-serializable, bad step, ttl). */
  input: 'FW_ERR_STORE_INPUT',
  /** Stored data cannot be read back (corrupt JSON column, not a database file). */
  corrupt: 'FW_ERR_STORE_CORRUPT',
  /** Another process held the write lock longer than the busy timeout. */
  busy: 'FW_ERR_STORE_BUSY',
  /** Any other database failure (disk full, permissions, I/O, store closed). */
  io: 'FW_ERR_STORE_IO',
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/** The state store could not do what was asked. */
export class StoreError extends FirmwardenError {
  readonly source: string;
  constructor(code: StoreErrorCode, source: string, message: string, options?: { cause?: unknown }) {
    super(code, `store "${source}": ${message}`, options);
    this.name = 'StoreError';
    this.source = source;
  }
}

/** SQLite primary result codes (the low byte of an extended code) that map to a store code. */
const SQLITE_CODES: Record<number, StoreErrorCode> = {
  5: StoreErrorCode.busy, // SQLITE_BUSY
  6: StoreErrorCode.busy, // SQLITE_LOCKED
  11: StoreErrorCode.corrupt, // SQLITE_CORRUPT
  26: StoreErrorCode.corrupt, // SQLITE_NOTADB
};
/** Extended constraint codes: which constraint failed decides what the caller did wrong. */
const CONSTRAINT_CODES: Record<number, StoreErrorCode> = {
  1555: StoreErrorCode.conflict, // SQLITE_CONSTRAINT_PRIMARYKEY
  2067: StoreErrorCode.conflict, // SQLITE_CONSTRAINT_UNIQUE
  787: StoreErrorCode.notFound, // SQLITE_CONSTRAINT_FOREIGNKEY
  275: StoreErrorCode.input, // SQLITE_CONSTRAINT_CHECK
  1299: StoreErrorCode.input, // SQLITE_CONSTRAINT_NOTNULL
  1811: StoreErrorCode.input, // SQLITE_CONSTRAINT_TRIGGER (the journal's append-only guard)
  3091: StoreErrorCode.input, // SQLITE_CONSTRAINT_DATATYPE (STRICT tables)
};

/**
 * Wraps an error thrown by node:sqlite (`errcode` is SQLite's extended result code) in a
 * StoreError that says what was being done; StoreErrors pass through unchanged.
 */
export function storeError(source: string, doing: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const errcode = (err as { errcode?: unknown }).errcode;
  const reason = err instanceof Error ? err.message : String(err);
  let code: StoreErrorCode = StoreErrorCode.io;
  if (typeof errcode === 'number') code = CONSTRAINT_CODES[errcode] ?? SQLITE_CODES[errcode & 0xff] ?? code;
  return new StoreError(code, source, `${doing}: ${reason}`, { cause: err });
}

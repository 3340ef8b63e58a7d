/**
 * Between database rows and the store's records (SQLite and PostgreSQL rows have the same column
 * names and JSON-as-text columns, so both backends read through here): JSON columns serialized on write and parsed on
 * read (a corrupt column is FW_ERR_STORE_CORRUPT naming the table, row and column, never a bare
 * SyntaxError), NULLs folded into absent optional fields.
 */
import type { ServerInventory } from '../inventory/model.ts';
import { StoreError, StoreErrorCode } from './store-errors.ts';
import type {
  ActingVersionRecord,
  InstanceRecord,
  JournalRecord,
  Lease,
  RolloutRecord,
  RolloutServerRecord,
  RolloutStatus,
  ServerStep,
} from './types.ts';

type Row = Record<string, unknown>;

/** Serializes a JSON column; `what` names the value in the error when it cannot be. */
export function toJson(source: string, what: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new StoreError(StoreErrorCode.input, source, `${what} is not JSON-serializable`, { cause: err });
  }
  if (text === undefined) {
    throw new StoreError(StoreErrorCode.input, source, `${what} is not JSON-serializable (${typeof value})`);
  }
  return text;
}

/** Parses a JSON column of the row named by `where` ("journal seq 12"). */
export function fromJson(source: string, where: string, column: string, text: unknown): unknown {
  if (typeof text !== 'string') {
    throw new StoreError(StoreErrorCode.corrupt, source, `${where}: column ${column} is not JSON text`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StoreError(StoreErrorCode.corrupt, source, `${where}: column ${column} holds corrupt JSON`, {
      cause: err,
    });
  }
}

/** A JSON column that must hold an object (labels, inventory). */
function objectJson(source: string, where: string, column: string, text: unknown): Record<string, unknown> {
  const value = fromJson(source, where, column, text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StoreError(StoreErrorCode.corrupt, source, `${where}: column ${column} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

const str = (v: unknown) => v as string;
const optional = <K extends string>(key: K, v: unknown) =>
  (v === null || v === undefined ? {} : { [key]: v }) as Partial<Record<K, string>>;

export function rolloutFromRow(source: string, r: Row): RolloutRecord {
  const where = `rollout "${str(r['id'])}"`;
  return {
    id: str(r['id']),
    name: str(r['name']),
    status: str(r['status']) as RolloutStatus,
    spec: fromJson(source, where, 'spec', r['spec']),
    createdAt: str(r['created_at']),
    updatedAt: str(r['updated_at']),
    ...optional('note', r['note']),
  };
}

export function rolloutServerFromRow(source: string, r: Row): RolloutServerRecord {
  const where = `rollout "${str(r['rollout_id'])}" server "${str(r['server'])}"`;
  return {
    rolloutId: str(r['rollout_id']),
    server: str(r['server']),
    wave: Number(r['wave']),
    step: str(r['step']) as ServerStep,
    attempts: Number(r['attempts']),
    updatedAt: str(r['updated_at']),
    ...(r['detail'] === null ? {} : { detail: fromJson(source, where, 'detail', r['detail']) }),
    labels: objectJson(source, where, 'labels', r['labels']) as Record<string, string>,
    ...optional('holder', r['holder']),
  };
}

export function instanceFromRow(source: string, r: Row): InstanceRecord {
  return {
    id: str(r['id']),
    name: str(r['name']),
    labels: objectJson(
      source,
      `instance "${str(r['id'])}"`,
      'labels',
      r['labels'],
    ) as InstanceRecord['labels'],
    startedAt: str(r['started_at']),
    seenAt: str(r['seen_at']),
    expiresAt: new Date(Number(r['expires_ms'])).toISOString(),
  };
}

export function actingVersionFromRow(r: Row): ActingVersionRecord {
  return {
    rolloutId: str(r['rollout_id']),
    line: str(r['line']),
    ...optional('name', r['name']),
    kind: str(r['kind']),
    ...optional('lowest', r['lowest']),
    ...optional('highest', r['highest']),
    ...optional('target', r['target']),
    converged: r['converged'] === 1 || r['converged'] === true,
    at: str(r['at']),
  };
}

export function journalFromRow(source: string, r: Row): JournalRecord {
  const seq = Number(r['seq']);
  return {
    seq,
    at: str(r['at']),
    actor: str(r['actor']),
    ...optional('rolloutId', r['rollout_id']),
    ...optional('server', r['server']),
    event: str(r['event']),
    ...(r['data'] === null ? {} : { data: fromJson(source, `journal seq ${seq}`, 'data', r['data']) }),
  };
}

/**
 * A snapshot; checks just enough shape that callers can rely on `server` and the arrays. A
 * failed scan (`error` set) may have been saved without its empty arrays: they read back as [].
 */
export function inventoryFromRow(source: string, r: Row): ServerInventory {
  const where = `inventory snapshot ${Number(r['id'])} of "${str(r['server'])}"`;
  const inv = objectJson(source, where, 'inventory', r['inventory']);
  const list = (key: string) => {
    const v = inv[key] ?? [];
    if (!Array.isArray(v))
      throw new StoreError(StoreErrorCode.corrupt, source, `${where}: ${key} is not a list`);
    return v;
  };
  if (inv['server'] !== r['server']) {
    throw new StoreError(StoreErrorCode.corrupt, source, `${where}: names server "${String(inv['server'])}"`);
  }
  return { ...inv, components: list('components'), copies: list('copies') } as unknown as ServerInventory;
}

export function leaseFromRow(r: Row): Lease {
  return {
    name: str(r['name']),
    holder: str(r['holder']),
    expiresAt: new Date(Number(r['expires_ms'])).toISOString(),
  };
}

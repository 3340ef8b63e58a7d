/**
 * The journal table: append-only (triggers refuse UPDATE and DELETE; this module has no path
 * that tries), ordered by `seq`. Appends commit with synchronous=FULL: an intent is on disk
 * before the action it announces.
 */
import type { SQLInputValue } from 'node:sqlite';
import { durably } from './sqlite-connection.ts';
import type { SqliteContext } from './sqlite-context.ts';
import { journalFromRow, toJson } from './sqlite-rows.ts';
import { StoreErrorCode } from './store-errors.ts';
import type { JournalAppend, JournalRecord, Store } from './types.ts';

export type JournalFilter = NonNullable<Parameters<Store['journal']>[0]>;

export function appendJournal(c: SqliteContext, entry: JournalAppend): number {
  const data = entry.data === undefined ? null : toJson(c.file, 'journal data', entry.data);
  return c.run('append to the journal', () =>
    durably(c.db, () => {
      const result = c
        .sql(
          `INSERT INTO journal (at, actor, rollout_id, server, event, data)
           VALUES (:at, :actor, :rolloutId, :server, :event, :data)`,
        )
        .run({
          at: c.now(),
          actor: entry.actor ?? null,
          rolloutId: entry.rolloutId ?? null,
          server: entry.server ?? null,
          event: entry.event ?? null,
          data,
        });
      return Number(result.lastInsertRowid);
    }),
  );
}

export function readJournal(c: SqliteContext, filter: JournalFilter): JournalRecord[] {
  if (filter.limit !== undefined && !(Number.isInteger(filter.limit) && filter.limit >= 0)) {
    throw c.error(StoreErrorCode.input, `journal limit ${filter.limit} is not a count`);
  }
  // One statement text per filter combination, so each uses its partial index.
  const where = ['seq > :afterSeq'];
  const params: Record<string, SQLInputValue> = { afterSeq: filter.afterSeq ?? 0, limit: filter.limit ?? -1 };
  if (filter.rolloutId !== undefined) {
    where.push('rollout_id = :rolloutId');
    params['rolloutId'] = filter.rolloutId;
  }
  if (filter.server !== undefined) {
    where.push('server = :server');
    params['server'] = filter.server;
  }
  return c.run('read the journal', () =>
    c
      .sql(`SELECT * FROM journal WHERE ${where.join(' AND ')} ORDER BY seq LIMIT :limit`)
      .all(params)
      .map((r) => journalFromRow(c.file, r)),
  );
}

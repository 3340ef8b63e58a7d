/**
 * Rollouts, their servers and their acting-version history. Status and step transitions are
 * compare-and-set in one UPDATE (`… WHERE step IN (expected)`), so of two processes attempting
 * the same move exactly one sees a changed row.
 */

import { immediate } from './sqlite-connection.ts';
import type { SqliteContext } from './sqlite-context.ts';
import { actingVersionFromRow, rolloutFromRow, rolloutServerFromRow, toJson } from './sqlite-rows.ts';
import { StoreErrorCode } from './store-errors.ts';
import {
  type ActingVersionRecord,
  type RolloutRecord,
  type RolloutServerRecord,
  RolloutStatus,
  ServerStep,
  type Store,
} from './types.ts';

export type NewRollout = Parameters<Store['createRollout']>[0];
const STATUSES = new Set<string>(Object.values(RolloutStatus));
const STEPS = new Set<string>(Object.values(ServerStep));

export function insertRollout(c: SqliteContext, r: NewRollout): RolloutRecord {
  const spec = toJson(c.file, `rollout "${r.id}" spec`, r.spec ?? null);
  const seen = new Set<string>();
  const servers = r.servers.map((s) => {
    if (seen.has(s.server))
      throw c.error(StoreErrorCode.input, `rollout "${r.id}": server "${s.server}" listed twice`);
    seen.add(s.server);
    return { ...s, labels: toJson(c.file, `labels of "${s.server}"`, s.labels ?? {}) };
  });
  return c.run(`create rollout "${r.id}"`, () =>
    immediate(c.db, () => {
      if (c.sql('SELECT 1 FROM rollouts WHERE id = ?').get(r.id)) {
        throw c.error(StoreErrorCode.conflict, `rollout "${r.id}" exists already`);
      }
      const now = c.now();
      c.sql(
        `INSERT INTO rollouts (id, name, status, spec, created_at, updated_at)
         VALUES (:id, :name, 'pending', :spec, :now, :now)`,
      ).run({ id: r.id, name: r.name ?? null, spec, now });
      const insert = c.sql(
        `INSERT INTO rollout_servers (rollout_id, server, wave, step, attempts, labels, updated_at)
         VALUES (:id, :server, :wave, 'pending', 0, :labels, :now)`,
      );
      for (const s of servers)
        insert.run({ id: r.id, server: s.server, wave: s.wave, labels: s.labels, now });
      return rolloutFromRow(
        c.file,
        c.sql('SELECT * FROM rollouts WHERE id = ?').get(r.id) as Record<string, unknown>,
      );
    }),
  );
}

export function selectRollout(c: SqliteContext, id: string): RolloutRecord | undefined {
  return c.run(`read rollout "${id}"`, () => {
    const row = c.sql('SELECT * FROM rollouts WHERE id = ?').get(id);
    return row ? rolloutFromRow(c.file, row) : undefined;
  });
}

export function selectRollouts(c: SqliteContext): RolloutRecord[] {
  return c.run('list rollouts', () =>
    c
      .sql('SELECT * FROM rollouts ORDER BY created_at, id')
      .all()
      .map((r) => rolloutFromRow(c.file, r)),
  );
}

export function casRolloutStatus(
  c: SqliteContext,
  id: string,
  from: RolloutStatus[],
  to: RolloutStatus,
  note: string | undefined,
): boolean {
  checkStates(c, 'rollout status', STATUSES, from, to);
  return c.run(`set rollout "${id}" status`, () => {
    const { changes } = c
      .sql(
        `UPDATE rollouts SET status = :to, note = :note, updated_at = :now
         WHERE id = :id AND status IN (SELECT value FROM json_each(:from))`,
      )
      .run({ id, to, note: note ?? null, now: c.now(), from: JSON.stringify(from) });
    return Number(changes) === 1;
  });
}

export function selectRolloutServers(c: SqliteContext, id: string): RolloutServerRecord[] {
  return c.run(`read servers of rollout "${id}"`, () =>
    c
      .sql('SELECT * FROM rollout_servers WHERE rollout_id = ? ORDER BY wave, server')
      .all(id)
      .map((r) => rolloutServerFromRow(c.file, r)),
  );
}

export function casServerStep(
  c: SqliteContext,
  move: {
    id: string;
    server: string;
    from: ServerStep[];
    to: ServerStep;
    detail: unknown;
    countAttempt: boolean;
  },
): boolean {
  const { id, server, from, to, detail } = move;
  checkStates(c, 'server step', STEPS, from, to);
  const keep = detail === undefined;
  const json = keep || detail === null ? null : toJson(c.file, `detail of "${server}"`, detail);
  return c.run(`set step of "${server}" in rollout "${id}"`, () => {
    const { changes } = c
      .sql(
        `UPDATE rollout_servers
         SET step = :to, attempts = attempts + :inc, updated_at = :now,
             detail = CASE WHEN :keep THEN detail ELSE :detail END
         WHERE rollout_id = :id AND server = :server AND step IN (SELECT value FROM json_each(:from))`,
      )
      .run({
        id,
        server,
        to,
        inc: move.countAttempt ? 1 : 0,
        now: c.now(),
        keep: keep ? 1 : 0,
        detail: json,
        from: JSON.stringify(from),
      });
    return Number(changes) === 1;
  });
}

export function insertActingVersions(c: SqliteContext, records: ActingVersionRecord[]): void {
  c.run('record acting versions', () =>
    immediate(c.db, () => {
      const insert = c.sql(
        `INSERT INTO acting_versions (rollout_id, line, name, kind, lowest, highest, target, converged, at)
         VALUES (:rolloutId, :line, :name, :kind, :lowest, :highest, :target, :converged, :at)`,
      );
      for (const a of records) {
        insert.run({
          rolloutId: a.rolloutId,
          line: a.line,
          name: a.name ?? null,
          kind: a.kind,
          lowest: a.lowest ?? null,
          highest: a.highest ?? null,
          target: a.target ?? null,
          converged: a.converged ? 1 : 0,
          at: a.at,
        });
      }
    }),
  );
}

/** The last recorded row per line: insertion order, not `at` (the clocks of processes differ). */
export function selectActingVersions(c: SqliteContext, rolloutId: string): ActingVersionRecord[] {
  return c.run(`read acting versions of rollout "${rolloutId}"`, () =>
    c
      .sql(
        `SELECT a.* FROM acting_versions a
         WHERE a.rollout_id = :id
           AND a.id = (SELECT max(b.id) FROM acting_versions b WHERE b.rollout_id = :id AND b.line = a.line)
         ORDER BY a.line`,
      )
      .all({ id: rolloutId })
      .map(actingVersionFromRow),
  );
}

/** An unknown state is a caller's bug: say so, rather than let a CAS quietly never match. */
function checkStates(c: SqliteContext, what: string, known: Set<string>, from: string[], to: string): void {
  const unknown = [...from, to].find((s) => !known.has(s));
  if (unknown !== undefined) throw c.error(StoreErrorCode.input, `unknown ${what} "${unknown}"`);
}

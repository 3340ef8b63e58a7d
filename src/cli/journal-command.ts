/**
 * `firmwarden journal`: who did what to which server and with what result — intents and outcomes
 * of updates (CLI, rollouts, daemon, API), rollout steps, backup and job entries — from the state
 * store GET /api/v1/journal reads, oldest first. With a local state folder (--state, or the
 * default .firmwarden) the executor journal file of `firmwarden update` runs (their intents) is
 * merged in by time. It reads and never writes.
 */
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { FileJournal } from '../executor/journal.ts';
import type { JournalRecord, Store } from '../store/types.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { table } from './render.ts';
import { openStateStore, STATE_FLAGS } from './state-flags.ts';

const PAGE = 1_000;

/** A journal line as printed: a store row, or a line of the update journal file (no seq). */
export interface JournalLine {
  seq?: number;
  at: string;
  actor?: string;
  rolloutId?: string;
  server?: string;
  event: string;
  data?: unknown;
  source: 'store' | 'update-journal-file';
}

export async function journalCommand(
  argv: string[],
  deps: Deps,
  out: NodeJS.WritableStream,
): Promise<number> {
  const { values } = parse('journal', argv, {
    ...STATE_FLAGS,
    server: { type: 'string', multiple: true },
    rollout: { type: 'string' },
    event: { type: 'string', multiple: true },
    since: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  });
  const since = values.since === undefined ? undefined : parseSince(values.since, deps.clock.now());
  const limit = intFlag('journal', 'limit', values.limit, 200);
  const keep = (e: { at: string; server?: string; event: string; rolloutId?: string }) =>
    (!values.server || (e.server !== undefined && values.server.includes(e.server))) &&
    (!values.event || values.event.includes(e.event)) &&
    (values.rollout === undefined || e.rolloutId === values.rollout) &&
    (since === undefined || Date.parse(e.at) >= since);
  const { store, stateDir } = await openStateStore('journal', values, deps);
  let lines: JournalLine[];
  try {
    lines = (await readStore(store, values.server, values.rollout)).filter(keep);
  } finally {
    await store.close();
  }
  if (stateDir !== undefined && values.rollout === undefined) {
    // `firmwarden update` keeps its intents in this file (the store has its outcomes).
    const file = await new FileJournal(stateDir).read();
    lines.push(
      ...file
        .map(({ at, server, event, ...data }) => ({
          at,
          server,
          event,
          ...(Object.keys(data).length > 0 ? { data } : {}),
          source: 'update-journal-file' as const,
        }))
        .filter(keep),
    );
    lines.sort((a, b) => a.at.localeCompare(b.at) || (a.seq ?? 0) - (b.seq ?? 0));
  }
  // The newest `limit` entries, still oldest first.
  lines = lines.slice(-limit);
  if (values.json) out.write(`${JSON.stringify({ entries: lines }, null, 2)}\n`);
  else if (lines.length === 0) out.write('no journal entries match\n');
  else
    out.write(
      `${table(
        ['SEQ', 'AT', 'SERVER', 'EVENT', 'ACTOR', 'DETAIL'],
        lines.map((e) => [
          e.seq === undefined ? '-' : String(e.seq),
          e.at,
          e.server ?? (e.rolloutId ? `(rollout ${e.rolloutId})` : ''),
          e.event,
          e.actor ?? '(update journal)',
          detailOf(e.data),
        ]),
      )}\n`,
    );
  return EXIT.ok;
}

async function readStore(store: Store, servers: string[] | undefined, rolloutId: string | undefined) {
  const out: JournalLine[] = [];
  // One server: the store filters; several: read all and filter here.
  const server = servers?.length === 1 ? servers[0] : undefined;
  for (let after = 0; ; ) {
    const page: JournalRecord[] = await store.journal({
      afterSeq: after,
      limit: PAGE,
      ...(server !== undefined ? { server } : {}),
      ...(rolloutId !== undefined ? { rolloutId } : {}),
    });
    for (const e of page) out.push({ ...e, source: 'store' });
    if (page.length < PAGE) return out;
    after = (page.at(-1) as JournalRecord).seq;
  }
}

/** `--since`: an ISO 8601 date or date-time, or an age: 30m, 12h, 7d. Epoch ms. */
export function parseSince(text: string, now: number): number {
  const age = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (age) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd'];
    return now - Number(age[1]) * unit;
  }
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || Number.isNaN(t))
    throw new ConfigError(
      'firmwarden journal',
      `--since expects an ISO 8601 date or date-time, or an age like 30m, 12h, 7d; got ${JSON.stringify(text)}`,
    );
  return t;
}

/** The few fields an operator reads first; anything else as compact JSON. */
function detailOf(data: unknown): string {
  if (data === undefined || data === null) return '';
  if (typeof data !== 'object') return String(data);
  const d = data as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof d['component'] === 'string') parts.push(d['component']);
  if (d['from'] !== undefined || d['to'] !== undefined) parts.push(`${d['from'] ?? '?'} → ${d['to'] ?? '?'}`);
  if (typeof d['method'] === 'string') parts.push(d['method']);
  if (typeof d['outcome'] === 'string') parts.push(d['outcome']);
  if (Array.isArray(d['actions']))
    for (const a of d['actions'] as Array<Record<string, unknown>>)
      parts.push(`${a['component']} ${a['from']} → ${a['to']} ${a['outcome']}`);
  const err = d['error'] as { message?: unknown } | string | undefined;
  if (err) parts.push(`error: ${typeof err === 'string' ? err : String(err.message ?? JSON.stringify(err))}`);
  const text = parts.length > 0 ? parts.join('; ') : JSON.stringify(data);
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/**
 * What a job recorded in earlier runs, read back from the journal: the journal is the record
 * (shared by every daemon on the store), and a cursor file in the state folder remembers how far
 * it was read and what was found, so a poll every few minutes reads only the new entries rather
 * than the whole journal. The cursor is checked against the journal (the entry it stopped at must
 * still be there) and rebuilt from the start when the store was replaced.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { JournalRecord, Store } from '../store/types.ts';

export interface FoldOptions<S> {
  /** Cursor file; created when missing. */
  cursorFile: string;
  /** Identifies what is folded (e.g. the catalog source): a different key starts over. */
  key: string;
  event: string;
  initial: S;
  reduce: (state: S, entry: JournalRecord) => S;
  /** Journal entries read per query. */
  pageSize?: number;
}

interface Cursor<S> {
  key: string;
  /** Last entry read (any event): its seq and time, to recognise the same journal. */
  seq: number;
  at: string;
  state: S;
}

/** Folds every journal entry of `event` into a state, resuming from the cursor file. */
export async function foldJournal<S>(store: Store, options: FoldOptions<S>): Promise<S> {
  const saved = await readCursor<S>(options.cursorFile);
  let cursor: Cursor<S> | undefined = saved?.key === options.key ? saved : undefined;
  if (cursor && !(await stillThere(store, cursor))) cursor = undefined;
  let state = cursor ? cursor.state : options.initial;
  let seq = cursor?.seq ?? 0;
  let at = cursor?.at ?? '';
  const limit = options.pageSize ?? 1_000;
  for (;;) {
    const page = await store.journal({ afterSeq: seq, limit });
    for (const entry of page) if (entry.event === options.event) state = options.reduce(state, entry);
    const last = page.at(-1);
    if (last) {
      seq = last.seq;
      at = last.at;
    }
    if (page.length < limit) break;
  }
  if (seq !== saved?.seq || saved?.key !== options.key) {
    await writeCursor(options.cursorFile, { key: options.key, seq, at, state });
  }
  return state;
}

async function stillThere(store: Store, cursor: Cursor<unknown>): Promise<boolean> {
  if (cursor.seq === 0) return true;
  const [entry] = await store.journal({ afterSeq: cursor.seq - 1, limit: 1 });
  return entry?.seq === cursor.seq && entry.at === cursor.at;
}

async function readCursor<S>(file: string): Promise<Cursor<S> | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Cursor<S>;
    return typeof parsed.seq === 'number' && typeof parsed.key === 'string' ? parsed : undefined;
  } catch {
    // Missing or unreadable: rebuilt from the journal, which is the record.
    return undefined;
  }
}

async function writeCursor(file: string, cursor: Cursor<unknown>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}-${threadId}.tmp`;
  await writeFile(tmp, JSON.stringify(cursor));
  await rename(tmp, file);
}

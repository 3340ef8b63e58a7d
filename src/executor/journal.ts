/**
 * An append-only journal of every intent and outcome (who/what/when/result), one JSON object per
 * line, written before an action starts and after it ends, so a crash leaves a record of what
 * was attempted. Also a per-server lock file: one update session per server at a time, across
 * processes. (The state store replaces the file with a table; the interface stays.)
 */
import { appendFile, mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FirmwardenError } from '../errors.ts';
import { processAlive } from '../process-alive.ts';

export interface JournalEntry {
  at: string;
  server: string;
  event: string;
  [key: string]: unknown;
}

/** What a caller writes: everything but the timestamp. */
export type JournalInput = { server: string; event: string; [key: string]: unknown };

export interface Journal {
  append(entry: JournalInput): Promise<void>;
  /**
   * Every entry for one server, oldest first, so a new session sees what a dead one left
   * (intents without outcomes, a host reset begun and never ended). Absent: no memory.
   */
  history?(server: string): Promise<JournalEntry[]>;
}

/** A JSON-lines journal file under `dir`. */
export class FileJournal implements Journal {
  readonly file: string;
  private readonly now: () => number;
  private ready: Promise<unknown> | undefined;

  constructor(dir: string, now: () => number = Date.now) {
    this.file = join(dir, 'journal.jsonl');
    this.now = now;
  }

  async append(entry: JournalInput): Promise<void> {
    this.ready ??= mkdir(join(this.file, '..'), { recursive: true });
    await this.ready;
    await appendFile(this.file, `${JSON.stringify({ at: new Date(this.now()).toISOString(), ...entry })}\n`);
  }

  /** Reads every entry (for status views and tests). */
  async read(): Promise<JournalEntry[]> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        // A kill -9 mid-append can leave a torn last line: it is skipped, not fatal.
        try {
          return [JSON.parse(l) as JournalEntry];
        } catch {
          return [];
        }
      });
  }

  async history(server: string): Promise<JournalEntry[]> {
    return (await this.read()).filter((e) => e.server === server);
  }
}

/** A journal that keeps entries in memory (library callers, tests). */
export class MemoryJournal implements Journal {
  readonly entries: JournalEntry[] = [];
  async append(entry: JournalInput): Promise<void> {
    this.entries.push({ at: new Date().toISOString(), ...entry });
  }

  async history(server: string): Promise<JournalEntry[]> {
    return this.entries.filter((e) => e.server === server);
  }
}

/**
 * Takes the per-server update lock (a file created with O_EXCL holding the owner's pid). A lock
 * whose process is gone is stale and taken over. Returns the release function.
 */
export async function lockServer(dir: string, server: string): Promise<() => Promise<void>> {
  const locks = join(dir, 'locks');
  await mkdir(locks, { recursive: true });
  const file = join(locks, `${server.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(file, 'utf8').catch(() => ''));
      if (pid && pid !== process.pid && processAlive(pid)) break;
      if (pid === process.pid) break;
      await rm(file, { force: true });
    }
  }
  throw new FirmwardenError('FW_ERR_LOCKED', `${server}: another update session holds ${file}`);
}

/**
 * The sessions this host's firmwarden processes hold open on BMCs, recorded in the state dir
 * (`<state>/sessions/<bmc>/<pid>-<n>.json`: the session's Location, never its token) before the
 * session is used and removed at logout. A process killed with SIGKILL cannot log out; its
 * records stay, and the next process that logs in to that BMC deletes those sessions first
 * (iDRAC 9 refuses new sessions at about 8: a few crashes would otherwise lock firmwarden out
 * until the BMC's idle timeout). The ledger also knows every live client of this process, so a
 * SIGINT/SIGTERM handler can log them all out.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../process-alive.ts';

/** One recorded session. */
export interface SessionRecord {
  /** BMC origin, e.g. https://10.0.0.17. */
  bmc: string;
  /** Session URI to DELETE (a path). */
  location: string;
  pid: number;
  host: string;
  at: string;
}

/** Something holding a BMC session that can end it (a RedfishClient). */
export interface SessionHolder {
  close(): Promise<void>;
}

let counter = 0;

/** Records of open sessions under one state dir, and the live holders of this process. */
export class SessionLedger {
  readonly dir: string;
  readonly #live = new Set<SessionHolder>();
  readonly #swept = new Set<string>();

  /** `stateDir`: the command's state dir (records go to its `sessions/` folder). */
  constructor(stateDir: string) {
    this.dir = join(stateDir, 'sessions');
  }

  /** Records a session before it is used; returns the function that forgets it at logout. */
  async record(bmc: string, location: string): Promise<() => Promise<void>> {
    const folder = join(this.dir, keyOf(bmc));
    await mkdir(folder, { recursive: true });
    const file = join(folder, `${process.pid}-${++counter}.json`);
    const rec: SessionRecord = {
      bmc,
      location,
      pid: process.pid,
      host: hostname(),
      at: new Date().toISOString(),
    };
    await writeFile(file, JSON.stringify(rec), { mode: 0o600 });
    return () => rm(file, { force: true });
  }

  /**
   * Sessions left behind on `bmc` by processes of this host that are gone, once per BMC per
   * process (the first client to log in sweeps). `remove` deletes a record once its session is.
   */
  async stale(bmc: string): Promise<Array<SessionRecord & { remove: () => Promise<void> }>> {
    const key = keyOf(bmc);
    if (this.#swept.has(key)) return [];
    this.#swept.add(key);
    const folder = join(this.dir, key);
    const names = await readdir(folder).catch(() => [] as string[]);
    const found: Array<SessionRecord & { remove: () => Promise<void> }> = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const file = join(folder, name);
      let rec: SessionRecord;
      try {
        rec = JSON.parse(await readFile(file, 'utf8')) as SessionRecord;
      } catch {
        // Torn by a kill mid-write: the session it named cannot be found again.
        await rm(file, { force: true });
        continue;
      }
      // Another host's process (a shared state dir) cannot be checked from here: left alone.
      if (rec.host !== hostname() || rec.pid === process.pid || processAlive(rec.pid)) continue;
      found.push({ ...rec, remove: () => rm(file, { force: true }) });
    }
    return found;
  }

  /** A client that may hold a session: tracked until it closes. */
  track(holder: SessionHolder): void {
    this.#live.add(holder);
  }

  untrack(holder: SessionHolder): void {
    this.#live.delete(holder);
  }

  /** Clients still open. */
  get open(): number {
    return this.#live.size;
  }

  /** Closes (logs out) every live client at once; for the signal handler. Never throws. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#live].map((h) => h.close()));
  }
}

/** A file-name-safe folder name for a BMC origin. */
function keyOf(bmc: string): string {
  return bmc.replace(/^[a-z]+:\/\//i, '').replace(/[^A-Za-z0-9_.-]/g, '_');
}

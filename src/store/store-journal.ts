/**
 * The executor's Journal on the state store: intents and outcomes the executor writes with
 * `append({ server, event, ... })` become journal rows stamped with who acted and, when the
 * update runs inside a rollout, which one. Everything but `server` and `event` goes to `data`.
 */
import { hostname } from 'node:os';
import type { Journal, JournalEntry, JournalInput } from '../executor/journal.ts';
import type { Store } from './types.ts';

/** Who acts and for which rollout, stamped on every entry. */
export interface StoreJournalContext {
  /** "cli:pid@host", "daemon:…", "api:<token name>" (see `processActor`). */
  actor: string;
  rolloutId?: string;
}

/** A Journal that appends to the store's journal table. */
export class StoreJournal implements Journal {
  readonly #store: Pick<Store, 'append'> & Partial<Pick<Store, 'journal'>>;
  readonly #context: StoreJournalContext;

  constructor(store: Pick<Store, 'append'> & Partial<Pick<Store, 'journal'>>, context: StoreJournalContext) {
    this.#store = store;
    this.#context = context;
  }

  async append(entry: JournalInput): Promise<void> {
    const { server, event, ...data } = entry;
    await this.#store.append({
      actor: this.#context.actor,
      ...(this.#context.rolloutId !== undefined ? { rolloutId: this.#context.rolloutId } : {}),
      server,
      event,
      ...(Object.keys(data).length > 0 ? { data } : {}),
    });
  }

  /** This server's entries (of this rollout, when there is one), `data` spread back out. */
  async history(server: string): Promise<JournalEntry[]> {
    if (!this.#store.journal) return [];
    const rows = await this.#store.journal({
      server,
      ...(this.#context.rolloutId !== undefined ? { rolloutId: this.#context.rolloutId } : {}),
    });
    return rows.map((r) => ({
      ...(r.data && typeof r.data === 'object' ? (r.data as Record<string, unknown>) : {}),
      at: r.at,
      server,
      event: r.event,
    }));
  }
}

/** The actor name of this process: "<role>:<pid>@<host>", e.g. "cli:4242@mgmt-01". */
export function processActor(role: string): string {
  return `${role}:${process.pid}@${hostname()}`;
}

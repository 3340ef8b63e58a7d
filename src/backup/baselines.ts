/**
 * Known-good facts per component, recorded in the state store's journal (event backup.baseline):
 * the version a component ran while it checked clean, its catalog digest, and its SPDM
 * measurement. A later inspection compares the measurement against the baseline of the same
 * version, and a component whose Version became unreadable is restored to the last good one.
 * Append-only: the newest record per component wins.
 */
import type { JournalAppend, JournalRecord, Store } from '../store/types.ts';

export const BASELINE_EVENT = 'backup.baseline';

export interface Baseline {
  /** references.ts componentKey. */
  key: string;
  component: string;
  version: string;
  sha256?: string;
  measurement?: string;
  /** ISO time it was recorded. */
  at: string;
}

/** The part of the state store the backup slice uses: the append-only journal. */
export type BackupState = Pick<Store, 'append' | 'journal'>;

function isBaseline(data: unknown): data is Omit<Baseline, 'at'> {
  const d = data as Partial<Baseline> | undefined;
  return typeof d?.key === 'string' && typeof d.version === 'string' && typeof d.component === 'string';
}

export class BaselineBook {
  readonly #state: BackupState;
  readonly #actor: string;

  constructor(state: BackupState, actor: string) {
    this.#state = state;
    this.#actor = actor;
  }

  /** The newest baseline of each component of a server. */
  async load(server: string): Promise<Map<string, Baseline>> {
    const out = new Map<string, Baseline>();
    let after = 0;
    for (;;) {
      const page: JournalRecord[] = await this.#state.journal({ server, afterSeq: after, limit: 1000 });
      for (const r of page) {
        if (r.event === BASELINE_EVENT && isBaseline(r.data)) out.set(r.data.key, { ...r.data, at: r.at });
      }
      if (page.length < 1000) return out;
      after = (page.at(-1) as JournalRecord).seq;
    }
  }

  /** Records a baseline unless the newest one says the same. */
  async record(server: string, b: Omit<Baseline, 'at'>, known?: Baseline): Promise<boolean> {
    if (
      known !== undefined &&
      known.version === b.version &&
      known.sha256 === b.sha256 &&
      known.measurement === b.measurement
    ) {
      return false;
    }
    const entry: JournalAppend = { actor: this.#actor, server, event: BASELINE_EVENT, data: b };
    await this.#state.append(entry);
    return true;
  }

  /** Appends any other backup event (init, copies made, restores) to the same journal. */
  async journal(server: string, event: string, data: Record<string, unknown>): Promise<void> {
    await this.#state.append({ actor: this.#actor, server, event, data });
  }
}

/**
 * Reads the journal forward and keeps what the API reports from it: update outcomes (counted for
 * /metrics, whichever process did the update: CLI, daemon, API), the recent daemon job runs, and
 * each server's newest backup events. The store is the record shared by every process, so these
 * views include work done elsewhere; only entries newer than the last read are fetched.
 */
import { JOB_NAMES } from '../daemon/job-names.ts';
import type { JournalRecord, Store } from '../store/types.ts';

/** Job runs kept for GET /api/v1/jobs. */
const KEPT_JOB_RUNS = 500;
const PAGE = 1_000;

export interface JobRun {
  seq: number;
  at: string;
  job: string;
  actor: string;
  outcome?: string;
  summary?: string;
  runId?: string;
  startedAt?: string;
  durationMs?: number;
  rolloutId?: string;
  error?: unknown;
}

export interface BackupEvent {
  seq: number;
  at: string;
  actor: string;
  event: string;
  data?: unknown;
}

const CORRUPTION_EVENTS = new Set([
  'backup.corruption',
  'backup.restore',
  'backup.check',
  'update-verified',
  'step-done',
]);

const JOB_EVENTS = new Map(JOB_NAMES.map((name) => [`job-${name}`, name]));

export class JournalTail {
  readonly #store: Store;
  #seq = 0;
  #reading: Promise<void> | undefined;
  /** outcome (verified, failed) → count of executor `outcome` entries. */
  readonly updateOutcomes = new Map<string, number>();
  readonly #jobRuns: JobRun[] = [];
  /** server → event → newest entry. */
  readonly #backup = new Map<string, Map<string, BackupEvent>>();
  /** server → component → what the newest finding saw, until a restore or an update fixes it. */
  readonly #corrupt = new Map<string, Map<string, { component: string; detail: string }>>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Reads entries appended since the last call; concurrent callers share one read. */
  catchUp(): Promise<void> {
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  /** Newest first, optionally of one job. */
  jobRuns(filter: { job?: string; limit: number }): JobRun[] {
    const out: JobRun[] = [];
    for (let i = this.#jobRuns.length - 1; i >= 0 && out.length < filter.limit; i--) {
      const r = this.#jobRuns[i] as JobRun;
      if (filter.job === undefined || r.job === filter.job) out.push(r);
    }
    return out;
  }

  /** Per server, the newest entry of each backup event. */
  backupEvents(): Record<string, BackupEvent[]> {
    const out: Record<string, BackupEvent[]> = {};
    for (const [server, events] of [...this.#backup].sort(([a], [b]) => a.localeCompare(b)))
      out[server] = [...events.values()].sort((a, b) => a.seq - b.seq);
    return out;
  }

  /**
   * Images found corrupt and not repaired since, per the journal: a `backup.corruption` entry
   * (any process: CLI, daemon, API) marks a component; a verified `backup.restore` of it, or a
   * verified update of the server (`update-verified`, a rollout's `step-done`) clears it. An API
   * `backup.check` entry states a server's whole list at its time.
   */
  corruption(): Array<{ server: string; component: string; detail: string }> {
    const out: Array<{ server: string; component: string; detail: string }> = [];
    for (const [server, components] of this.#corrupt)
      for (const c of components.values()) out.push({ server, ...c });
    return out;
  }

  #foldCorruption(e: JournalRecord, data: Record<string, unknown>): void {
    if (!e.server) return;
    const marks = this.#corrupt.get(e.server) ?? new Map<string, { component: string; detail: string }>();
    this.#corrupt.set(e.server, marks);
    if (e.event === 'backup.corruption' && typeof data['component'] === 'string') {
      const findings = Array.isArray(data['findings'])
        ? (data['findings'] as Array<{ detail?: unknown }>)
        : [];
      const detail =
        findings
          .map((f) => String(f.detail ?? ''))
          .filter(Boolean)
          .join('; ') || 'corrupt';
      marks.set(data['component'], { component: data['component'], detail });
    } else if (e.event === 'backup.restore' && data['outcome'] === 'verified') {
      if (typeof data['component'] === 'string') marks.delete(data['component']);
    } else if (e.event === 'update-verified' || e.event === 'step-done') {
      marks.clear();
    } else if (e.event === 'backup.check' && Array.isArray(data['corrupt'])) {
      marks.clear();
      for (const c of data['corrupt'] as Array<{ component?: unknown; detail?: unknown }>) {
        if (typeof c.component === 'string')
          marks.set(c.component, { component: c.component, detail: String(c.detail ?? '') });
      }
    }
  }

  async #read(): Promise<void> {
    for (;;) {
      const page = await this.#store.journal({ afterSeq: this.#seq, limit: PAGE });
      for (const e of page) this.#fold(e);
      if (page.length > 0) this.#seq = (page.at(-1) as JournalRecord).seq;
      if (page.length < PAGE) return;
    }
  }

  #fold(e: JournalRecord): void {
    const data = (e.data ?? {}) as Record<string, unknown>;
    if (CORRUPTION_EVENTS.has(e.event)) this.#foldCorruption(e, data);
    if ((e.event === 'update-verified' || e.event === 'update-failed') && Array.isArray(data['actions'])) {
      // `firmwarden update` journals one entry per server with its components' outcomes.
      for (const a of data['actions'] as Array<{ outcome?: unknown }>) {
        if (typeof a.outcome !== 'string') continue;
        this.updateOutcomes.set(a.outcome, (this.updateOutcomes.get(a.outcome) ?? 0) + 1);
      }
      return;
    }
    if (e.event === 'outcome' && typeof data['outcome'] === 'string') {
      const k = data['outcome'];
      this.updateOutcomes.set(k, (this.updateOutcomes.get(k) ?? 0) + 1);
      return;
    }
    const job = JOB_EVENTS.get(e.event);
    if (job !== undefined) {
      this.#jobRuns.push({
        seq: e.seq,
        at: e.at,
        job,
        actor: e.actor,
        ...pick(data, ['outcome', 'summary', 'runId', 'startedAt', 'durationMs', 'error']),
        ...(e.rolloutId ? { rolloutId: e.rolloutId } : {}),
      });
      if (this.#jobRuns.length > KEPT_JOB_RUNS) this.#jobRuns.splice(0, this.#jobRuns.length - KEPT_JOB_RUNS);
      return;
    }
    if (e.event.startsWith('backup.') && e.event !== 'backup.baseline' && e.server) {
      let events = this.#backup.get(e.server);
      if (!events) {
        events = new Map();
        this.#backup.set(e.server, events);
      }
      events.set(e.event, {
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        event: e.event,
        ...(e.data !== undefined ? { data: e.data } : {}),
      });
    }
  }
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

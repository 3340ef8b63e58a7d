/** What a job function gets to work with, and what it reports back. */
import type { Dispatcher } from 'undici';
import type { Deps } from '../deps.ts';
import type { Store } from '../store/types.ts';
import type { JobName, JobOutcome } from './job-names.ts';
import type { DaemonConfig } from './load-config.ts';

export interface JobContext {
  name: JobName;
  config: DaemonConfig;
  /** Clock and a logger bound to the job and run. */
  deps: Deps;
  store: Store;
  /** Journal actor: "daemon:<pid>@<host>". */
  actor: string;
  runId: string;
  /** Aborted on shutdown, on the job's timeout, or when the job's lease is lost. */
  signal: AbortSignal;
  /** HTTP for the catalog source and image downloads (default: undici's global dispatcher). */
  dispatcher?: Dispatcher;
}

/** What a job function found and did. The runner adds run id, timing and errors. */
export interface JobReport {
  outcome: Extract<JobOutcome, 'ok' | 'partial' | 'failed' | 'skipped'>;
  /** One line for logs and `daemon --once`. */
  summary: string;
  /** Journalled under the job's event (JSON-serializable). */
  data?: Record<string, unknown>;
  /** Journal the run under this rollout too. */
  rolloutId?: string;
}

/** One job's library function. Throws only when it could not do its work at all. */
export type JobFunction = (ctx: JobContext) => Promise<JobReport>;

/** A finished run, as journalled and posted by job workers to the daemon. */
export interface JobResult {
  job: JobName;
  runId: string;
  outcome: JobOutcome;
  summary: string;
  startedAt: string;
  durationMs: number;
  /** Journal sequence number of the run's entry. */
  seq?: number;
  data?: Record<string, unknown>;
  error?: { code: string; message: string };
}

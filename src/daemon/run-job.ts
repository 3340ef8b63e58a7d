/**
 * Runs one job once: take its lease (or record "skipped: already running"), run its library
 * function under a timeout, journal the outcome as `job-<name>` with actor "daemon:<pid>@<host>",
 * release the lease. The same path serves bree's workers and `daemon --once`. A job's failure is
 * an outcome, never an exception: the caller (a worker, the daemon) keeps going.
 */
import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import type { Dispatcher } from 'undici';
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import { openStore } from '../store/open-store.ts';
import { processActor } from '../store/store-journal.ts';
import type { Store } from '../store/types.ts';
import type { JobContext, JobFunction, JobReport, JobResult } from './job-context.ts';
import { errorInfo } from './job-errors.ts';
import { requireJobInputs } from './job-inputs.ts';
import { runHolder, takeJobLease } from './job-lease.ts';
import { type JobName, type JobOutcome, jobEvent, jobLeaseName } from './job-names.ts';
import type { DaemonConfig } from './load-config.ts';

/**
 * The library function behind each job, loaded on demand: a job's worker thread then loads only
 * the modules its own job needs (the rollout engine alone takes ~0.5 s to load).
 */
export const JOB_FUNCTIONS: Record<JobName, () => Promise<JobFunction>> = {
  'inventory-scan': async () => (await import('./jobs/inventory-scan.ts')).inventoryScan,
  'catalog-watch': async () => (await import('./jobs/catalog-watch.ts')).catalogWatch,
  'rollout-window': async () => (await import('./jobs/rollout-window.ts')).rolloutWindow,
  'integrity-check': async () => (await import('./jobs/integrity-check.ts')).integrityCheck,
};

export interface RunJobOptions {
  /** An open store to use; otherwise the configured one is opened and closed around the run. */
  store?: Store;
  /** Journal actor; default "daemon:<pid>@<host>". */
  actor?: string;
  /** Aborting it cancels the run (shutdown). */
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  /** Called once the lease is held, with the holder (the daemon releases it if the worker dies). */
  onStart?: (run: { runId: string; holder: string }) => void;
}

/**
 * Runs a job once and returns what was journalled. Throws only when the run cannot be recorded:
 * a config that lacks the job's inputs, a store that cannot be opened or written.
 */
export async function runJob(
  name: JobName,
  config: DaemonConfig,
  deps: Deps,
  options: RunJobOptions = {},
): Promise<JobResult> {
  requireJobInputs(config, name);
  const runId = randomUUID().slice(0, 8);
  const actor = options.actor ?? processActor('daemon');
  const logger = deps.logger.child({ job: name, run: runId });
  const started = deps.clock.now();
  const store = options.store ?? (await openStore(config.store, { clock: deps.clock }));
  try {
    const holder = runHolder(actor, runId);
    const lease = await takeJobLease(
      store,
      jobLeaseName(name, config.cluster ? actor : undefined),
      holder,
      config.leaseTtlMs,
      logger,
    );
    if (!lease.held) {
      const report: JobReport = {
        outcome: 'skipped',
        summary: `skipped: already running (${lease.holder} holds ${jobLeaseName(name, config.cluster ? actor : undefined)} until ${lease.expiresAt})`,
        data: { reason: 'already running', holder: lease.holder, until: lease.expiresAt },
      };
      logger.info({ holder: lease.holder }, report.summary);
      return await record(store, name, actor, runId, started, deps, report);
    }
    options.onStart?.({ runId, holder });
    const cancel = new AbortController();
    const onCancel = () =>
      cancel.abort(new FirmwardenError('FW_ERR_JOB_CANCELLED', `${name}: cancelled by shutdown`));
    if (options.signal?.aborted) onCancel();
    options.signal?.addEventListener('abort', onCancel, { once: true });
    const timeout = new AbortController();
    const timer = setTimeout(
      () =>
        timeout.abort(
          new FirmwardenError(
            'FW_ERR_JOB_TIMEOUT',
            `${name}: timed out after ${config.jobs[name].timeoutMs} ms`,
          ),
        ),
      config.jobs[name].timeoutMs,
    );
    const signal = AbortSignal.any([cancel.signal, timeout.signal, lease.lost]);
    const ctx: JobContext = {
      name,
      config,
      deps: { ...deps, logger },
      store,
      actor,
      runId,
      signal,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    };
    logger.info('job started');
    try {
      let report: JobReport;
      let error: unknown;
      try {
        report = await (await JOB_FUNCTIONS[name]())(ctx);
      } catch (err) {
        error = signal.aborted ? signal.reason : err;
        report = { outcome: 'failed', summary: `failed: ${describeError(error)}` };
      }
      // A job that returned after an abort still did only part of its work.
      if (signal.aborted && error === undefined) error = signal.reason;
      const outcome: JobOutcome =
        error instanceof FirmwardenError && error.code === 'FW_ERR_JOB_CANCELLED'
          ? 'cancelled'
          : error !== undefined
            ? 'failed'
            : report.outcome;
      if (outcome !== report.outcome) report = { ...report, summary: `${outcome}: ${describeError(error)}` };
      const data = {
        ...report.data,
        ...(lease.takenOverFrom ? { takenOverFrom: lease.takenOverFrom } : {}),
      };
      const result = await record(
        store,
        name,
        actor,
        runId,
        started,
        deps,
        { ...report, outcome, data },
        error,
      );
      const level =
        outcome === 'ok' || outcome === 'skipped' ? 'info' : outcome === 'failed' ? 'error' : 'warn';
      logger[level]({ outcome, durationMs: result.durationMs }, result.summary);
      return result;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCancel);
      await lease.release().catch((err) => logger.warn({ err: describeError(err) }, 'lease release failed'));
    }
  } finally {
    if (!options.store) await store.close();
  }
}

/** Appends the run's journal entry and returns the result. */
async function record(
  store: Store,
  name: JobName,
  actor: string,
  runId: string,
  started: number,
  deps: Deps,
  report: Omit<JobReport, 'outcome'> & { outcome: JobOutcome },
  error?: unknown,
): Promise<JobResult> {
  const durationMs = Math.max(0, deps.clock.now() - started);
  const err = error === undefined ? undefined : errorInfo(error);
  const result: JobResult = {
    job: name,
    runId,
    outcome: report.outcome,
    summary: report.summary,
    startedAt: new Date(started).toISOString(),
    durationMs,
    ...(report.data && Object.keys(report.data).length > 0 ? { data: report.data } : {}),
    ...(err ? { error: err } : {}),
  };
  result.seq = await store.append({
    actor,
    event: jobEvent(name),
    ...(report.rolloutId ? { rolloutId: report.rolloutId } : {}),
    data: {
      ...result.data,
      outcome: result.outcome,
      runId,
      summary: result.summary,
      startedAt: result.startedAt,
      durationMs,
      ...(threadId !== 0 ? { worker: threadId } : {}),
      ...(err ? { error: err } : {}),
    },
  });
  return result;
}

/**
 * The daemon: bree runs each enabled job on its schedule, each run in its own worker thread
 * (jobs/<name>.ts), with bree's overlap prevention (a job still running in this daemon is not
 * started again: the skipped run is journalled) on top of the store lease every run takes. The
 * daemon thread watches its workers: a worker that dies without posting a result (crash, killed
 * after its timeout) is journalled as failed and its lease released, and the daemon keeps going.
 * `stop()` asks running jobs to stop (bree's "cancel"), terminates the ones that outlive the
 * shutdown grace, and closes the store.
 */
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Bree from 'bree';
import type { Logger } from 'pino';
import { CLUSTER_DEFAULTS } from '../cluster/defaults.ts';
import type { Deps } from '../deps.ts';
import { ConfigError, describeError, FirmwardenError } from '../errors.ts';
import { type EventDispatchers, startEventDispatchers } from '../events/event-dispatchers.ts';
import { webhookSecrets } from '../events/events-config.ts';
import { logPlanOf } from '../log.ts';
import { openStore } from '../store/open-store.ts';
import { processActor } from '../store/store-journal.ts';
import { checkTrigger } from './backup-triggers.ts';
import { DAEMON_DEFAULTS } from './config-schema.ts';
import type { JobResult } from './job-context.ts';
import { errorInfo } from './job-errors.ts';
import { JOB_NAMES, JobName, jobEvent, jobLeaseName } from './job-names.ts';
import type { DaemonConfig } from './load-config.ts';
import { breeTiming } from './schedule.ts';
import { isWorkerMessage, workerInput } from './worker-protocol.ts';

/** The thin job files bree runs, one per job name. */
export const JOBS_DIR = fileURLToPath(new URL('../../jobs/', import.meta.url));

/**
 * The job files' extension: this module's own. From the sources (src/ → jobs/) it is .ts; in the
 * installed package (dist/src/ → dist/jobs/) both are compiled to .js, since Node does not strip
 * types under node_modules.
 */
const JOB_EXTENSION = extname(fileURLToPath(import.meta.url));

export interface DaemonOptions {
  /** Folder of the job files (default: the repository's jobs/). */
  jobsDir?: string;
  /** Journal actor; default "daemon:<pid>@<host>". */
  actor?: string;
  /** Called with every run's result (worker results, skipped overlaps, dead workers). */
  onResult?: (result: JobResult) => void;
  /** Where webhook secrets (events.webhooks[].secretEnv) are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface Daemon {
  /** The jobs scheduled. */
  readonly jobs: JobName[];
  readonly bree: Bree;
  /** Runs a job now in a worker (as its schedule would). */
  run(name: JobName): Promise<void>;
  /** Stops scheduling, lets running jobs stop (or terminates them after the grace), closes the store. */
  stop(): Promise<void>;
}

/** How often the journal is looked at for changes made outside this daemon's own jobs. */
const CHANGE_POLL_MS = 30_000;

interface RunState {
  holder?: string;
  runId?: string;
  result?: JobResult;
  error?: unknown;
  startedAt: number;
}

/** Starts bree with the config's enabled jobs. */
export async function startDaemon(
  config: DaemonConfig,
  deps: Deps,
  options: DaemonOptions = {},
): Promise<Daemon> {
  const enabled = JOB_NAMES.filter((n) => config.jobs[n].enabled && config.jobs[n].schedule);
  if (enabled.length === 0 && !config.events?.webhooks.length)
    throw new ConfigError(config.file, 'jobs: no job is enabled with a schedule');
  // A webhook secret that is not set stops the start here, before anything runs.
  const secrets = config.events
    ? webhookSecrets(config.events, options.env ?? process.env, config.file)
    : undefined;
  const jobsDir = options.jobsDir ?? JOBS_DIR;
  const actor = options.actor ?? processActor('daemon');
  const logger = deps.logger.child({ component: 'daemon' });
  const store = await openStore(config.store, { clock: deps.clock });
  const runs = new Map<string, RunState>();
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const q = p.catch((err) => logger.error({ err: describeError(err) }, 'daemon bookkeeping failed'));
    pending.add(q);
    void q.finally(() => pending.delete(q));
  };
  const report = (result: JobResult) => options.onResult?.(result);

  const bree = new Bree({
    root: jobsDir,
    defaultExtension: JOB_EXTENSION.slice(1),
    acceptedExtensions: ['.ts', '.js', '.mjs'],
    logger: breeLogger(logger),
    jobs: enabled.map((name) => {
      const job = config.jobs[name];
      return {
        name,
        path: join(jobsDir, `${name}${JOB_EXTENSION}`),
        ...breeTiming(job.schedule!),
        // The run aborts itself at its timeout; this is the backstop for one that cannot.
        closeWorkerAfterMs: job.timeoutMs + DAEMON_DEFAULTS.killGraceMs,
        worker: { workerData: workerInput(name, config, actor, logger.level, logPlanOf(logger)) },
      };
    }),
    workerMessageHandler: ({ name, message }) => {
      const run = runs.get(name);
      if (!run || !isWorkerMessage(message)) return;
      if (message.type === 'started') {
        run.holder = message.holder;
        run.runId = message.runId;
      } else {
        run.result = message.result;
        report(message.result);
        afterResult(message.result);
      }
    },
    errorHandler: (error, { name }) => {
      const run = runs.get(name);
      // A run that reported a failed outcome exits non-zero by design: that is logged already.
      if (run?.result) return;
      if (run && run.error === undefined) run.error = error;
      logger.error({ job: name, err: describeError(error) }, 'job worker failed');
    },
  });

  // integrity-check outside its schedule: at start-up and after changes (backup-triggers.ts).
  let checks: ReturnType<typeof checkTrigger> | undefined;
  let stoppingNow = false;
  function afterResult(result: JobResult): void {
    if (!checks || stoppingNow) return;
    if (result.job === JobName.integrityCheck) checks.ended();
    else if (config.backup.checkAfterChanges) track(checks.poll());
  }

  // bree only logs a run that finds the previous one still busy; journal it as skipped too.
  const breeRun = bree.run;
  bree.run = async (name?: string) => {
    if (name !== undefined && bree.workers.has(name)) {
      track(skippedOverlap(name as JobName));
      return;
    }
    return breeRun(name);
  };
  bree.on('worker created', (name: string) => {
    runs.set(name, { startedAt: deps.clock.now() });
    bree.workers.get(name)?.once('exit', (code: number) => track(workerExited(name as JobName, code)));
  });
  // Kept until bree has handled the exit too (its errorHandler looks the run up).
  bree.on('worker deleted', (name: string) => runs.delete(name));

  async function skippedOverlap(name: JobName): Promise<void> {
    const summary = 'skipped: already running (the previous run in this daemon has not finished)';
    logger.warn({ job: name }, summary);
    const now = deps.clock.now();
    const result: JobResult = {
      job: name,
      runId: 'overlap',
      outcome: 'skipped',
      summary,
      startedAt: new Date(now).toISOString(),
      durationMs: 0,
    };
    result.seq = await store.append({
      actor,
      event: jobEvent(name),
      data: { outcome: 'skipped', summary, reason: 'already running', startedAt: result.startedAt },
    });
    report(result);
  }

  async function workerExited(name: JobName, code: number): Promise<void> {
    const run = runs.get(name);
    if (!run || run.result) return;
    // The worker died before journalling its run: record it and free its lease now. Read all of
    // the run first: bree's own exit handling (the errorHandler) runs while this awaits.
    const why = run.error !== undefined ? describeError(run.error) : `worker exited with code ${code}`;
    const summary = `failed: ${why} before reporting a result`;
    const startedAt = new Date(run.startedAt).toISOString();
    const durationMs = deps.clock.now() - run.startedAt;
    const error =
      run.error instanceof FirmwardenError
        ? errorInfo(run.error)
        : { code: 'FW_ERR_JOB_WORKER', message: why };
    if (run.holder)
      await store.releaseLease(jobLeaseName(name, config.cluster ? actor : undefined), run.holder);
    const seq = await store.append({
      actor,
      event: jobEvent(name),
      data: {
        outcome: 'failed',
        summary,
        ...(run.runId ? { runId: run.runId } : {}),
        startedAt,
        durationMs,
        exitCode: code,
        error,
      },
    });
    logger.error({ job: name, exitCode: code }, summary);
    if (name === JobName.integrityCheck) checks?.ended();
    report({
      job: name,
      runId: run.runId ?? 'unknown',
      outcome: 'failed',
      summary,
      startedAt,
      durationMs,
      seq,
      error,
    });
  }

  try {
    // start() validates the jobs (files present, schedules) before it schedules anything.
    await bree.start();
  } catch (err) {
    await store.close();
    throw err;
  }
  const startSeq: number = await store.append({
    actor,
    event: 'daemon-start',
    data: {
      config: config.file,
      jobs: enabled.map((n) => ({
        name: n,
        schedule: config.jobs[n].schedule?.text,
        timeoutMs: config.jobs[n].timeoutMs,
      })),
    },
  });
  if (enabled.includes(JobName.integrityCheck)) {
    checks = checkTrigger({
      store,
      afterSeq: startSeq,
      running: () => bree.workers.has(JobName.integrityCheck),
      start: (reason) => {
        if (stoppingNow) return;
        logger.info({ job: JobName.integrityCheck, reason }, 'integrity check requested');
        track(bree.run(JobName.integrityCheck));
      },
    });
  }
  // Outbound events: one dispatcher per webhook, tailing the journal beside the scheduler.
  const events: EventDispatchers | undefined =
    config.events && secrets ? startEventDispatchers(config.events, secrets, store, deps, actor) : undefined;
  // In a cluster the daemon is an instance for its whole life, idle or not: `cluster status`
  // lists it, and its rollout-window runs (same actor) hold servers under the same heartbeat.
  const cluster = config.cluster;
  const member = cluster
    ? { id: actor, name: cluster.instance ?? actor, labels: cluster.labels ?? {} }
    : undefined;
  const memberTtl = cluster?.leaseTtlMs ?? CLUSTER_DEFAULTS.leaseTtlMs;
  const beat = () =>
    member
      ? store
          .heartbeat(member, memberTtl)
          .catch((err) => logger.warn({ err: describeError(err) }, 'heartbeat failed'))
      : undefined;
  await beat();
  const beatTimer = member
    ? setInterval(() => track(beat() as Promise<unknown>), Math.max(250, memberTtl / 3)).unref()
    : undefined;
  logger.info({ jobs: enabled }, 'daemon started');
  if (checks && config.backup.checkAtStartup) checks.request('daemon start-up');
  // Changes made by other processes (a CLI rollout on the same store) are seen on this tick too.
  const changeTimer =
    checks && config.backup.checkAfterChanges
      ? setInterval(() => track(checks.poll()), CHANGE_POLL_MS).unref()
      : undefined;

  let stopping: Promise<void> | undefined;
  return {
    jobs: enabled,
    bree,
    run: (name) => bree.run(name),
    stop: () => {
      stopping ??= (async () => {
        logger.info('daemon stopping');
        if (changeTimer) clearInterval(changeTimer);
        if (beatTimer) clearInterval(beatTimer);
        stoppingNow = true;
        const stopped = bree.stop();
        const graceful = await Promise.race([
          stopped.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(resolve, config.shutdownGraceMs, false).unref()),
        ]);
        if (!graceful) {
          logger.warn(
            { jobs: [...bree.workers.keys()] },
            'jobs still running after the shutdown grace: terminating',
          );
          await Promise.all([...bree.workers.values()].map((w) => w.terminate()));
          await stopped;
        }
        while (pending.size > 0) await Promise.all([...pending]);
        await events?.stop();
        if (member) await store.leaveCluster(member.id).catch(() => undefined);
        await store.append({ actor, event: 'daemon-stop', data: { graceful } });
        await store.close();
        logger.info('daemon stopped');
      })();
      return stopping;
    },
  };
}

/** bree logs (message, metadata) through console-like methods: route them into pino. */
function breeLogger(logger: Logger) {
  const to =
    (level: 'debug' | 'warn' | 'error') =>
    (message: unknown, meta?: unknown): void => {
      const text = message instanceof Error ? message.message : String(message);
      logger[level](meta && typeof meta === 'object' ? { bree: meta } : {}, text);
    };
  // bree's info lines are per worker (online, exited with code 0): debug detail here.
  return { info: to('debug'), warn: to('warn'), error: to('error') };
}

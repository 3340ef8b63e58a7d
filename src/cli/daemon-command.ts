/**
 * `firmwarden daemon`: run the scheduled jobs of a daemon config until SIGINT/SIGTERM, or one job
 * at once in the foreground with --once (for cron and tests). Exit 0 when the job did its work or
 * was skipped, 1 when it failed or only partly succeeded, 2 for a bad config.
 */
import {
  exitCodeOf,
  JOB_NAMES,
  type JobName,
  JobNameSchema,
  loadDaemonConfig,
  runJob,
  startDaemon,
  watchShutdown,
} from '../daemon/index.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { EXIT, parse } from './args.ts';

export const DAEMON_HELP = `firmwarden daemon --config FILE [--once JOB] [--json]

Runs the jobs the config enables, each on its schedule in a worker thread, until SIGINT/SIGTERM:
  inventory-scan    sweep the fleet, save every server's inventory in the store
  catalog-watch     poll the catalog source; download new and changed entries' images
  rollout-window    start or resume the configured rollout while its maintenance window is open
  integrity-check   run the registered integrity checks (none are registered yet)
Every run holds the store lease job:<name> (one run per job across daemons) and is journalled
as job-<name> with its outcome.

SIGINT/SIGTERM: running jobs are asked to stop (the shutdown grace of the config, default 60 s)
and their leases released; a second signal exits at once (leases then expire after their TTL).

--once JOB   run JOB now in the foreground and exit (0 ok or skipped, 1 failed or partial)
--json       with --once: print the run's result as JSON`;

export async function daemonCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('daemon', argv, {
    config: { type: 'string' },
    once: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.config)
    throw new ConfigError('firmwarden daemon', `--config FILE is required\n\n${DAEMON_HELP}`);
  const config = await loadDaemonConfig(values.config);
  const shutdown = watchShutdown();
  try {
    if (values.once !== undefined) {
      const job = onceJob(values.once);
      const result = await runJob(job, config, deps, { signal: shutdown.signal });
      out.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${job}: ${result.summary}\n`);
      return exitCodeOf(result.outcome);
    }
    const daemon = await startDaemon(config, deps);
    out.write(`firmwarden daemon: running ${daemon.jobs.join(', ')}; SIGINT or SIGTERM stops it\n`);
    const signal = await shutdown.received;
    out.write(`firmwarden daemon: ${signal}: stopping\n`);
    await daemon.stop();
    return EXIT.ok;
  } finally {
    shutdown.dispose();
  }
}

function onceJob(name: string): JobName {
  const r = JobNameSchema.safeParse(name);
  if (!r.success) {
    throw new ConfigError(
      'firmwarden daemon --once',
      `unknown job ${JSON.stringify(name)}; expected ${JOB_NAMES.join(', ')}`,
    );
  }
  return r.data;
}

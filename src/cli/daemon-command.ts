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
  signalExitCode,
  startDaemon,
  watchShutdown,
} from '../daemon/index.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { parse } from './args.ts';
import { DAEMON_HELP } from './command-help.ts';

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
      const reason = shutdown.signal.reason;
      return shutdown.signal.aborted ? signalExitCode(String(reason)) : exitCodeOf(result.outcome);
    }
    const daemon = await startDaemon(config, deps);
    out.write(`firmwarden daemon: running ${daemon.jobs.join(', ')}; SIGINT or SIGTERM stops it\n`);
    const signal = await shutdown.received;
    out.write(`firmwarden daemon: ${signal}: stopping\n`);
    await daemon.stop();
    // Stopped cleanly, by a signal: 130/143 as every command stopped by one (0 is "ran to its end").
    return signalExitCode(signal);
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

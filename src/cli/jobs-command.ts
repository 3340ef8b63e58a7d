/**
 * `firmwarden jobs`: the daemon's jobs as the store records them — per job whether a run holds
 * its lease now, the newest run and its outcome — then the recent runs, newest first. The same
 * journal GET /api/v1/jobs reads (api/journal-tail.ts); it reads and never writes.
 */
import { JournalTail } from '../api/journal-tail.ts';
import { JOB_NAMES, JobNameSchema } from '../daemon/job-names.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { table } from './render.ts';
import { openStateStore, STATE_FLAGS } from './state-flags.ts';

export async function jobsCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('jobs', argv, {
    ...STATE_FLAGS,
    job: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  });
  const job = values.job === undefined ? undefined : JobNameSchema.safeParse(values.job);
  if (job && !job.success)
    throw new ConfigError(
      'firmwarden jobs',
      `--job ${JSON.stringify(values.job)} is not a daemon job: expected one of ${JOB_NAMES.join(', ')}`,
    );
  const limit = intFlag('jobs', 'limit', values.limit, 20);
  const { store } = await openStateStore('jobs', values, deps);
  try {
    const tail = new JournalTail(store);
    await tail.catchUp();
    const now = deps.clock.now();
    const leases = new Map((await store.leases('job:')).map((l) => [l.name.slice('job:'.length), l]));
    const names = job?.data ? [job.data] : JOB_NAMES;
    const jobs = names.map((name) => {
      const lease = leases.get(name);
      const last = tail.jobRuns({ job: name, limit: 1 })[0];
      return {
        job: name,
        running: lease !== undefined && Date.parse(lease.expiresAt) > now,
        ...(lease && Date.parse(lease.expiresAt) > now ? { holder: lease.holder } : {}),
        ...(last ? { last } : {}),
      };
    });
    const runs = tail.jobRuns({ ...(job?.data ? { job: job.data } : {}), limit });
    if (values.json) {
      out.write(`${JSON.stringify({ jobs, runs }, null, 2)}\n`);
      return EXIT.ok;
    }
    out.write(
      `${table(
        ['JOB', 'NOW', 'LAST RUN', 'OUTCOME', 'SUMMARY'],
        jobs.map((j) => [
          j.job,
          j.running ? `running (${j.holder})` : 'idle',
          j.last?.at ?? 'never',
          j.last?.outcome ?? '',
          j.last?.summary ?? '',
        ]),
      )}\n`,
    );
    if (runs.length > 0)
      out.write(
        `\nrecent runs (newest first):\n${table(
          ['AT', 'JOB', 'OUTCOME', 'DURATION', 'ACTOR', 'SUMMARY'],
          runs.map((r) => [
            r.at,
            r.job,
            r.outcome ?? '',
            r.durationMs === undefined ? '' : `${(r.durationMs / 1000).toFixed(1)} s`,
            r.actor,
            r.summary ?? (r.error ? String((r.error as { message?: unknown }).message ?? r.error) : ''),
          ]),
        )}\n`,
      );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

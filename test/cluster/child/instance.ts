/**
 * One firmwarden instance of the cluster tests, in its own process: joins a rollout on a shared
 * PostgreSQL store (as `firmwarden daemon` does) and drives it until it ends. Reports one JSON
 * line per event on stdout. Run with `process.execPath instance.ts '<json options>'`.
 */
import { defaultDeps } from '../../../src/deps.ts';
import { createLogger } from '../../../src/log.ts';
import { driveRollout } from '../../../src/rollout/driver.ts';
import { PostgresStore } from '../../../src/store/postgres-store.ts';

interface Options {
  url: string;
  schema: string;
  rolloutId: string;
  /** Instance id (holder): no "role:pid@host" shape, so death is only seen by expiry, as across hosts. */
  actor: string;
  instance: string;
  labels?: Record<string, string | string[]>;
  ttlMs: number;
  stateDir: string;
  maxServers?: number;
}

const opts = JSON.parse(process.argv[2] as string) as Options;
const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
const deps = defaultDeps({ logger: createLogger({ level: 'warn' }) });
const store = await PostgresStore.open({ url: opts.url, schema: opts.schema }, deps);
say({ type: 'ready', pid: process.pid });
try {
  const after = await driveRollout(opts.rolloutId, deps, {
    store,
    actor: opts.actor,
    stateDir: opts.stateDir,
    leaseTtlMs: opts.ttlMs,
    cluster: {
      instance: opts.instance,
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.maxServers ? { maxServers: opts.maxServers } : {}),
    },
    onEvent: (e) => {
      if (e.type === 'cluster' || e.type === 'rollout') say(e);
      else if (e.type === 'server' && ['claimed', 'updating', 'done', 'failed'].includes(e.step) && !e.detail)
        say({ type: 'server', server: e.server, step: e.step });
    },
  });
  say({ type: 'end', status: after.status });
} catch (err) {
  say({ type: 'error', message: String(err), code: (err as { code?: string }).code });
  process.exitCode = 1;
} finally {
  await store.close();
}

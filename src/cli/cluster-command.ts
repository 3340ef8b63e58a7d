/**
 * `firmwarden cluster status`: the instances sharing the store (alive or gone), who coordinates
 * each unfinished rollout, and who holds which server in flight. A thin view over
 * src/cluster/cluster-status.ts; it reads and never writes.
 */
import { type ClusterStatus, clusterStatus } from '../cluster/cluster-status.ts';
import { CLUSTER_DEFAULTS } from '../cluster/defaults.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { openStore } from '../store/open-store.ts';
import { PostgresStore } from '../store/postgres-store.ts';
import { EXIT, parse } from './args.ts';
import { CLUSTER_HELP } from './command-help.ts';
import { table } from './render.ts';
import { STORE_FLAGS, storeFromFlags } from './store-command.ts';

export async function clusterCommand(
  argv: string[],
  deps: Deps,
  out: NodeJS.WritableStream,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'status') {
    throw new ConfigError(
      'firmwarden cluster',
      `unknown subcommand ${JSON.stringify(sub ?? '')}\n\n${CLUSTER_HELP}`,
    );
  }
  const { values } = parse('cluster status', rest, { ...STORE_FLAGS, json: { type: 'boolean' } });
  const store = await openStore(await storeFromFlags('cluster status', values), deps);
  try {
    const status = await clusterStatus(store, deps.clock.now());
    const skew = store instanceof PostgresStore ? await store.clockSkewMs() : undefined;
    if (values.json)
      out.write(
        `${JSON.stringify({ ...status, ...(skew !== undefined ? { clockSkewMs: skew } : {}) }, null, 2)}\n`,
      );
    else out.write(`${renderClusterStatus(status, skew)}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** The status as text: instances, then per rollout its coordinator and servers in flight. */
export function renderClusterStatus(s: ClusterStatus, skewMs?: number): string {
  const lines = [
    `instances (${s.instances.filter((i) => i.alive).length} alive of ${s.instances.length}) at ${s.at}:`,
    table(
      ['NAME', 'ID', 'LABELS', 'LAST SEEN', 'STATE', 'HOLDS'],
      s.instances.map((i) => [
        i.name,
        i.id,
        Object.entries(i.labels)
          .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : v}`)
          .join(',') || '(any)',
        i.seenAt,
        i.alive ? 'alive' : 'gone',
        String(i.holds),
      ]),
    ),
  ];
  if (skewMs !== undefined && Math.abs(skewMs) > CLUSTER_DEFAULTS.skewWarnMs) {
    lines.push(
      `warning: this host's clock is ${skewMs} ms off the database's: leases expire by each host's clock (use NTP)`,
    );
  }
  for (const r of s.rollouts) {
    const counts = Object.entries(r.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    lines.push(
      '',
      `rollout ${r.id} (${r.name}): ${r.status}; coordinator ${r.coordinator ? `${r.coordinator} (lease until ${r.coordinatorUntil})` : 'none'}`,
      `servers: ${counts}`,
    );
    if (r.inFlight.length > 0) {
      lines.push(
        table(
          ['SERVER', 'STEP', 'HOLDER', 'HOLDER STATE'],
          r.inFlight.map((f) => [
            f.server,
            f.step,
            f.holder ?? '-',
            f.holderAlive ? 'alive' : 'gone: will be adopted',
          ]),
        ),
      );
    }
  }
  if (s.rollouts.length === 0) lines.push('', 'no unfinished rollouts');
  return lines.join('\n');
}

/**
 * Rollout throughput with one and with three firmwarden instances sharing a PostgreSQL store:
 * the same simulated fleet (fresh for each run), the same spec, each instance its own process
 * working on at most --per-instance servers at once, the fleet-wide limit --max-unavailable.
 * Prints wall time, servers per minute, the simulator's peak of hosts out of service at once,
 * and how the servers were shared. With --failover, a third run with three instances SIGKILLs the
 * coordinator once it has a server in flight and prints how long until a survivor took over
 * (lease TTL --ttl-ms plus one poll, by design) and whether any server was installed twice.
 * Needs FIRMWARDEN_TEST_PG_URL (scripts/test-services.sh).
 *
 *   npm run bench:rollout -- --count 24 --per-instance 4 --max-unavailable 12 [--latency 5]
 *     [--failover] [--ttl-ms 5000]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { stringify } from 'yaml';
import { ImageStore, loadCatalog, syncCatalog } from '../src/catalog/index.ts';
import { defaultDeps } from '../src/deps.ts';
import { createLogger } from '../src/log.ts';
import { createRollout } from '../src/rollout/create.ts';
import { driveRollout } from '../src/rollout/driver.ts';
import { loadSpec } from '../src/rollout/spec.ts';
import { startSimulatedFleet, writeSimulatedCatalog } from '../src/simulator/index.ts';
import { PostgresStore } from '../src/store/postgres-store.ts';

const SELF = fileURLToPath(import.meta.url);
const url = process.env['FIRMWARDEN_TEST_PG_URL'] ?? process.env['FIRMWARDEN_BENCH_PG_URL'];

interface ChildOptions {
  url: string;
  schema: string;
  id: string;
  actor: string;
  maxServers: number;
  stateDir: string;
  ttlMs: number;
}

/** One instance: joins the rollout and drives it to its end. */
async function child(opts: ChildOptions): Promise<void> {
  const deps = defaultDeps({ logger: createLogger({ level: 'error' }) });
  const store = await PostgresStore.open({ url: opts.url, schema: opts.schema }, deps);
  try {
    await driveRollout(opts.id, deps, {
      store,
      actor: opts.actor,
      stateDir: opts.stateDir,
      leaseTtlMs: opts.ttlMs,
      cluster: { instance: opts.actor, maxServers: opts.maxServers },
    });
  } finally {
    await store.close();
  }
}

async function run(
  instances: number,
  args: { count: number; perInstance: number; maxUnavailable: number; latency: number; ttlMs: number },
  failover = false,
) {
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-rollout-'));
  const fleet = await startSimulatedFleet({ count: args.count, seed: 5, latencyMs: args.latency });
  const schema = `fw_bench_${randomBytes(4).toString('hex')}`;
  const deps = defaultDeps({ logger: createLogger({ level: 'error' }) });
  const store = await PostgresStore.open({ url: url as string, schema }, deps);
  try {
    await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
    const sim = await writeSimulatedCatalog({
      fleet,
      dir: join(dir, 'catalog'),
      components: ['bmc', 'bios'],
    });
    const images = join(dir, 'state', 'images');
    await syncCatalog({ catalog: await loadCatalog(sim.catalogFile), store: await ImageStore.open(images) });
    await writeFile(
      join(dir, 'rollout.yaml'),
      stringify({
        version: 1,
        name: 'bench',
        fleet: 'fleet.yaml',
        catalog: sim.catalogFile,
        store: images,
        waves: { canary: 0, batch: '100%' },
        maxUnavailable: args.maxUnavailable,
        failureBudget: args.count,
        update: { timeouts: { taskMs: 30_000, bmcRebootMs: 20_000, hostResetMs: 10_000, pollMs: 25 } },
      }),
    );
    await createRollout(store, await loadSpec(join(dir, 'rollout.yaml')), { id: 'bench' });
    fleet.availability.reset();
    const started = performance.now();
    const children: ChildProcess[] = Array.from({ length: instances }, (_, i) =>
      spawn(
        process.execPath,
        [
          '--no-warnings',
          SELF,
          '--child',
          JSON.stringify({
            url: url as string,
            schema,
            id: 'bench',
            actor: `bench-${i + 1}`,
            maxServers: args.perInstance,
            stateDir: join(dir, 'state'),
            ttlMs: args.ttlMs,
          } satisfies ChildOptions),
        ],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      ),
    );
    const exited = children.map((c) => new Promise((resolve) => c.on('exit', resolve)));
    const takeover = failover ? await killCoordinator(store, children) : undefined;
    await Promise.all(exited);
    const seconds = (performance.now() - started) / 1000;
    const servers = await store.rolloutServers('bench');
    const by = new Map<string, number>();
    for (const s of servers) by.set(s.holder ?? '-', (by.get(s.holder ?? '-') ?? 0) + 1);
    const done = servers.filter((s) => s.step === 'done' || s.step === 'skipped').length;
    // Images installed, and those installed a second time on the same component (never wanted).
    let installs = 0;
    let twice = 0;
    for (const bmc of fleet.bmcs) {
      const seen = new Set<string>();
      for (const h of bmc.updateHistory.filter((u) => u.outcome === 'installed')) {
        installs++;
        const key = h.targets.map((t) => `${t.uri}@${t.toVersion}`).join(',');
        if (seen.has(key)) twice++;
        seen.add(key);
      }
    }
    return {
      instances,
      takeover,
      installs,
      twice,
      status: (await store.getRollout('bench'))?.status,
      seconds,
      perMinute: (done / seconds) * 60,
      peak: fleet.availability.peak,
      done,
      shares: [...by].map(([h, n]) => `${h}:${n}`).join(' '),
    };
  } finally {
    await store.close();
    await fleet.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Waits until the coordinator (the first `coordinator` journal entry's actor) holds a server in
 * flight while others are pending, SIGKILLs its process, and returns the milliseconds until
 * another instance journaled that it took over (undefined: nobody did before the rollout ended).
 */
async function killCoordinator(store: PostgresStore, children: ChildProcess[]): Promise<number | undefined> {
  for (;;) {
    const journal = await store.journal({ rolloutId: 'bench' });
    const holder = journal.find((j) => j.event === 'coordinator')?.actor;
    const servers = await store.rolloutServers('bench');
    if (servers.every((s) => s.step === 'done' || s.step === 'skipped' || s.step === 'failed'))
      return undefined;
    const busy = servers.some((s) => s.holder === holder && ['updating', 'verifying'].includes(s.step));
    if (holder && busy && servers.some((s) => s.step === 'pending')) {
      children[Number(holder.replace('bench-', '')) - 1]?.kill('SIGKILL');
      const killedAt = Date.now();
      for (;;) {
        const took = (await store.journal({ rolloutId: 'bench' })).find(
          (j) => j.event === 'coordinator' && j.actor !== holder && Date.parse(j.at) >= killedAt,
        );
        if (took) return Date.parse(took.at) - killedAt;
        if ((await store.getRollout('bench'))?.status === 'completed') return undefined;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (process.argv[2] === '--child') {
  await child(JSON.parse(process.argv[3] as string) as ChildOptions);
} else {
  if (!url) {
    process.stderr.write(
      'bench/rollout: set FIRMWARDEN_TEST_PG_URL (eval "$(sudo bash scripts/test-services.sh)")\n',
    );
    process.exit(2);
  }
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '24' },
      'per-instance': { type: 'string', default: '4' },
      'max-unavailable': { type: 'string', default: '12' },
      latency: { type: 'string', default: '0' },
      failover: { type: 'boolean', default: false },
      'ttl-ms': { type: 'string', default: '5000' },
    },
  });
  const args = {
    count: Number(values.count),
    perInstance: Number(values['per-instance']),
    maxUnavailable: Number(values['max-unavailable']),
    latency: Number(values.latency),
    ttlMs: Number(values['ttl-ms']),
  };
  process.stdout.write(
    `rollout of ${args.count} simulated servers (bmc + bios), at most ${args.perInstance} per instance, maxUnavailable ${args.maxUnavailable}, latency ${args.latency} ms, PostgreSQL store; simulator, instances and database share ${availableParallelism()} CPUs\n`,
  );
  process.stdout.write(
    'instances  status     wall s  servers/min  peak out  done  installs  twice  servers per instance\n',
  );
  const runs: Array<[number, boolean]> = [
    [1, false],
    [3, false],
    ...(values.failover ? [[3, true] as [number, boolean]] : []),
  ];
  for (const [n, failover] of runs) {
    const r = await run(n, args, failover);
    process.stdout.write(
      `${`${r.instances}${failover ? ' (kill)' : ''}`.padEnd(11)}${String(r.status).padEnd(11)}${r.seconds.toFixed(1).padStart(6)}  ${r.perMinute.toFixed(1).padStart(11)}  ${String(r.peak).padStart(8)}  ${String(r.done).padStart(4)}  ${String(r.installs).padStart(8)}  ${String(r.twice).padStart(5)}  ${r.shares}\n`,
    );
    if (failover) {
      process.stdout.write(
        `coordinator SIGKILLed mid-rollout: ${r.takeover === undefined ? 'no takeover seen' : `a survivor took over after ${(r.takeover / 1000).toFixed(1)} s`} (bound: lease TTL ${(args.ttlMs / 1000).toFixed(1)} s + 1 s poll)\n`,
      );
    }
  }
}

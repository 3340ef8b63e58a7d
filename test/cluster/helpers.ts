/**
 * A simulated fleet shared by several instance processes on one PostgreSQL schema: the fleet
 * runs in the test process (its availability counter sees every host out of service at once,
 * whoever took it out); each instance is a child process (child/instance.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { ImageStore, loadCatalog, syncCatalog } from '../../src/catalog/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import { createRollout } from '../../src/rollout/create.ts';
import { loadSpec } from '../../src/rollout/spec.ts';
import {
  type SimFleetOptions,
  startSimulatedFleet,
  writeSimulatedCatalog,
} from '../../src/simulator/index.ts';
import type { SimBmc } from '../../src/simulator/types.ts';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { dropSchema, PG_URL, uniqueSchema } from '../store/backends.ts';

const INSTANCE = fileURLToPath(new URL('./child/instance.ts', import.meta.url));

export async function clusterBed(opts: { sim: SimFleetOptions; spec: Record<string, unknown>; id: string }) {
  const dir = await mkdtemp(join(tmpdir(), 'fw-cluster-'));
  const fleet = await startSimulatedFleet(opts.sim);
  await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
  const sim = await writeSimulatedCatalog({ fleet, dir: join(dir, 'catalog'), components: ['bmc', 'bios'] });
  const images = join(dir, 'state', 'images');
  const synced = await syncCatalog({
    catalog: await loadCatalog(sim.catalogFile),
    store: await ImageStore.open(images),
  });
  if (!synced.ok) throw new Error('image sync failed');
  const specFile = join(dir, 'rollout.yaml');
  await writeFile(
    specFile,
    stringify({
      version: 1,
      name: opts.id,
      fleet: 'fleet.yaml',
      catalog: sim.catalogFile,
      store: images,
      update: { timeouts: { taskMs: 15_000, bmcRebootMs: 10_000, hostResetMs: 5_000, pollMs: 25 } },
      ...opts.spec,
    }),
  );
  const schema = uniqueSchema('fw_cluster');
  const deps = defaultDeps({ logger: captureLogger('warn').logger });
  const store = await PostgresStore.open({ url: PG_URL as string, schema }, deps);
  await createRollout(store, await loadSpec(specFile), { id: opts.id });
  fleet.availability.reset();
  const instances: Instance[] = [];
  return {
    dir,
    fleet,
    store,
    schema,
    instances,
    /** Starts an instance process joined to the rollout. */
    start(
      name: string,
      extra: { labels?: Record<string, string | string[]>; ttlMs?: number; maxServers?: number } = {},
    ): Instance {
      const child = new Instance(name, {
        url: PG_URL,
        schema,
        rolloutId: opts.id,
        actor: `instance-${name}`,
        instance: name,
        // Long enough that a stalled process on a busy machine keeps its leases (failover tests pass less).
        ttlMs: extra.ttlMs ?? 10_000,
        stateDir: join(dir, 'state'),
        ...(extra.labels ? { labels: extra.labels } : {}),
        ...(extra.maxServers ? { maxServers: extra.maxServers } : {}),
      });
      instances.push(child);
      return child;
    },
    close: async () => {
      for (const i of instances) i.child.kill('SIGKILL');
      await store.close();
      await fleet.close();
      await dropSchema(schema);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface InstanceLine {
  type: string;
  [key: string]: unknown;
}

/** A child instance process and the lines it reported. */
export class Instance {
  readonly name: string;
  readonly actor: string;
  readonly child: ChildProcess;
  readonly lines: InstanceLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  stderr = '';

  constructor(name: string, options: Record<string, unknown>) {
    this.name = name;
    this.actor = String(options['actor']);
    this.child = spawn(process.execPath, ['--no-warnings', INSTANCE, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stderr?.on('data', (d) => {
      this.stderr += String(d);
    });
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as InstanceLine);
      } catch {
        this.lines.push({ type: 'text', line });
      }
    });
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => resolve({ code, signal })),
    );
  }

  kill(): Promise<unknown> {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** Polls `check` until it returns a value (not undefined), or throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Components that received an installed image more than once, per BMC (should be none). */
export function installedTwice(bmcs: readonly SimBmc[]): string[] {
  return bmcs.flatMap((b) => {
    const installs = b.updateHistory
      .filter((h) => h.outcome === 'installed')
      .flatMap((h) => h.targets.map((t) => t.uri));
    return installs.filter((u, i) => installs.indexOf(u) !== i).map((u) => `${b.name}: ${u}`);
  });
}

/**
 * API test bed: a simulated fleet over loopback HTTPS, its fleet file, a catalog of newer BMC and
 * BIOS releases (images fetched into the store by catalog-watch, where rollouts look), a daemon
 * config with an api section, an open store and the app built over them, with a read token and
 * an operator token. Logs go to memory so tests can check no token reaches them.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type ApiApp, createApiApp } from '../../src/api/app.ts';
import { TokenRegistry } from '../../src/api/auth.ts';
import { type DaemonConfig, loadDaemonConfig } from '../../src/daemon/load-config.ts';
import { runJob } from '../../src/daemon/run-job.ts';
import { defaultDeps } from '../../src/deps.ts';
import {
  type SimFleet,
  type SimFleetOptions,
  startSimulatedFleet,
  writeSimulatedCatalog,
} from '../../src/simulator/index.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

/** Loosely typed JSON for assertions on response bodies. */
// biome-ignore lint/suspicious/noExplicitAny: assertions walk response bodies freely.
export type Json = Record<string, any>;

export interface ApiBed {
  dir: string;
  fleet: SimFleet;
  config: DaemonConfig;
  store: SqliteStore;
  app: ApiApp;
  log: ReturnType<typeof captureLogger>;
  deps: ReturnType<typeof defaultDeps>;
  tokens: { read: string; operator: string };
  /** Authorization header for a role (or a made-up token). */
  auth(who: 'read' | 'operator' | 'bogus'): Record<string, string>;
  close(): Promise<void>;
}

export interface BedOptions {
  sim?: SimFleetOptions;
  /** Extra daemon config fields (the api section is added). */
  config?: Record<string, unknown>;
  api?: Record<string, unknown>;
  /** Fetch catalog images into the store (rollouts need them). Default true. */
  images?: boolean;
  dashboardPage?: () => string;
}

export async function apiBed(options: BedOptions = {}): Promise<ApiBed> {
  const dir = await mkdtemp(join(tmpdir(), 'fw-api-'));
  const fleet = await startSimulatedFleet(
    options.sim ?? { count: 3, vendors: ['generic', 'dell', 'hpe'], seed: 7 },
  );
  await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
  await writeSimulatedCatalog({ fleet, dir: join(dir, 'catalog'), components: ['bmc', 'bios'] });
  const tokens = { read: randomBytes(24).toString('hex'), operator: randomBytes(24).toString('hex') };
  const file = join(dir, 'daemon.yaml');
  await writeFile(
    file,
    stringify({
      version: 1,
      store: { sqlite: 'state/state.db' },
      fleet: 'fleet.yaml',
      catalog: { source: 'catalog/catalog.yaml' },
      ...options.config,
      api: {
        tokens: [
          { name: 'viewer', role: 'read', tokenEnv: 'FW_TEST_UNUSED_READ' },
          { name: 'ops', role: 'operator', tokenEnv: 'FW_TEST_UNUSED_OPS' },
        ],
        ...options.api,
      },
    }),
  );
  const config = await loadDaemonConfig(file);
  const log = captureLogger('info');
  const deps = defaultDeps({ logger: log.logger });
  await mkdir(join(dir, 'state'), { recursive: true });
  const store = await SqliteStore.open(config.store.sqlite, deps);
  if (options.images !== false) {
    const watch = await runJob('catalog-watch', config, deps, { store });
    if (watch.outcome !== 'ok') throw new Error(`catalog-watch: ${watch.summary}`);
  }
  const app = createApiApp({
    config,
    store,
    deps,
    tokens: TokenRegistry.fromSecrets([
      { name: 'viewer', role: 'read', token: tokens.read },
      { name: 'ops', role: 'operator', token: tokens.operator },
    ]),
    ...(options.dashboardPage ? { dashboardPage: options.dashboardPage } : {}),
  });
  return {
    dir,
    fleet,
    config,
    store,
    app,
    log,
    deps,
    tokens,
    auth(who) {
      const token = who === 'bogus' ? randomBytes(24).toString('hex') : tokens[who];
      return { authorization: `Bearer ${token}` };
    },
    async close() {
      await app.close();
      await store.close();
      await fleet.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls an operation until it is no longer running. */
export async function settle(bed: ApiBed, href: string): Promise<Record<string, unknown>> {
  await bed.app.context.operations.idle();
  const r = await bed.app.inject({ url: href, headers: bed.auth('read') });
  return r.json<Record<string, unknown>>();
}

/** The route table, built over placeholders (no I/O): for table tests declared before any bed. */
export function routeTable() {
  const app = createApiApp({
    config: { file: '/nonexistent/daemon.yaml', stateDir: '/nonexistent' } as DaemonConfig,
    store: {} as SqliteStore,
    deps: defaultDeps({ logger: captureLogger('silent').logger }),
    tokens: TokenRegistry.fromSecrets([]),
  });
  void app.close();
  return app.routes;
}

/** A concrete path for a route template ({id} → the given id). */
export function samplePath(path: string, id = 'no-such-id'): string {
  return path.replace(/\{[^}]+\}/g, id);
}

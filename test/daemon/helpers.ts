/** Daemon test beds: a simulated fleet, its fleet file, a daemon config over them, a store to read back. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { DaemonConfigInput } from '../../src/daemon/config-schema.ts';
import { type DaemonConfig, loadDaemonConfig } from '../../src/daemon/load-config.ts';
import { defaultDeps } from '../../src/deps.ts';
import { type SimFleet, type SimFleetOptions, startSimulatedFleet } from '../../src/simulator/index.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { JournalRecord } from '../../src/store/types.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

export type ConfigBody = Omit<DaemonConfigInput, 'version' | 'store' | 'jobs'> & {
  jobs?: Record<string, unknown>;
  store?: { sqlite: string };
};

export interface Bed {
  dir: string;
  fleet?: SimFleet;
  fleetFile?: string;
  deps: ReturnType<typeof defaultDeps>;
  log: ReturnType<typeof captureLogger>;
  /** Writes daemon.yaml (store state/state.db, fleet.yaml when there is a fleet) and loads it. */
  config(body?: ConfigBody, name?: string): Promise<DaemonConfig>;
  /** A store connection of the test's own, on the config's database. */
  store(): Promise<SqliteStore>;
  close(): Promise<void>;
}

export async function daemonBed(sim?: SimFleetOptions, logLevel = 'info'): Promise<Bed> {
  const dir = await mkdtemp(join(tmpdir(), 'fw-daemon-'));
  const fleet = sim ? await startSimulatedFleet(sim) : undefined;
  const fleetFile = fleet ? (await fleet.writeFleetFile(join(dir, 'fleet.yaml'))).fleetFile : undefined;
  const log = captureLogger(logLevel);
  const deps = defaultDeps({ logger: log.logger });
  const stores: SqliteStore[] = [];
  return {
    dir,
    ...(fleet ? { fleet } : {}),
    ...(fleetFile ? { fleetFile } : {}),
    deps,
    log,
    async config(body = {}, name = 'daemon.yaml') {
      const file = join(dir, name);
      await writeFile(
        file,
        stringify({
          version: 1,
          store: { sqlite: 'state/state.db' },
          ...(fleetFile ? { fleet: 'fleet.yaml' } : {}),
          ...body,
        }),
      );
      return loadDaemonConfig(file);
    },
    async store() {
      await mkdir(join(dir, 'state'), { recursive: true });
      const store = await SqliteStore.open(join(dir, 'state', 'state.db'), deps);
      stores.push(store);
      return store;
    },
    async close() {
      for (const s of stores) await s.close().catch(() => undefined);
      await fleet?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Journal entries of one event. */
export async function entries(store: SqliteStore, event: string): Promise<JournalRecord[]> {
  return (await store.journal()).filter((e) => e.event === event);
}

/** The data of a journal entry, typed loosely for assertions. */
export function dataOf(entry: JournalRecord | undefined): Record<string, unknown> {
  return (entry?.data ?? {}) as Record<string, unknown>;
}

/** A simulated fleet, a catalog that upgrades it, images synced, and a rollout spec file. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ImageStore, loadCatalog, syncCatalog } from '../../src/catalog/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import {
  type SimFleetOptions,
  startSimulatedFleet,
  writeSimulatedCatalog,
} from '../../src/simulator/index.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { ComponentKind } from '../../src/vocab.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

export async function rolloutBed(opts: {
  sim: SimFleetOptions;
  components?: ComponentKind[];
  spec?: Record<string, unknown>;
}) {
  const dir = await mkdtemp(join(tmpdir(), 'fw-rollout-'));
  const fleet = await startSimulatedFleet(opts.sim);
  await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
  const sim = await writeSimulatedCatalog({
    fleet,
    dir: join(dir, 'catalog'),
    components: opts.components ?? ['bmc', 'bios'],
  });
  const catalog = await loadCatalog(sim.catalogFile);
  const images = await ImageStore.open(join(dir, 'state', 'images'));
  const synced = await syncCatalog({ catalog, store: images });
  if (!synced.ok) throw new Error('image sync failed');
  const spec = {
    version: 1,
    name: 'test',
    fleet: 'fleet.yaml',
    catalog: sim.catalogFile,
    store: join(dir, 'state', 'images'),
    update: { timeouts: { taskMs: 15_000, bmcRebootMs: 10_000, hostResetMs: 5_000, pollMs: 25 } },
    ...opts.spec,
  };
  const specFile = join(dir, 'rollout.yaml');
  await writeFile(specFile, stringify(spec));
  const log = captureLogger('warn');
  const deps = defaultDeps({ logger: log.logger });
  const store = await SqliteStore.open(join(dir, 'state', 'state.db'), deps);
  return {
    dir,
    fleet,
    sim,
    catalog,
    specFile,
    store,
    deps,
    log,
    stateDir: join(dir, 'state'),
    close: async () => {
      await store.close();
      await fleet.close();
    },
  };
}

/**
 * A simulated fleet ready for the backup slice: fleet file, a catalog of the images the BMCs run
 * now (writeInstalledCatalog), an image store, an in-memory state store, an image server for
 * SimpleUpdate-only BMCs, and fast timeouts.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupFleetInput } from '../../src/backup/index.ts';
import { type Catalog, ImageStore, loadCatalog, syncCatalog } from '../../src/catalog/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import { startImageServer } from '../../src/executor/image-server.ts';
import { loadFleetFile, type ResolvedServer } from '../../src/fleet/load.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import {
  type SimBmc,
  type SimFleet,
  type SimVendor,
  startSimulatedFleet,
  writeInstalledCatalog,
} from '../../src/simulator/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/types.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

export const FAST = { taskMs: 15_000, bmcRebootMs: 10_000, pollMs: 20 };

export interface BackupFleet {
  dir: string;
  fleet: SimFleet;
  servers: ResolvedServer[];
  catalog: Catalog;
  catalogFile: string;
  fleetFile: string;
  store: ImageStore;
  state: Store;
  deps: ReturnType<typeof defaultDeps>;
  bmc(vendor: SimVendor): SimBmc;
  server(vendor: SimVendor): ResolvedServer;
  /** The library input for some servers (all by default). */
  input(servers?: ResolvedServer[]): BackupFleetInput;
  /** A firmwarden client for one server (close it). */
  client(vendor: SimVendor): RedfishClient;
  close(): Promise<void>;
}

/**
 * One BMC per vendor. `sync` fills the image store from the catalog (default false: the store
 * starts empty, so a check has to read images back from the BMCs).
 */
export async function backupFleet(vendors: SimVendor[], opts: { sync?: boolean; seed?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'fw-backup-'));
  // Retry-After 0: task polls follow pollMs instead of the BMC's one-second hint.
  const fleet = await startSimulatedFleet({
    count: vendors.length,
    vendors,
    seed: opts.seed ?? 21,
    timing: { retryAfterSeconds: 0 },
  });
  const files = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
  const installed = await writeInstalledCatalog({
    fleet,
    dir: join(dir, 'catalog'),
    components: ['bmc', 'bios'],
  });
  const catalog = await loadCatalog(installed.catalogFile);
  const store = await ImageStore.open(join(dir, 'store'));
  if (opts.sync) {
    const synced = await syncCatalog({ catalog, store });
    if (!synced.ok) throw new Error('catalog sync failed');
  }
  const state = await openStore({ sqlite: ':memory:' }, { clock: { now: Date.now, sleep: async () => {} } });
  const log = captureLogger('warn');
  const deps = defaultDeps({ logger: log.logger });
  const servers = await loadFleetFile(files.fleetFile);
  const imageServer = await startImageServer({ store, tls: 'self-signed' }, deps);
  const bf: BackupFleet = {
    dir,
    fleet,
    servers,
    catalog,
    catalogFile: installed.catalogFile,
    fleetFile: files.fleetFile,
    store,
    state,
    deps,
    bmc: (v) => fleet.bmcs.find((b) => b.vendor === v) as SimBmc,
    server: (v) => servers[vendors.indexOf(v)] as ResolvedServer,
    input: (only = servers) => ({
      servers: only,
      catalog: catalog.entries,
      store,
      state,
      actor: 'test',
      imageServer,
      timeouts: FAST,
    }),
    client: (v) => new RedfishClient((servers[vendors.indexOf(v)] as ResolvedServer).client, deps),
    close: async () => {
      await imageServer.close();
      await state.close();
      await fleet.close();
    },
  };
  return bf;
}

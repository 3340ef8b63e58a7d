/** A simulated fleet with a catalog that upgrades it, images synced into a store: ready to update. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore, loadCatalog, syncCatalog } from '../../src/catalog/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import { startImageServer } from '../../src/executor/image-server.ts';
import { MemoryJournal } from '../../src/executor/journal.ts';
import type { UpdateServerOptions } from '../../src/executor/update-server.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import { sweepFleet } from '../../src/inventory/sweep.ts';
import { plan } from '../../src/planner/index.ts';
import {
  type SimFleetOptions,
  type SimVendor,
  startSimulatedFleet,
  writeSimulatedCatalog,
} from '../../src/simulator/index.ts';
import type { ComponentKind } from '../../src/vocab.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

/** Executor timeouts for the fast simulator timing. */
export const FAST = { taskMs: 15_000, bmcRebootMs: 10_000, hostResetMs: 5_000, pollMs: 25 };

export async function updatableFleet(
  vendors: SimVendor[],
  opts: { components?: ComponentKind[]; sim?: Partial<SimFleetOptions> } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'fw-exec-'));
  const fleet = await startSimulatedFleet({ count: vendors.length, vendors, seed: 5, ...opts.sim });
  const files = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
  const sim = await writeSimulatedCatalog({
    fleet,
    dir: join(dir, 'catalog'),
    ...(opts.components ? { components: opts.components } : {}),
  });
  const catalog = await loadCatalog(sim.catalogFile);
  const store = await ImageStore.open(join(dir, 'store'));
  const synced = await syncCatalog({ catalog, store });
  if (!synced.ok)
    throw new Error(`sync failed: ${JSON.stringify(synced.results.filter((r) => r.status === 'failed'))}`);
  const log = captureLogger('warn');
  const deps = defaultDeps({ logger: log.logger });
  const servers = await loadFleetFile(files.fleetFile);
  // HTTPS with a self-signed certificate, as in the field (OpenBMC only pulls over HTTPS).
  const imageServer = await startImageServer({ store, tls: 'self-signed' }, deps);
  const journal = new MemoryJournal();
  const replan = async () => plan(await sweepFleet(servers, deps), catalog, {});
  const options = (extra: Partial<UpdateServerOptions> = {}): UpdateServerOptions => ({
    store,
    journal,
    imageServer,
    timeouts: FAST,
    ...extra,
  });
  return {
    dir,
    fleet,
    sim,
    catalog,
    store,
    servers,
    deps,
    log,
    journal,
    imageServer,
    replan,
    options,
    close: async () => {
      await imageServer.close();
      await fleet.close();
    },
  };
}

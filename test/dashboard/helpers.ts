/**
 * Test beds for the dashboard: a real simulated fleet swept and planned against its simulated
 * catalog, with its inventory and a rollout in a real SQLite store (the data the API serves), a
 * synthetic 1,000-server fleet for the readability check, and a small node:http server on
 * 127.0.0.1 that serves the page and the data the way `firmwarden serve` does.
 */
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type Catalog, loadCatalog } from '../../src/catalog/index.ts';
import { buildDashboardData, type DashboardData, type RolloutInput } from '../../src/dashboard/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import type { FleetInventory, InventoryComponent } from '../../src/inventory/model.ts';
import { sweepFleet } from '../../src/inventory/sweep.ts';
import { type Plan, plan } from '../../src/planner/index.ts';
import { actingVersions } from '../../src/rollout/acting-version.ts';
import { createRollout } from '../../src/rollout/create.ts';
import { loadSpec } from '../../src/rollout/spec.ts';
import { bumpVersion } from '../../src/simulator/catalog/version-bump.ts';
import { type SimFleet, startSimulatedFleet, writeSimulatedCatalog } from '../../src/simulator/index.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { RolloutServerRecord, ServerStep } from '../../src/store/types.ts';
import { compareVersions } from '../../src/versions/index.ts';
import type { ComponentKind } from '../../src/vocab.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { catalogOf, dellComponent, entry, fleetOf, server } from '../planner/helpers.ts';

export const ROLLOUT_ID = 'bios-q4';

export interface SimBed {
  dir: string;
  fleet: SimFleet;
  store: SqliteStore;
  catalog: Catalog;
  /** The plan over the stored inventory, as the API computes it. */
  plan: Plan;
  inventory: FleetInventory;
  /** The server whose BIOS reports Status.Health Critical. */
  corrupted: string;
  /** What GET /api/v1/dashboard returns now: read from the store on every call. */
  data(): Promise<DashboardData>;
  close(): Promise<void>;
}

function highest(versions: readonly string[]): string {
  return versions.reduce((a, b) => (compareVersions(b, a) === 'greater' ? b : a));
}

/**
 * Six simulated BMCs (one per vendor profile), one BIOS made to report Health Critical, swept into
 * a SQLite store; a catalog with newer BMC and BIOS releases and NIC releases at the newest
 * installed version; a rollout created from a real spec with the acting versions recorded.
 */
export async function simBed(): Promise<SimBed> {
  const dir = await mkdtemp(join(tmpdir(), 'fw-dashboard-'));
  const fleet = await startSimulatedFleet({ count: 6, seed: 3 });
  try {
    const deps = defaultDeps({ logger: captureLogger('silent').logger });
    const victim = fleet.bmcs.find((b) => b.vendor === 'generic')!;
    victim.corrupt('bios', 'health-critical');
    const { fleetFile } = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
    const swept = await sweepFleet(await loadFleetFile(fleetFile), deps);
    const sim = await writeSimulatedCatalog({
      fleet,
      dir: join(dir, 'catalog'),
      components: ['bmc', 'bios', 'nic'],
      bump: (c) =>
        c.kind === 'nic'
          ? highest(c.installed)
          : (bumpVersion(c.installed, c.vendor, c.kind, 1) ?? highest(c.installed)),
    });
    const catalog = await loadCatalog(sim.catalogFile);
    const store = await SqliteStore.open(join(dir, 'state.db'), deps);
    for (const s of swept.servers) await store.saveInventory(s);
    const inventory = await store.latestInventory();
    const planned = plan(inventory, catalog, {});
    const specFile = join(dir, 'rollout.yaml');
    await writeFile(
      specFile,
      stringify({
        version: 1,
        name: 'bios-q4',
        fleet: fleetFile,
        catalog: sim.catalogFile,
        waves: { canary: 1, batch: 2 },
      }),
    );
    await createRollout(store, await loadSpec(specFile), { id: ROLLOUT_ID });
    await store.recordActingVersions(
      actingVersions(inventory, catalog, {}, ROLLOUT_ID, new Date().toISOString()),
    );
    return {
      dir,
      fleet,
      store,
      catalog,
      plan: planned,
      inventory,
      corrupted: victim.name,
      async data() {
        const inv = await store.latestInventory();
        const rollouts = await Promise.all(
          (await store.listRollouts()).map(async (rollout) => ({
            rollout,
            servers: await store.rolloutServers(rollout.id),
            acting: await store.actingVersions(rollout.id),
          })),
        );
        return buildDashboardData({
          inventory: inv,
          plan: plan(inv, catalog, {}),
          rollouts,
          at: new Date().toISOString(),
        });
      },
      async close() {
        await store.close();
        await fleet.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fleet.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

const BIG_KINDS: Array<[ComponentKind, string, string]> = [
  ['bmc', '25227', '7.00.00.184'],
  ['bios', '159', '2.17.1'],
  ['cpld', '4001', '1.0.4'],
  ['storage', '4002', '51.16.0-5150'],
  ['nic', '4003', '22.31.6'],
  ['drive', '4004', 'MA8F'],
  ['psu', '4005', '00.1B.53'],
];

/** Servers in the synthetic fleet: 25 racks of 40 over two sites. */
export const BIG_COUNT = 1000;
export const BIG_RACK = 40;
export const HOSTILE_MODEL = '<img src=x onerror="document.title=1">R650';

/**
 * A synthetic fleet of 1,000 Dell servers: every third BIOS one release behind, drives without a
 * catalog entry (unknown), a corrupt drive every 97th server, two servers unreadable.
 */
export function bigData(): DashboardData {
  const catalog = catalogOf(
    BIG_KINDS.filter(([kind]) => kind !== 'drive').map(([kind, id, version]) =>
      entry(`${kind}-${id}`, { kind, version, match: { softwareIds: [id] } }),
    ),
  );
  const servers = Array.from({ length: BIG_COUNT }, (_, i) => {
    const rack = Math.floor(i / BIG_RACK);
    const labels = { site: rack % 2 === 0 ? 'fra1' : 'ams2', rack: `r${String(rack + 1).padStart(2, '0')}` };
    const name = `node-${String(i + 1).padStart(4, '0')}`;
    if (i === 500 || i === 777) {
      return server(name, [], { labels, error: { code: 'FW_ERR_CONNECT', message: 'connect ECONNREFUSED' } });
    }
    const components: InventoryComponent[] = BIG_KINDS.map(([kind, id, version]) =>
      dellComponent(id, kind, kind === 'bios' && i % 3 === 0 ? '2.16.0' : version, {
        name: `${kind} of ${name}`,
        ...(kind === 'drive' && i % 97 === 0 ? { health: 'Critical' } : {}),
      }),
    );
    // The last server's model is markup: the page must show it as text.
    return server(name, components, { labels, ...(i === BIG_COUNT - 1 ? { model: HOSTILE_MODEL } : {}) });
  });
  const inventory = fleetOf(...servers);
  return buildDashboardData({
    inventory,
    plan: plan(inventory, catalog),
    rollouts: [bigRollout(servers.map((s) => s.server))],
    at: '2026-11-22T03:00:00.000Z',
  });
}

/** A BIOS rollout over the synthetic fleet: canary, 20 waves of 50; 150 done, 3 failed, 20 updating. */
function bigRollout(names: string[]): RolloutInput {
  const at = '2026-11-22T03:00:00.000Z';
  const servers: RolloutServerRecord[] = names.map((name, i) => {
    let step: ServerStep = 'pending';
    if (i < 150) step = 'done';
    else if (i < 153) step = 'failed';
    else if (i < 173) step = 'updating';
    return {
      rolloutId: 'bios-2026q4',
      server: name,
      wave: i === 0 ? 0 : Math.ceil(i / 50),
      step,
      attempts: step === 'pending' ? 0 : 1,
      updatedAt: at,
      labels: {},
      ...(step === 'failed' ? { detail: { code: 'FW_ERR_TASK_FAILED', message: 'ApplyFailed' } } : {}),
    };
  });
  return {
    rollout: {
      id: 'bios-2026q4',
      name: 'bios-2026q4',
      status: 'running',
      spec: {},
      createdAt: at,
      updatedAt: at,
    },
    servers,
  };
}

export interface Served {
  base: string;
  /** Every request the server saw: the "access log" a token must never appear in. */
  log: Array<{ url: string; authorization?: string }>;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Serves `handler` on 127.0.0.1 on an ephemeral port, logging every request. */
export async function serve(handler: Handler): Promise<Served> {
  const log: Served['log'] = [];
  const srv: Server = createServer((req, res) => {
    log.push({
      url: req.url ?? '',
      ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
    });
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

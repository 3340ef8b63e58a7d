/**
 * The simulated catalog generator: the catalog loads with loadCatalog, its images verify and carry
 * headers the simulator accepts, and firmwarden's planner (sweeping the fleet over real sockets)
 * plans an upgrade to every entry for every component it covers.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../../src/catalog/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import type { FleetInventory } from '../../src/inventory/model.ts';
import { sweepFleet } from '../../src/inventory/sweep.ts';
import { plan } from '../../src/planner/index.ts';
import { SimImageVerifier } from '../../src/simulator/image-format.ts';
import {
  type SimFleet,
  type SimulatedCatalog,
  startSimulatedFleet,
  writeSimulatedCatalog,
} from '../../src/simulator/index.ts';
import { compareVersions } from '../../src/versions/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

let fleet: SimFleet;
let dir: string;
let generated: SimulatedCatalog;
let catalog: Catalog;
let inventory: FleetInventory;

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: 12, tls: false, seed: 71 });
  dir = await mkdtemp(join(tmpdir(), 'fw-sim-cat-'));
  generated = await writeSimulatedCatalog({ fleet, dir: join(dir, 'repo'), imageSize: 3000 });
  const { fleetFile } = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
  const deps = defaultDeps({ clock: fakeClock(), logger: captureLogger('silent').logger });
  [catalog, inventory] = await Promise.all([
    loadCatalog(generated.catalogFile),
    loadFleetFile(fleetFile).then((servers) => sweepFleet(servers, deps)),
  ]);
});
afterAll(async () => {
  await fleet.close();
  await rm(dir, { recursive: true, force: true });
});

describe('writeSimulatedCatalog', () => {
  it('writes a native catalog that loadCatalog reads, with entries for every vendor', () => {
    expect(catalog.source.format).toBe('native');
    expect(catalog.entries.map((e) => e.id)).toEqual(generated.entries.map((e) => e.id));
    expect(new Set(catalog.entries.map((e) => e.vendor))).toEqual(
      new Set(['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc']),
    );
    for (const e of catalog.entries) {
      expect(e.requires).toEqual(e.kind === 'bmc' ? { reboot: false, bmcReset: true } : { reboot: true });
    }
    const dellBios = catalog.entries.find((e) => e.vendor === 'dell' && e.kind === 'bios');
    expect(dellBios?.match.softwareIds).toEqual(['159']);
    expect(dellBios?.supportedModels).toEqual([{ systemId: '0235', name: 'PowerEdge R710' }]);
    const ilo = catalog.entries.find((e) => e.vendor === 'hpe' && e.kind === 'bmc');
    expect(ilo?.match.hpeTargets).toContain('4764a662-b342-4fc7-9ce9-258c5d99e815');
    const obmc = catalog.entries.filter((e) => e.vendor === 'openbmc');
    expect(obmc.map((e) => [e.kind, e.match.namePattern])).toEqual(
      expect.arrayContaining([
        ['bmc', '^Software Inventory$'],
        ['bios', '^Software Inventory$'],
      ]),
    );
  });

  it('every image verifies: sha256 as catalogued, header naming the vendor and the new version', async () => {
    for (const e of generated.entries) {
      const hash = createHash('sha256');
      const verifier = new SimImageVerifier();
      const source = createReadStream(e.imageFile);
      source.on('data', (c) => hash.update(c));
      await pipeline(source, verifier);
      expect(hash.digest('hex')).toBe(e.sha256);
      expect(verifier.result()).toMatchObject({ vendor: e.vendor, version: e.version, match: e.imageMatch });
      for (const installed of e.installed)
        expect(compareVersions(installed, e.version, { vendor: e.vendor })).toBe('less');
    }
  });

  it('leaves out what cannot be ordered or matched, and says why', () => {
    const names = generated.skipped.map((x) => `${x.vendor} ${x.name}`);
    expect(names).toEqual(expect.arrayContaining(['generic Contoso BMC Firmware']));
    expect(generated.skipped.every((x) => x.reason.length > 0)).toBe(true);
  });

  it('the planner plans an upgrade to each entry on every server that runs its component', () => {
    expect(inventory.failed).toBe(0);
    const p = plan(inventory, catalog);
    const decisions = p.servers.flatMap((s) => s.decisions);
    for (const e of catalog.entries) {
      const hits = decisions.filter((d) => d.target?.entryId === e.id);
      expect(hits.length, e.id).toBeGreaterThan(0);
      for (const d of hits) expect(d.decision, `${e.id} on ${d.component?.name}`).toBe('upgrade');
    }
    // bmcweb names every member "Software Inventory": the kind tells the BMC image from the host's.
    for (const s of p.servers.filter((x) => x.vendor === 'openbmc')) {
      const bmc = s.decisions.find((d) => d.component?.kind === 'bmc');
      const host = s.decisions.find((d) => d.component?.kind === 'bios');
      expect(bmc?.target?.entryId).toMatch(/^openbmc-software-inventory-2-/);
      expect(host?.target?.entryId).not.toBe(bmc?.target?.entryId);
    }
  });

  it('bump and components select the versions and kinds written', async () => {
    const two = await writeSimulatedCatalog({ fleet, dir: join(dir, 'two'), bump: 2, components: ['bios'] });
    expect(new Set(two.entries.map((e) => e.kind))).toEqual(new Set(['bios']));
    const one = generated.entries.find((e) => e.vendor === 'supermicro' && e.kind === 'bios');
    const next = two.entries.find((e) => e.vendor === 'supermicro' && e.kind === 'bios');
    expect(compareVersions(one?.version ?? '', next?.version ?? '')).toBe('less');
  });
});

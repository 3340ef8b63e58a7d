/**
 * Integration: sweep a simulated fleet of every vendor profile over loopback HTTPS, then plan it
 * against the native catalog written for the simulator's profiles and against the real Dell 11G
 * catalog (the simulator's Dell profile is a PowerEdge R710 with the 11G catalog's ComponentIDs).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/index.ts';
import { loadCatalog } from '../../src/catalog/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import type { FleetInventory } from '../../src/inventory/model.ts';
import { sweepFleet } from '../../src/inventory/sweep.ts';
import { type Plan, type PlanDecision, plan } from '../../src/planner/index.ts';
import { type SimFleet, startSimulatedFleet } from '../../src/simulator/index.ts';
import { compareVersions } from '../../src/versions/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const DELL_11G = 'test/fixtures/catalog/dell/dell-poweredge-11g-Catalog.xml';
const SIM_CATALOG = 'test/fixtures/planner/sim-catalog.yaml';

let fleet: SimFleet;
let dir: string;
let inventory: FleetInventory;
let dell11g: Catalog;
let simCatalog: Catalog;

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: 18, seed: 11 });
  dir = await mkdtemp(join(tmpdir(), 'fw-plan-sim-'));
  const { fleetFile } = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
  const deps = defaultDeps({ clock: fakeClock(), logger: captureLogger('silent').logger });
  [inventory, dell11g, simCatalog] = await Promise.all([
    loadFleetFile(fleetFile).then((servers) => sweepFleet(servers, deps)),
    loadCatalog(DELL_11G),
    loadCatalog(SIM_CATALOG),
  ]);
});
afterAll(async () => {
  await fleet?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const serversOf = (p: Plan, vendor: string) => p.servers.filter((s) => s.vendor === vendor);
const byKind = (decisions: PlanDecision[], kind: string) =>
  decisions.filter((d) => d.component?.kind === kind);

/** The decision a comparable (installed, target) pair must get. */
function expectUpgradeOrCurrent(d: PlanDecision, entryId: string, version: string): void {
  expect(d.target?.entryId, d.component?.name).toBe(entryId);
  expect(d.target?.version).toBe(version);
  const order = compareVersions(d.component!.version, version);
  expect(d.decision, `${d.component?.name} ${d.component?.version}`).toBe(
    order === 'equal' ? 'up-to-date' : 'upgrade',
  );
}

describe('a simulated fleet of every vendor', () => {
  it('was read completely, with installed components only', () => {
    expect(inventory.failed).toBe(0);
    expect(new Set(inventory.servers.map((s) => s.vendor))).toEqual(
      new Set(['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc']),
    );
  });

  describe('against the native catalog for the simulator profiles', () => {
    let p: Plan;
    beforeAll(() => {
      p = plan(inventory, simCatalog);
    });

    it('decides every installed component exactly once', () => {
      for (const s of p.servers) {
        const inv = inventory.servers.find((x) => x.server === s.server)!;
        expect(s.decisions.map((d) => d.component?.id).sort()).toEqual(
          inv.components.map((c) => c.id).sort(),
        );
      }
    });

    it('upgrades only where compareVersions says older, and every action has an image', () => {
      const decisions = p.servers.flatMap((s) => s.decisions);
      for (const d of decisions.filter((x) => x.decision === 'upgrade')) {
        expect(compareVersions(d.component!.version, d.target!.version)).toBe('less');
        expect(d.target!.image.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(decisions.filter((d) => d.decision === 'upgrade').length).toBeGreaterThan(10);
    });

    it('Contoso BMC versions are opaque: needs a human on every generic server, never an upgrade', () => {
      for (const s of serversOf(p, 'generic')) {
        const [bmc] = byKind(s.decisions, 'bmc');
        expect(bmc!.decision).toMatch(/^(incomparable-version|up-to-date)$/);
        expectUpgradeOrCurrent(byKind(s.decisions, 'bios')[0]!, 'contoso-bios-p79-1.95', 'P79 v1.95');
      }
    });

    it('HPE: iLO first, System ROM after it, SPLD not updateable, Smart Array minimum version', () => {
      for (const s of serversOf(p, 'hpe')) {
        const [ilo] = byKind(s.decisions, 'bmc');
        const [rom] = byKind(s.decisions, 'bios');
        expectUpgradeOrCurrent(ilo!, 'hpe-ilo5-2.96', '2.96');
        expectUpgradeOrCurrent(rom!, 'hpe-u30-2.90', 'U30 v2.90 (07/20/2023)');
        if (ilo!.decision === 'upgrade') {
          expect(ilo!.step).toBe(1);
          expect(s.requires.bmcReset).toBe(true);
          if (rom!.decision === 'upgrade') expect(rom!.afterSteps).toEqual([ilo!.step]);
        }
        const [spld] = byKind(s.decisions, 'cpld');
        expect(spld!.decision).toBe(spld!.component!.version === '0x31' ? 'up-to-date' : 'not-updateable');
        const [array] = byKind(s.decisions, 'storage');
        const expected = { '3.53': 'blocked-by-prerequisite', '4.11': 'upgrade', '5.61': 'up-to-date' };
        expect(array!.decision).toBe(expected[array!.component!.version as keyof typeof expected]);
        expect(byKind(s.decisions, 'psu')[0]!.decision).toBe('no-catalog-entry');
      }
    });

    it('Lenovo matches by name within the model; OpenBMC by name and kind', () => {
      for (const s of serversOf(p, 'lenovo')) {
        expectUpgradeOrCurrent(byKind(s.decisions, 'bmc')[0]!, 'lnvgy-xcc-4.30', 'TEI3E6S-4.30');
        expectUpgradeOrCurrent(byKind(s.decisions, 'bios')[0]!, 'lnvgy-uefi-3.10', 'ESE122T-3.10');
        expect(byKind(s.decisions, 'other')[0]!.decision).toBe('no-catalog-entry');
      }
      for (const s of serversOf(p, 'openbmc')) {
        expect(byKind(s.decisions, 'bmc')[0]!.target?.entryId).toBe('obmc-2.15.0');
        expectUpgradeOrCurrent(byKind(s.decisions, 'bios')[0]!, 'obmc-host-3.7.1', '3.7.1');
      }
    });

    it('the Dell servers have no entry in this catalog, and say so', () => {
      for (const s of serversOf(p, 'dell')) {
        for (const d of s.decisions)
          expect(d).toMatchObject({
            decision: 'no-catalog-entry',
            reason: 'the catalog has no dell entries',
          });
      }
    });
  });

  describe('against the real Dell PowerEdge 11G catalog', () => {
    let p: Plan;
    beforeAll(() => {
      p = plan(inventory, dell11g);
    });

    /** ComponentID (or the PCI fallback) → the 11G catalog entry for the R710 (SystemID 0235). */
    const R710_TARGETS: [string, (d: PlanDecision) => boolean, string, string][] = [
      ['iDRAC6 (ComponentID 20137)', (d) => d.component?.softwareId === '20137', 'dell:9GJYW', '2.90'],
      ['BIOS (ComponentID 159)', (d) => d.component?.softwareId === '159', 'dell:4HKX2', '6.4.0'],
      [
        'PERC H700 (ComponentID 20602)',
        (d) => d.component?.softwareId === '20602',
        'dell:9FVJ2',
        '12.10.7-0001',
      ],
      [
        'BCM5709C NIC (ComponentID 13869)',
        (d) => d.component?.softwareId === '13869',
        'dell:82J79',
        '08.07.26',
      ],
      ['SAS backplane (ComponentID 11204)', (d) => d.component?.softwareId === '11204', 'dell:2PWRV', '1.07'],
      [
        'Intel I350 (no ComponentID: PCI 8086:1521 8086:5002)',
        (d) => /I350/.test(d.component?.name ?? ''),
        'dell:6FD9P',
        '16.5.20',
      ],
    ];

    it.each(R710_TARGETS)('%s → %s', (_name, pick, entryId, version) => {
      const dells = serversOf(p, 'dell');
      expect(dells.length).toBeGreaterThanOrEqual(3);
      let seen = 0;
      for (const s of dells) {
        for (const d of s.decisions.filter(pick)) {
          seen++;
          expectUpgradeOrCurrent(d, entryId, version);
          expect(d.matchedBy).toMatch(/SystemID 0235$/);
        }
      }
      expect(seen).toBeGreaterThanOrEqual(dells.length);
    });

    it('the Intel NIC is matched by PCI ids, the others by ComponentID', () => {
      const decisions = serversOf(p, 'dell').flatMap((s) => s.decisions);
      const intel = decisions.filter((d) => /I350/.test(d.component?.name ?? ''));
      expect(intel.every((d) => d.matchedBy?.startsWith('PCI 8086:1521 8086:5002'))).toBe(true);
      const bios = decisions.filter((d) => d.component?.kind === 'bios');
      expect(bios.every((d) => d.matchedBy === 'ComponentID 159, SystemID 0235')).toBe(true);
    });

    it('drive codes cannot be ordered, PSUs and the Lifecycle Controller have no entry', () => {
      for (const s of serversOf(p, 'dell')) {
        for (const d of byKind(s.decisions, 'drive')) {
          expect(d.target?.entryId).toBe('dell:4VM2N');
          expect(d.decision).toBe(d.component!.version === 'HT66' ? 'up-to-date' : 'incomparable-version');
        }
        for (const d of byKind(s.decisions, 'psu')) expect(d.reason).toMatch(/no ComponentID and no PCI ids/);
        expect(byKind(s.decisions, 'management')[0]).toMatchObject({ decision: 'no-catalog-entry' });
      }
    });

    it('each Dell server gets one reset plan: BMC first, one host reboot', () => {
      for (const s of serversOf(p, 'dell')) {
        const actions = s.decisions.filter((d) => d.step !== undefined);
        expect(actions.map((d) => d.step)).toEqual(actions.map((_, i) => i + 1));
        const idrac = s.decisions.find((d) => d.component?.kind === 'bmc')!;
        if (idrac.decision === 'upgrade') expect(idrac.step).toBe(1);
        expect(s.requires.bmcReset).toBe(idrac.decision === 'upgrade');
        expect(s.requires.hostReboot).toBe(actions.length > 0);
      }
    });

    it('reports the R710 BIOS line with its acting version and the catalog target', () => {
      const line = p.compliance.byKind.bios!.lines.find((l) => l.vendor === 'dell')!;
      const installed = inventory.servers
        .filter((s) => s.vendor === 'dell')
        .map((s) => s.components.find((c) => c.kind === 'bios')!.version);
      const lowest = installed.reduce((a, b) => (compareVersions(a, b) === 'greater' ? b : a));
      expect(line).toMatchObject({
        identity: 'ComponentID 159',
        models: 'PowerEdge R710',
        targets: ['6.4.0'],
        lowest,
      });
    });
  });
});

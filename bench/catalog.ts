/**
 * Catalog benchmark: wall time and peak RSS of
 * - loadCatalog for the real Dell 11G catalog (3.4 MB) and for a generated Dell-format catalog ten
 *   times its size (every SoftwareComponent and SoftwareBundle repeated with fresh package ids and
 *   paths), next to Python's xml.etree.ElementTree parsing the same file and reading every
 *   attribute (expat in C: the yardstick for "as fast as a plain parse"), when python3 exists;
 * - plan() for a generated fleet of 10,000 Dell servers × 20 installed components against each of
 *   those catalogs (models, ComponentIDs and PCI ids taken from the catalog; versions a mix of
 *   current, older and unorderable ones), as one plan and as a rollout plans it (server by server).
 * Every measurement runs in its own child process so the peaks do not mix, `--runs` times (the
 * median is shown); "before" is the child's RSS once its modules are loaded, so peak − before is
 * what the work itself costs. The import child loads only the catalog loader; the planning child
 * receives the already-imported catalog as JSON, so its peak is the inventory plus the plan.
 * Prints figures; asserts nothing.
 *
 *   node bench/catalog.ts [--servers 10000] [--components 20] [--runs 3] [--modes fleet,each,each-plan]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Catalog, CatalogEntry } from '../src/catalog/index.ts';
import type { FleetInventory, InventoryComponent, ServerInventory } from '../src/inventory/model.ts';
import type { Plan } from '../src/planner/index.ts';

const CATALOG_11G = fileURLToPath(
  new URL('../test/fixtures/catalog/dell/dell-poweredge-11g-Catalog.xml', import.meta.url),
);
const COPIES = 10;
const SELF = fileURLToPath(import.meta.url);
const mb = (bytes: number) => bytes / 1024 / 1024;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

interface ImportFigures {
  megabytes: number;
  ms: number;
  /** CPU time (user + system) of the measured call: steadier than wall time on a shared machine. */
  cpuMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
  entries: number;
  skipped: number;
}

interface PlanFigures {
  servers: number;
  components: number;
  ms: number;
  /** CPU time (user + system) of the measured call: steadier than wall time on a shared machine. */
  cpuMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
  upgrades: number;
  needsHuman: number;
  noEntry: number;
  /** Main-thread garbage collection pauses during the measured call (PerformanceObserver 'gc'). */
  gcMs: number;
  /** Heap held by the result (and memos) after the call, minus before. */
  heapGrowthMb: number;
}

/** Child: import one file and print its figures (and, if asked, write the catalog as JSON). */
async function measureImport(file: string, jsonOut: string | undefined): Promise<void> {
  // Only the loader: the import child's RSS is what importing a catalog needs.
  const { loadCatalog } = await import('../src/catalog/load-catalog.ts');
  const { size } = statSync(file);
  const rssBeforeMb = mb(process.memoryUsage().rss);
  const start = performance.now();
  const cpu = process.cpuUsage();
  const catalog = await loadCatalog(file, { maxBytes: 1024 * 1024 * 1024 });
  const ms = performance.now() - start;
  const cpuMs = cpuMsSince(cpu);
  const figures: ImportFigures = {
    megabytes: size / 1e6,
    ms,
    cpuMs,
    rssBeforeMb,
    peakRssMb: peakRssMb(),
    entries: catalog.entries.length,
    skipped: catalog.skipped.length,
  };
  if (jsonOut) await writeFile(jsonOut, JSON.stringify(catalog));
  console.log(JSON.stringify(figures));
}

/** A small deterministic PRNG (mulberry32) so every run plans the same fleet. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Dell servers whose components are the catalog's own devices for their model. */
function generateFleet(catalog: Catalog, servers: number, perServer: number): FleetInventory {
  const random = rng(42);
  const byModel = new Map<string, { name: string; entries: CatalogEntry[] }>();
  for (const e of catalog.entries) {
    for (const m of e.supportedModels ?? []) {
      if (!m.systemId) continue;
      const slot = byModel.get(m.systemId) ?? { name: m.name ?? m.systemId, entries: [] };
      slot.entries.push(e);
      byModel.set(m.systemId, slot);
    }
  }
  const models = [...byModel.entries()]
    .sort((a, b) => b[1].entries.length - a[1].entries.length)
    .slice(0, 30);
  const list: ServerInventory[] = [];
  for (let i = 0; i < servers; i++) {
    const [systemId, model] = models[i % models.length]!;
    const seen = new Set<string>();
    const components: InventoryComponent[] = [];
    for (const e of model.entries) {
      if (components.length >= perServer) break;
      const id = e.match.softwareIds?.[0];
      if (id === undefined || seen.has(id) || random() < 0.3) continue;
      seen.add(id);
      const pciOnly = e.match.pci !== undefined && random() < 0.15;
      const roll = random();
      const version =
        roll < 0.5 ? e.version : roll < 0.85 ? `0.${e.version}` : `X${Math.floor(random() * 99)}`;
      const name = `${e.name} - 00:10:18:${i.toString(16).padStart(6, '0')}`;
      components.push({
        id: `Installed-${pciOnly ? 0 : id}-${version}__Dev.${components.length}`,
        uri: `/redfish/v1/UpdateService/FirmwareInventory/${components.length}`,
        name,
        kind: e.kind,
        slot: 'active',
        version,
        updateable: true,
        ...(pciOnly ? {} : { softwareId: id }),
        identity: pciOnly ? { pci: e.match.pci![0]! } : { dellComponentId: id },
      });
    }
    while (components.length < perServer) {
      const n = components.length;
      components.push({
        id: `Installed-0-00.1B.53__PSU.Slot.${n}`,
        uri: `/redfish/v1/UpdateService/FirmwareInventory/psu${n}`,
        name: `PS${n} Status`,
        kind: 'psu',
        slot: 'active',
        version: '00.1B.53',
        identity: { fqdd: `PSU.Slot.${n}` },
      });
    }
    list.push({
      server: `bench-${String(i).padStart(5, '0')}`,
      bmc: `https://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      vendor: 'dell',
      labels: { site: i % 2 ? 'fra1' : 'ams1' },
      model: model.name,
      systemId,
      scannedAt: '2026-11-22T03:00:00.000Z',
      components,
      copies: [],
    });
  }
  return { scannedAt: '2026-11-22T03:00:00.000Z', servers: list, failed: 0 };
}

/**
 * Child: plan a generated fleet against an imported catalog (JSON) and print the figures. `each`:
 * plan every server alone from one createPlanner, as a rollout re-plans each server from a fresh
 * scan; `each-plan`: the same with a plan() call per server (the catalog indexed every time).
 */
async function measurePlan(
  catalogJson: string,
  servers: number,
  perServer: number,
  mode: 'fleet' | 'each' | 'each-plan' = 'fleet',
): Promise<void> {
  const { createPlanner, plan } = await import('../src/planner/index.ts');
  const policy = { minimumCriticality: 'optional' } as const;
  const run = (inventory: FleetInventory): Plan => {
    if (mode === 'fleet') return plan(inventory, catalog, policy);
    const planner = mode === 'each' ? createPlanner(catalog, policy) : undefined;
    const totals: Plan['totals'] = {};
    for (const s of inventory.servers) {
      const one = { scannedAt: inventory.scannedAt, servers: [s], failed: 0 };
      const p = planner ? planner.plan(one) : plan(one, catalog, policy);
      for (const [d, n] of Object.entries(p.totals))
        totals[d as keyof Plan['totals']] = (totals[d as keyof Plan['totals']] ?? 0) + n;
    }
    return { totals } as Plan;
  };
  const catalog = JSON.parse(await readFile(catalogJson, 'utf8')) as Catalog;
  const inventory = generateFleet(catalog, servers, perServer);
  (globalThis as { gc?: () => void }).gc?.();
  const rssBeforeMb = mb(process.memoryUsage().rss);
  const heapBefore = process.memoryUsage().heapUsed;
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = run(inventory);
  const ms = performance.now() - start;
  const cpuMs = cpuMsSince(cpu);
  // With --expose-gc (FIRMWARDEN_BENCH_GC=1): what the plan keeps, not what the GC has yet to free.
  (globalThis as { gc?: () => void }).gc?.();
  const heapGrowthMb = mb(process.memoryUsage().heapUsed - heapBefore);
  // GC entries are delivered asynchronously: let them arrive before reading the sum.
  await new Promise((r) => setTimeout(r, 10));
  gc.disconnect();
  const figures: PlanFigures = {
    servers,
    components: inventory.servers.reduce((n, s) => n + s.components.length, 0),
    ms,
    cpuMs,
    rssBeforeMb,
    peakRssMb: peakRssMb(),
    upgrades: result.totals.upgrade ?? 0,
    needsHuman: result.totals['incomparable-version'] ?? 0,
    noEntry: result.totals['no-catalog-entry'] ?? 0,
    gcMs,
    heapGrowthMb,
  };
  console.log(JSON.stringify(figures));
}

function child<T>(args: string[]): T {
  const out = execFileSync(process.execPath, [SELF, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

/**
 * Python's ElementTree over the same file: parse, then read every attribute of every element
 * (what an importer touches at least). Time is measured inside Python, as firmwarden's is inside
 * Node; undefined when python3 is not installed.
 */
const ELEMENT_TREE = `
import resource, sys, time, json
import xml.etree.ElementTree as ET
start = time.perf_counter()
cpu = time.process_time()
root = ET.parse(sys.argv[1]).getroot()
attributes = 0
for element in root.iter():
    for _name, _value in element.attrib.items():
        attributes += 1
ms = (time.perf_counter() - start) * 1000
cpu_ms = (time.process_time() - cpu) * 1000
print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "attributes": attributes}))
`;

interface ElementTreeFigures {
  ms: number;
  cpuMs: number;
  peakRssMb: number;
  attributes: number;
}

function elementTree(file: string): ElementTreeFigures | undefined {
  const run = spawnSync('python3', ['-c', ELEMENT_TREE, file], { encoding: 'utf8' });
  if (run.error !== undefined) return undefined;
  if (run.status !== 0) throw new Error(`python3 ElementTree failed: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout.trim()) as ElementTreeFigures;
}

/** A whole number right-aligned in `width` columns. */
const num = (n: number, width: number) => n.toFixed(0).padStart(width);

/** Runs `measure` `runs` times and keeps, for every numeric field, the median. */
function median<T extends object>(runs: number, measure: () => T): T {
  const all = Array.from({ length: runs }, measure);
  const out = { ...all[0]! } as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    if (typeof out[key] !== 'number') continue;
    const values = all.map((f) => (f as Record<string, number>)[key]!).sort((a, b) => a - b);
    out[key] = values[Math.floor(values.length / 2)];
  }
  return out as T;
}

/** The 11G catalog with its components and bundles repeated `copies` times under new names. */
async function generateCatalog(copies: number): Promise<string> {
  const text = (await readFile(CATALOG_11G, 'utf8')).replace(/^\uFEFF/, '');
  const open = text.indexOf('>', text.indexOf('<Manifest')) + 1;
  const close = text.lastIndexOf('</Manifest>');
  const body = text.slice(open, close);
  const parts = [text.slice(0, open)];
  for (let i = 0; i < copies; i++) {
    parts.push(
      body
        .replace(/(packageID|releaseID|bundleID)="([^"]*)"/g, (_m, attr, id) => `${attr}="${id}-${i}"`)
        .replace(/path="([^"]*)"/g, (_m, path) => `path="copy${i}/${path}"`),
    );
  }
  parts.push(text.slice(close));
  return parts.join('');
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--import') return measureImport(rest[0]!, rest[1]);
  if (mode === '--plan')
    return measurePlan(rest[0]!, Number(rest[1]), Number(rest[2]), rest[3] as 'fleet' | 'each' | 'each-plan');
  const { values } = parseArgs({
    options: {
      servers: { type: 'string', default: '10000' },
      components: { type: 'string', default: '20' },
      runs: { type: 'string', default: '3' },
      /** fleet, each, each-plan (comma-separated). */
      modes: { type: 'string', default: 'fleet,each' },
    },
  });
  const modes = values.modes.split(',') as ('fleet' | 'each' | 'each-plan')[];
  const runs = Math.max(1, Number(values.runs));
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-catalog-'));
  try {
    const big = join(dir, `dell-${COPIES}x-Catalog.xml`);
    await writeFile(big, `\uFEFF${await generateCatalog(COPIES)}`);
    const catalogs = [
      ['Dell 11G (real)', CATALOG_11G, join(dir, '11g.json')],
      [`Dell 11G x${COPIES} (generated)`, big, join(dir, 'big.json')],
    ] as const;
    console.log(`catalog import (median of ${runs}; cpu = user + system time of the measured call)`);
    console.log(
      'catalog                              MB  import ms  cpu ms  RSS before MB  peak RSS MB  entries  skipped | ElementTree ms  cpu ms  peak RSS MB',
    );
    for (const [label, file, json] of catalogs) {
      const f = median(runs, () => child<ImportFigures>(['--import', file, json]));
      const et = elementTree(file) === undefined ? undefined : median(runs, () => elementTree(file)!);
      const python =
        et === undefined
          ? 'python3 not found: no ElementTree comparison'
          : `${num(et.ms, 14)} ${num(et.cpuMs, 7)} ${num(et.peakRssMb, 12)}`;
      console.log(
        `${label.padEnd(32)} ${f.megabytes.toFixed(1).padStart(6)} ${num(f.ms, 10)} ${num(f.cpuMs, 7)} ${num(
          f.rssBeforeMb,
          14,
        )} ${num(f.peakRssMb, 12)} ${num(f.entries, 8)} ${num(f.skipped, 8)} | ${python}`,
      );
    }
    console.log('');
    console.log(
      `plan against (median of ${runs})         how        servers  components   plan ms   cpu ms  gc ms  µs/component  RSS before MB  peak RSS MB  upgrades  needs-human  no-entry`,
    );
    for (const [label, , json] of catalogs) {
      for (const how of modes) {
        const f = median(runs, () =>
          child<PlanFigures>(['--plan', json, values.servers, values.components, how]),
        );
        console.log(
          `${label.padEnd(32)} ${how.padEnd(9)} ${num(f.servers, 8)} ${num(f.components, 11)} ${num(f.ms, 9)} ${num(f.cpuMs, 8)} ${num(f.gcMs, 6)} ${(
            (f.cpuMs * 1000) /
            f.components
          )
            .toFixed(1)
            .padStart(13)} ${num(f.rssBeforeMb, 14)} ${num(f.peakRssMb, 12)} ${num(f.upgrades, 9)} ${num(
            f.needsHuman,
            12,
          )} ${num(f.noEntry, 9)}`,
        );
      }
    }
    console.log(
      'how: fleet = one plan() of the whole fleet; each = every server planned alone from one createPlanner (a rollout re-plans each server from a fresh scan); each-plan = a plan() call per server (how rollouts planned before createPlanner)',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

/**
 * bench/api: what the API's views cost at fleet scale. Fills a SQLite store with the inventories
 * of N simulated BMCs (default 1,000; one sweep, simulator in this process, then stopped), then
 * times the read views a dashboard or Prometheus polls — /api/v1/dashboard, /api/v1/compliance,
 * /metrics — through the app's inject (no socket: the API's own cost), and prints per-request
 * wall time, CPU and response size, plus the peak RSS.
 *
 *   npm run bench:api -- --count 1000 --rounds 10
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { createApiApp } from '../src/api/app.ts';
import { TokenRegistry } from '../src/api/auth.ts';
import { loadDaemonConfig } from '../src/daemon/load-config.ts';
import { defaultDeps } from '../src/deps.ts';
import { loadFleetFile } from '../src/fleet/load.ts';
import { sweepFleet } from '../src/inventory/sweep.ts';
import { createLogger } from '../src/log.ts';
import { startSimulatedFleet, writeSimulatedCatalog } from '../src/simulator/index.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '10' },
  },
});
const count = Number(values.count);
const rounds = Number(values.rounds);
const dir = await mkdtemp(join(tmpdir(), 'fw-bench-api-'));
const deps = defaultDeps({ logger: createLogger({ level: 'error' }) });

const fleet = await startSimulatedFleet({ count, seed: 5 });
const t0 = performance.now();
await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
await writeSimulatedCatalog({ fleet, dir: join(dir, 'catalog') });
await writeFile(
  join(dir, 'daemon.yaml'),
  stringify({
    version: 1,
    store: { sqlite: 'state/state.db' },
    fleet: 'fleet.yaml',
    catalog: { source: 'catalog/catalog.yaml' },
    api: { tokens: [{ name: 'bench', role: 'read', tokenEnv: 'FW_BENCH_UNUSED' }] },
  }),
);
const config = await loadDaemonConfig(join(dir, 'daemon.yaml'));
await mkdir(join(dir, 'state'), { recursive: true });
const store = await SqliteStore.open(config.store.sqlite, deps);
const saves: Promise<void>[] = [];
await sweepFleet(await loadFleetFile(join(dir, 'fleet.yaml')), deps, {
  onServer: (inv) => saves.push(store.saveInventory(inv)),
});
await Promise.all(saves);
await fleet.close();
const fillMs = performance.now() - t0;

const token = randomBytes(24).toString('hex');
const app = createApiApp({
  config,
  store,
  deps,
  tokens: TokenRegistry.fromSecrets([{ name: 'bench', role: 'read', token }]),
});
const headers = { authorization: `Bearer ${token}` };

console.log(`servers                        ${count} (store filled in ${fillMs.toFixed(0)} ms)`);
console.log(`rounds per view                ${rounds} (first request not counted: catalog load, JIT)`);
let peakRss = process.memoryUsage().rss;
for (const url of ['/api/v1/dashboard', '/api/v1/compliance', '/metrics']) {
  const first = await app.inject({ url, headers });
  if (first.status !== 200) throw new Error(`${url}: ${first.status} ${first.body.slice(0, 200)}`);
  const bytes = Buffer.byteLength(first.body);
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < rounds; i++) {
    const r = await app.inject({ url, headers });
    if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const wall = (performance.now() - w0) / rounds;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / rounds;
  console.log(
    `${url.padEnd(30)} ${wall.toFixed(0).padStart(5)} ms/request  ${cpuMs.toFixed(0).padStart(5)} ms CPU  ${(bytes / 1024).toFixed(0).padStart(6)} KiB`,
  );
}
console.log(`peak RSS                       ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
await app.close();
await store.close();
await rm(dir, { recursive: true, force: true });

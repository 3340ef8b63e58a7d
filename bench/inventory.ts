/**
 * bench/inventory: sweep N simulated BMCs (default 1,000) with simulated per-request latency
 * (default 20 ms) and print servers/second, CPU ms per server, requests per server and peak RSS.
 * The simulator runs in a child process so the CPU figures are firmwarden's own. `--sweeps N`
 * sweeps the fleet N times in one process, as the daemon's inventory scan does, and prints each
 * sweep's figures: from the second on, TLS sessions are resumed. `--cold-tls` forgets the TLS
 * sessions before every sweep (a full handshake per BMC per sweep, as before #17).
 *
 *   npm run bench:inventory -- --count 1000 --latency 20 --concurrency 64 --sweeps 2
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDeps } from '../src/deps.ts';
import { loadFleetFile } from '../src/fleet/load.ts';
import { sweepFleet } from '../src/inventory/sweep.ts';
import { createLogger } from '../src/log.ts';
import { tlsSessions } from '../src/redfish/tls-sessions.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '64' },
    http: { type: 'boolean', default: false },
    sweeps: { type: 'string', default: '1' },
    'cold-tls': { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const sweeps = Number(values.sweeps);
if (!Number.isInteger(sweeps) || sweeps < 1)
  throw new Error(`--sweeps: expected an integer >= 1, got ${values.sweeps}`);
const dir = await mkdtemp(join(tmpdir(), 'fw-bench-inv-'));
const fleetFile = join(dir, 'fleet.yaml');

const sim = spawn(
  process.execPath,
  [
    new URL('../src/cli/main.ts', import.meta.url).pathname,
    'simulate',
    '--count',
    String(count),
    '--latency',
    String(values.latency),
    '--out',
    fleetFile,
    ...(values.http ? ['--http'] : []),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FIRMWARDEN_LOG_LEVEL: 'warn' } },
);
const simStarted = Date.now();
await new Promise<void>((resolve, reject) => {
  sim.stdout.on('data', (chunk: Buffer) => {
    if (String(chunk).includes('simulating')) resolve();
  });
  sim.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
});
const simStartMs = Date.now() - simStarted;

try {
  const servers = await loadFleetFile(fleetFile);
  const deps = defaultDeps({ logger: createLogger({ level: 'error' }) });
  // Where the peak RSS goes: the V8 heap (used and reserved) and memory outside it (TLS, buffers).
  const peak = { heapUsed: 0, heapTotal: 0, external: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
    peak.external = Math.max(peak.external, m.external);
  }, 250);
  for (let sweep = 1; sweep <= sweeps; sweep++) {
    if (values['cold-tls']) tlsSessions.clear();
    const tls0 = tlsSessions.stats();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // Results streamed, as a store-backed scan takes them, not held: only what the figures need.
    let requests = 0;
    let components = 0;
    const failures: string[] = [];
    const inv = await sweepFleet(servers, deps, {
      concurrency: Number(values.concurrency),
      keep: false,
      onServer: (s) => {
        requests += s.requests ?? 0;
        components += s.components.length;
        if (s.error && failures.length < 5) failures.push(`${s.server}: ${s.error.message}`);
      },
    });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const tls1 = tlsSessions.stats();
    const scanned = servers.length;
    const rows: Array<[string, string]> = [
      ...(sweep === 1
        ? ([
            ['servers', `${scanned} (${inv.failed} failed)`],
            ['simulated latency per request', `${values.latency} ms`],
            ['global concurrency', String(values.concurrency)],
            ['transport', values.http ? 'http' : 'https (fleet CA verified)'],
            ['simulator start-up', `${simStartMs} ms`],
          ] as Array<[string, string]>)
        : [['failed', String(inv.failed)] as [string, string]]),
      ['sweep wall time', `${wallMs.toFixed(0)} ms`],
      ['servers/second', (scanned / (wallMs / 1000)).toFixed(1)],
      ['CPU ms per server', (cpuMs / scanned).toFixed(2)],
      ['requests per server', (requests / scanned).toFixed(2)],
      ['components per server', (components / scanned).toFixed(2)],
      [
        'TLS handshakes full / resumed',
        `${tls1.full - tls0.full} / ${tls1.resumed - tls0.resumed}${values['cold-tls'] ? ' (--cold-tls)' : ''}`,
      ],
    ];
    if (sweeps > 1) console.log(`sweep ${sweep} of ${sweeps}`);
    for (const [k, v] of rows) console.log(`${k.padEnd(32)} ${v}`);
    for (const f of failures) console.log(`  failed ${f}`);
  }
  clearInterval(sampler);
  const rows: Array<[string, string]> = [
    ['peak RSS (firmwarden process)', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`],
    [
      'peak V8 heap used / reserved',
      `${(peak.heapUsed / 2 ** 20).toFixed(0)} / ${(peak.heapTotal / 2 ** 20).toFixed(0)} MiB (sampled every 250 ms)`,
    ],
    ['peak external memory', `${(peak.external / 2 ** 20).toFixed(0)} MiB`],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(32)} ${v}`);
} finally {
  sim.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}

/**
 * bench/peers: firmwarden and the tools people use today, on the same work, in one run,
 * interleaved (sample 1 of every tool, then sample 2 of every tool, ...), each sample a fresh
 * process, and the table shows medians and ratios. CPU time (user + system), not wall time: the
 * figures must survive a busy machine.
 *
 * (a) CPU per BMC reading the FirmwareInventory (every member) of DMTF's public-rackmount1
 *     mockup (bench/fixtures/), served over plain http on 127.0.0.1 by a static server in its own
 *     process: firmwarden's RedfishClient + readMembers, and its whole scanServer, vs OpenStack
 *     sushy (`Sushy(...).get_update_service().firmware_inventory.get_members()`). Each BMC read
 *     is a new client and connection; start-up and warm-up reads are not counted on either side.
 *     A third row does the same GETs on a bare undici Pool: what Node's HTTP client alone costs.
 * (b) importing Dell's PowerEdge 11G Catalog.xml: loadCatalog vs Python's ElementTree pulling the
 *     same fields out of every SoftwareComponent (parse + walk only: no validation).
 * (c) start-up: `firmwarden --help` vs `python3 -c 'import sushy'` (whole-process CPU).
 * (d) multipart push of one image (--push-mib, 128) to --push-bmcs (10) simulated BMCs at once over
 *     https vs `curl -F` uploading the same file to the same BMCs (one curl per BMC, all at once),
 *     interleaved --runs times by bench/push.ts --curl; throughput to the last upload answered,
 *     and firmwarden's RSS growth (flat: the image is streamed, never held).
 *
 * It installs nothing: a missing peer is named with the command that gets it.
 *
 *   npm run bench:peers -- [--runs 5] [--bmcs 200] [--warmup 20] [--push-mib 128] [--push-bmcs 10]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PY_CATALOG, PY_IMPORT_SUSHY, PY_SUSHY_INVENTORY } from './peers-python.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    bmcs: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    'push-mib': { type: 'string', default: '128' },
    'push-bmcs': { type: 'string', default: '10' },
  },
});
const runs = Number(values.runs);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const MOCKUP = here('./fixtures/dmtf-public-rackmount1');
const CATALOG = here('../test/fixtures/catalog/dell/dell-poweredge-11g-Catalog.xml');
const FW_CHILD = here('./peers-firmwarden.ts');
const PUSH = here('./push.ts');

/** The first Python 3 that runs `code` without error (Debian's /usr/bin/python3 first). */
function findPython(code: string): string | undefined {
  const candidates = [process.env['PYTHON'], '/usr/bin/python3', 'python3'].filter(Boolean) as string[];
  return candidates.find((py) => spawnSync(py, ['-c', code], { stdio: 'ignore' }).status === 0);
}
const python = findPython('import xml.etree.ElementTree');
const sushyPython = findPython('import sushy');
const curl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
const missing: string[] = [];
if (!python) missing.push("python3 (rows b, c): apt-get install python3 (Debian's python3 has ElementTree)");
if (!sushyPython) missing.push('OpenStack sushy (rows a, c): apt-get install python3-sushy');
if (!curl) missing.push('curl (row d): apt-get install curl');

function runJson<T>(cmd: string, args: string[]): T {
  const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as T;
}

const dir = await mkdtemp(join(tmpdir(), 'fw-bench-peers-'));
// A child reports its own CPU at exit on fd 3 (whole process: start-up is the measurement).
const probe = join(dir, 'probe.mjs');
await writeFile(
  probe,
  `import { writeSync } from 'node:fs';
process.on('exit', () => { const u = process.resourceUsage(); writeSync(3, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })); });\n`,
);
function nodeStartCpu(args: string[]): number {
  const r = spawnSync(process.execPath, ['--import', probe, ...args], {
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  return (JSON.parse(String(r.output[3])) as { cpuMs: number }).cpuMs;
}

const server = spawn(process.execPath, [here('./peers-static.ts'), MOCKUP], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve, reject) => {
  server.stdout.on('data', (d: Buffer) => {
    const m = /listening (\d+)/.exec(String(d));
    if (m) resolve(Number(m[1]));
  });
  server.once('exit', (code) => reject(new Error(`static server exited with ${code}`)));
});
const url = `http://127.0.0.1:${port}`;
/**
 * Requests and connections the mockup server saw since the last call (asked on a fresh
 * connection, not counted: a kept-alive one may have been closed by the server meanwhile).
 */
function takeRequests(): Promise<{ requests: number; connections: number }> {
  return new Promise((resolve, reject) => {
    get(`${url}/__requests`, { agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += String(d);
      });
      res.on('end', () => {
        const seen = JSON.parse(text) as { requests: number; connections: number };
        resolve({ requests: seen.requests, connections: seen.connections - 1 });
      });
    }).on('error', reject);
  });
}

interface Sample {
  value: number;
  requestsPerBmc?: number;
  connectionsPerBmc?: number;
}
interface Measure {
  key: string;
  run: () => Promise<Sample>;
}
const bmcs = values.bmcs;
const warm = values.warmup;
const perBmc = (seen: { requests: number; connections: number }) => ({
  requestsPerBmc: seen.requests / (Number(bmcs) + Number(warm)),
  connectionsPerBmc: seen.connections / (Number(bmcs) + Number(warm)),
});
const measures: Measure[] = [
  {
    key: 'fw-members',
    run: async () => {
      await takeRequests();
      const r = runJson<{ cpuMsPerBmc: number }>(process.execPath, [FW_CHILD, 'members', url, bmcs, warm]);
      return { value: r.cpuMsPerBmc, ...perBmc(await takeRequests()) };
    },
  },
  {
    key: 'fw-scan',
    run: async () => {
      await takeRequests();
      const r = runJson<{ cpuMsPerBmc: number }>(process.execPath, [FW_CHILD, 'scan', url, bmcs, warm]);
      return { value: r.cpuMsPerBmc, ...perBmc(await takeRequests()) };
    },
  },
  {
    key: 'fw-floor',
    run: async () => {
      await takeRequests();
      const r = runJson<{ cpuMsPerBmc: number }>(process.execPath, [FW_CHILD, 'floor', url, bmcs, warm]);
      return { value: r.cpuMsPerBmc, ...perBmc(await takeRequests()) };
    },
  },
  {
    key: 'fw-catalog',
    run: async () => ({
      value: runJson<{ cpuMs: number }>(process.execPath, [FW_CHILD, 'catalog', CATALOG]).cpuMs,
    }),
  },
  { key: 'fw-help', run: async () => ({ value: nodeStartCpu([here('../bin/firmwarden.js'), '--help']) }) },
];
if (sushyPython) {
  measures.push(
    {
      key: 'sushy-inventory',
      run: async () => {
        await takeRequests();
        const r = runJson<{ cpuMsPerBmc: number }>(sushyPython, ['-c', PY_SUSHY_INVENTORY, url, bmcs, warm]);
        return { value: r.cpuMsPerBmc, ...perBmc(await takeRequests()) };
      },
    },
    {
      key: 'sushy-import',
      run: async () => ({ value: runJson<{ cpuMs: number }>(sushyPython, ['-c', PY_IMPORT_SUSHY]).cpuMs }),
    },
  );
}
if (python) {
  measures.push({
    key: 'py-catalog',
    run: async () => ({ value: runJson<{ cpuMs: number }>(python, ['-c', PY_CATALOG, CATALOG]).cpuMs }),
  });
}

const samples = new Map<string, Sample[]>(measures.map((m) => [m.key, []]));
try {
  // One warm-up of each (compile caches, page cache), then the interleaved runs.
  for (const m of measures) await m.run();
  for (let r = 0; r < runs; r++) {
    for (const m of measures) samples.get(m.key)?.push(await m.run());
    process.stderr.write(`run ${r + 1}/${runs} done\n`);
  }
} finally {
  server.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
function cell(key: string): string {
  const s = samples.get(key) ?? [];
  const m = median(s.map((x) => x.value));
  if (m === undefined) return 'missing';
  const lo = Math.min(...s.map((x) => x.value));
  const hi = Math.max(...s.map((x) => x.value));
  const reqs = s[0]?.requestsPerBmc;
  const conns = s[0]?.connectionsPerBmc;
  const work = reqs !== undefined ? `, ${reqs.toFixed(0)} req/${(conns ?? 0).toFixed(1)} conn` : '';
  return `${m.toFixed(2)} ms (${lo.toFixed(2)}–${hi.toFixed(2)})${work}`;
}
function ratio(peer: string, fw: string, goal?: number): string {
  const p = median((samples.get(peer) ?? []).map((x) => x.value));
  const f = median((samples.get(fw) ?? []).map((x) => x.value));
  if (p === undefined || f === undefined) return 'n/a';
  const x = p / f;
  return `${x.toFixed(2)}×${goal !== undefined ? (x >= goal ? ` (goal ≥ ${goal}×: holds)` : ` (goal ≥ ${goal}×: not yet)`) : ''}`;
}

/** (d): bench/push.ts --curl, its own interleaved samples (an upload is seconds, not ms). */
interface PushVersus {
  mib: number;
  fw: number[];
  curl: number[];
  fwRssGrowth: number[];
}
let push: PushVersus | undefined;
if (curl) {
  const args = [PUSH, '--size-mib', values['push-mib'], '--small-mib', '0', '--bmcs', values['push-bmcs']];
  const out = execFileSync(
    process.execPath,
    [...args, '--methods', 'multipart', '--curl', '--runs', String(runs)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 22,
    },
  );
  const line = out.split('\n').find((l) => l.startsWith('peers '));
  push = line ? (JSON.parse(line.slice('peers '.length)) as PushVersus) : undefined;
}
function pushCell(xs: number[] | undefined, extra = ''): string {
  const m = median(xs ?? []);
  if (m === undefined || !xs) return 'not measured';
  return `${m.toFixed(0)} MiB/s (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})${extra}`;
}
const pushRatio = (() => {
  const f = median(push?.fw ?? []);
  const c = median(push?.curl ?? []);
  if (f === undefined || c === undefined) return 'n/a';
  const pct = (100 * f) / c;
  return `${pct.toFixed(0)} % of curl (goal ≥ 80 %: ${pct >= 80 ? 'holds' : 'not yet'})`;
})();

const rows: string[][] = [
  ['work', 'firmwarden', 'peer', 'peer ÷ firmwarden'],
  [
    '(a) CPU/BMC, FirmwareInventory, rackmount1, http',
    cell('fw-members'),
    `sushy ${cell('sushy-inventory')}`,
    ratio('sushy-inventory', 'fw-members', 8),
  ],
  [
    '(a) same, whole scanServer (+Systems, Managers)',
    cell('fw-scan'),
    `sushy ${cell('sushy-inventory')}`,
    ratio('sushy-inventory', 'fw-scan'),
  ],
  [
    '(a) floor: same GETs, bare undici Pool',
    cell('fw-floor'),
    `sushy ${cell('sushy-inventory')}`,
    ratio('sushy-inventory', 'fw-floor'),
  ],
  [
    '(b) CPU, Dell 11G Catalog.xml import (3.4 MB)',
    cell('fw-catalog'),
    `ElementTree ${cell('py-catalog')}`,
    ratio('py-catalog', 'fw-catalog'),
  ],
  [
    '(c) CPU, start: firmwarden --help',
    cell('fw-help'),
    `import sushy ${cell('sushy-import')}`,
    ratio('sushy-import', 'fw-help'),
  ],
  [
    `(d) multipart push ${values['push-mib']} MiB × ${values['push-bmcs']} BMCs, https`,
    pushCell(push?.fw, push ? `, RSS +${median(push.fwRssGrowth)?.toFixed(0)} MiB` : ''),
    curl ? `curl -F ${pushCell(push?.curl)}` : 'curl missing',
    pushRatio,
  ],
];
const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length)));
for (const r of rows) {
  process.stdout.write(
    `${r
      .map((v, c) => v.padEnd(widths[c] as number))
      .join(' | ')
      .trimEnd()}\n`,
  );
}
process.stdout.write(
  `medians (min–max) of ${runs} interleaved runs; (a): ${bmcs} BMC reads per sample after ${warm} warm-up, ` +
    `req/conn = requests and connections per BMC seen by the mockup server; node ${process.version}` +
    `${sushyPython ? `, ${execFileSync(sushyPython, ['--version'], { encoding: 'utf8' }).trim()} (${sushyPython})` : ''}\n`,
);
for (const m of missing) process.stdout.write(`missing peer: ${m}\n`);

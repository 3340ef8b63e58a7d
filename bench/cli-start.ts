/**
 * bench/cli-start: what starting the CLI costs. Runs `firmwarden --help` and a one-BMC
 * `firmwarden inventory --bmc` (against a simulated BMC served by this process over plain http on
 * loopback) several times each, from the TypeScript sources and from the built dist/ (with and
 * without Node's on-disk compile cache, which the installed bin turns on), and prints the mean
 * and best wall time, the mean CPU (user + system) and the peak RSS of the CLI process.
 *
 *   npm run bench:cli -- --runs 10        (run `npm run build` first for the dist/ rows)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulatedFleet } from '../src/simulator/index.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, warmup: { type: 'string', default: '2' } },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'fw-bench-cli-'));
// The child reports its own CPU and peak RSS at exit, on fd 3.
const probe = join(dir, 'probe.mjs');
await writeFile(
  probe,
  `import { writeSync } from 'node:fs';
process.on('exit', () => writeSync(3, JSON.stringify(process.resourceUsage())));\n`,
);

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

function once(args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', probe, ...args], {
    cwd: root,
    env: { ...process.env, FIRMWARDEN_LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
  });
  let usage = '';
  child.stdio[3]!.on('data', (d: Buffer) => {
    usage += String(d);
  });
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited with ${code}`));
      const u = JSON.parse(usage) as NodeJS.ResourceUsage;
      resolve({ wallMs, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssMb: u.maxRSS / 1024 });
    });
  });
}

const fleet = await startSimulatedFleet({ count: 1, vendors: ['generic'], tls: false });
try {
  const bmc = fleet.bmcs[0]!;
  const passwordFile = join(dir, 'password');
  await writeFile(passwordFile, bmc.password, { mode: 0o600 });
  const inventory = ['inventory', '--bmc', bmc.url, '--user', bmc.username];
  inventory.push('--password-file', passwordFile, '--allow-http');
  const entries: Array<{ variant: string; main: string; env: NodeJS.ProcessEnv }> = [
    { variant: 'source (.ts)', main: 'src/cli/main.ts', env: {} },
  ];
  if (existsSync(join(root, 'dist/src/cli/main.js'))) {
    entries.push({ variant: 'dist (.js)', main: 'dist/src/cli/main.js', env: {} });
    entries.push({
      variant: 'dist + compile cache',
      main: 'dist/src/cli/main.js',
      env: { NODE_COMPILE_CACHE: join(dir, 'compile-cache') },
    });
  } else {
    process.stderr.write('no dist/: run `npm run build` for the built rows\n');
  }
  const rows: string[][] = [['command', 'variant', 'wall mean', 'wall best', 'CPU mean', 'peak RSS']];
  for (const [label, args] of [
    ['--help', ['--help']],
    ['inventory --bmc (1 BMC)', inventory],
  ] as const) {
    for (const e of entries) {
      for (let i = 0; i < warmup; i++) await once([e.main, ...args], e.env);
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) samples.push(await once([e.main, ...args], e.env));
      const mean = (f: (s: Sample) => number) => samples.reduce((a, s) => a + f(s), 0) / samples.length;
      rows.push([
        label,
        e.variant,
        `${mean((s) => s.wallMs).toFixed(0)} ms`,
        `${Math.min(...samples.map((s) => s.wallMs)).toFixed(0)} ms`,
        `${mean((s) => s.cpuMs).toFixed(0)} ms`,
        `${Math.max(...samples.map((s) => s.rssMb)).toFixed(0)} MB`,
      ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((v, c) => v.padEnd(widths[c]!)).join('  ')}\n`);
  process.stdout.write(`(${runs} runs each after ${warmup} warm-up; node ${process.version})\n`);
} finally {
  await fleet.close();
  await rm(dir, { recursive: true, force: true });
}

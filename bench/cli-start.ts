/**
 * bench/cli-start: what starting the CLI costs. Runs `firmwarden --help` and a one-BMC
 * `firmwarden inventory --bmc` (against a simulated BMC served by this process over plain http on
 * loopback) several times each, from the TypeScript sources and from the built dist/ (with and
 * without Node's on-disk compile cache, which the installed bin turns on), and prints the median
 * and best wall time, the median CPU (user + system), the modules (files) the process loaded and
 * its peak RSS. A third row per variant times importing what an inventory run imports before its
 * first request (the command module and main.ts's per-command modules) in a process of its own.
 * Issue #17's goal: one-BMC inventory ≤ 400 ms wall on a 2-core machine.
 *
 *   npm run bench:cli -- --runs 10        (run `npm run build` first for the dist/ rows)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
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
// The child reports its own CPU, peak RSS and the file modules it loaded at exit, on fd 3.
const probe = join(dir, 'probe.mjs');
await writeFile(
  probe,
  `import { writeSync } from 'node:fs';
import { registerHooks } from 'node:module';
let modules = 0;
registerHooks({ load(url, context, next) { if (url.startsWith('file:')) modules++; return next(url, context); } });
process.on('exit', () => writeSync(3, JSON.stringify({ usage: process.resourceUsage(), modules })));\n`,
);

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
  modules: number;
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
      const { usage: u, modules } = JSON.parse(usage) as { usage: NodeJS.ResourceUsage; modules: number };
      resolve({
        wallMs,
        cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000,
        rssMb: u.maxRSS / 1024,
        modules,
      });
    });
  });
}

/** Median of the samples' values. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A script that imports what `firmwarden inventory` imports before it runs (the command module
 * and the modules main.ts loads for any command) and exits: the wall time is the import time.
 */
function importOnly(main: string): string[] {
  const cli = new URL(`./${main.replace(/main\.(ts|js)$/, '')}`, `file://${root}`).href;
  const ext = main.endsWith('.ts') ? 'ts' : 'js';
  const code = `await Promise.all([
    import('${cli}inventory-command.${ext}'), import('${cli}../deps.${ext}'),
    import('${cli}signals.${ext}'), import('${cli}log-setup.${ext}')]);`;
  return ['--input-type=module', '-e', code];
}

const load0 = loadavg();
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
  const rows: string[][] = [
    ['command', 'variant', 'wall median', 'wall best', 'CPU median', 'modules', 'peak RSS'],
  ];
  const commands: Array<[string, (main: string) => string[]]> = [
    ['--help', (main) => [main, '--help']],
    ['import inventory modules', importOnly],
    ['inventory --bmc (1 BMC)', (main) => [main, ...inventory]],
  ];
  for (const [label, args] of commands) {
    for (const e of entries) {
      for (let i = 0; i < warmup; i++) await once(args(e.main), e.env);
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) samples.push(await once(args(e.main), e.env));
      rows.push([
        label,
        e.variant,
        `${median(samples.map((s) => s.wallMs)).toFixed(0)} ms`,
        `${Math.min(...samples.map((s) => s.wallMs)).toFixed(0)} ms`,
        `${median(samples.map((s) => s.cpuMs)).toFixed(0)} ms`,
        String(median(samples.map((s) => s.modules))),
        `${Math.max(...samples.map((s) => s.rssMb)).toFixed(0)} MB`,
      ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((v, c) => v.padEnd(widths[c]!)).join('  ')}\n`);
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  process.stdout.write(
    `(${runs} runs each after ${warmup} warm-up; node ${process.version}; load average ${load(load0)} before, ${load(loadavg())} after)\n`,
  );
} finally {
  await fleet.close();
  await rm(dir, { recursive: true, force: true });
}

/**
 * The published package as a user gets it: `npm pack` (which builds dist/), the tarball installed
 * into a fresh project, then the installed CLI run (version, help, a simulated BMC's inventory),
 * the library imported from plain JavaScript (a daemon job run in a worker thread from the compiled
 * jobs), and a TypeScript consumer type-checked against the shipped .d.ts files. Node does not
 * strip types under node_modules: anything still pointing at .ts fails here.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OWN = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
// The installed `firmwarden` starts with `#!/usr/bin/env node`: this Node (24) first on PATH.
const ENV = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH']}`,
  FIRMWARDEN_LOG_LEVEL: 'warn',
};

/** Runs a command to completion; rejects with its output when it exits non-zero. */
async function run(cmd: string, args: string[], cwd: string) {
  try {
    return await promisify(execFile)(cmd, args, { cwd, env: ENV, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

let dir: string;
let app: string;
let cli: string;
let packed: string[];
let simulator: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-package-'));
  app = join(dir, 'app');
  await mkdir(app);
  // --json output follows the prepack build's own lines: the JSON starts at the line "[".
  const pack = (await run('npm', ['pack', '--json', '--pack-destination', dir], ROOT)).stdout;
  const [info] = JSON.parse(pack.slice(pack.search(/^\[/m))) as [
    { filename: string; files: Array<{ path: string }> },
  ];
  packed = info.files.map((f) => f.path);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // The dependencies come from npm's cache, filled by the repository's own install.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, info.filename)], app);
  cli = join(app, 'node_modules', '.bin', 'firmwarden');
  simulator = spawn(cli, ['simulate', '--count', '1', '--out', join(app, 'fleet.yaml')], {
    cwd: app,
    env: ENV,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    simulator!.stdout!.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('simulating')) resolve();
    });
    simulator!.once('exit', (code) => reject(new Error(`installed simulate exited with ${code}`)));
  });
}, 180_000);

afterAll(async () => {
  if (simulator && simulator.exitCode === null) {
    const exited = new Promise((resolve) => simulator!.once('exit', resolve));
    simulator.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed and installed package', () => {
  it('holds the compiled code, its types and the JSON Schemas, not the sources or the tests', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'bin/firmwarden.js',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/cli/main.js',
        'dist/jobs/inventory-scan.js',
        'dist/src/dashboard/page.css',
        'schemas/fleet.schema.json',
      ]),
    );
    const stray = packed.filter(
      (p) =>
        !/^(package\.json|README\.md|bin\/[^/]+\.js|dist\/.+\.(js|d\.ts|css)|schemas\/[^/]+\.json)$/.test(
          p,
        ) ||
        (p.endsWith('.ts') && !p.endsWith('.d.ts')),
    );
    expect(stray).toEqual([]);
  });

  it('depends at run time on exactly the packages its code imports', async () => {
    const root = join(app, 'node_modules', 'firmwarden', 'dist');
    const imported = new Set<string>();
    for (const file of await readdir(root, { recursive: true })) {
      if (!file.endsWith('.js')) continue;
      const code = await readFile(join(root, file), 'utf8');
      const specs = [
        ...code.matchAll(/^\s*(?:import|export)\s[^;'"]*?\bfrom\s*'([^']+)'/gm),
        ...code.matchAll(/^\s*import\s*'([^']+)'/gm),
        ...code.matchAll(/\bimport\('([^']+)'\)/g),
      ].map((m) => m[1]!);
      for (const spec of specs.filter((s) => !s.startsWith('.'))) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!name.startsWith('node:') && !builtinModules.includes(name)) imported.add(name);
      }
    }
    expect([...imported].sort()).toEqual(Object.keys(OWN.dependencies).sort());
  });

  it('runs the installed CLI: --version, -V and --help', async () => {
    expect((await run(cli, ['--version'], app)).stdout).toBe(`${OWN.version}\n`);
    expect((await run(cli, ['-V'], app)).stdout).toBe(`${OWN.version}\n`);
    expect((await run(cli, ['--help'], app)).stdout).toMatch(/^usage: firmwarden <command>/m);
    expect((await run(cli, ['daemon', '--help'], app)).stdout).toMatch(/^firmwarden daemon --config FILE/);
  });

  it('reads a simulated BMC with the installed CLI, as JSON on stdout', async () => {
    const { stdout } = await run(cli, ['inventory', '--fleet', 'fleet.yaml', '--json'], app);
    const inventory = JSON.parse(stdout) as { servers: Array<{ components: unknown[] }> };
    expect(inventory.servers).toHaveLength(1);
    expect(inventory.servers[0]!.components.length).toBeGreaterThan(0);
  });

  it('imports the library from plain JavaScript: a daemon job in a worker from the compiled jobs, the dashboard page', async () => {
    await writeFile(
      join(app, 'daemon.yaml'),
      // A schedule that does not fire during the test: the run below is the only one.
      'version: 1\nstore: { sqlite: state.db }\nfleet: fleet.yaml\njobs:\n  inventory-scan: { schedule: "at 03:00" }\n',
    );
    await writeFile(
      join(app, 'scan.js'),
      `import { compareVersions, dashboard, defaultDeps, loadDaemonConfig, startDaemon } from 'firmwarden';
const config = await loadDaemonConfig('daemon.yaml');
let done;
const finished = new Promise((resolve) => { done = resolve; });
const daemon = await startDaemon(config, defaultDeps(), { onResult: (r) => done(r) });
await daemon.run('inventory-scan');
const result = await finished;
await daemon.stop();
const page = dashboard.renderDashboardPage();
console.log(JSON.stringify({ order: compareVersions('1.2.0', '1.10.0'), result, page }));
`,
    );
    const { stdout } = await run(process.execPath, ['scan.js'], app);
    const { order, result, page } = JSON.parse(stdout);
    expect(order).toBe('less');
    // The dashboard page inlines its browser script and stylesheet, read from the package's files.
    expect(page).toMatch(/<style>[^<]+<\/style>/);
    expect(page).toMatch(/<script>.+<\/script>/s);
    // daemon.run always runs in a bree worker: a job file it cannot load ends as outcome "failed".
    expect(result).toMatchObject({ job: 'inventory-scan', outcome: 'ok', data: { read: 1 } });
  });

  it('type-checks a TypeScript consumer against the shipped declarations', async () => {
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2024',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          skipLibCheck: true,
        },
        files: ['consumer.ts'],
      }),
    );
    await writeFile(
      join(app, 'consumer.ts'),
      `import { compareVersions, FirmwardenError, type FleetInventory } from 'firmwarden';
const order: 'less' | 'equal' | 'greater' | 'incomparable' = compareVersions('1.2.0', '1.10.0');
// @ts-expect-error versions are strings: fails as "unused" if the types were missing (any)
compareVersions(1, 2);
export const code = (err: unknown) => (err instanceof FirmwardenError ? err.code : undefined);
export const count = (inv: FleetInventory): number => inv.servers.length;
console.log(order);
`,
    );
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app);
  });
});

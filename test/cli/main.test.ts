/**
 * The CLI dispatcher: --help, <command> --help and --version answer without importing any command
 * module or dependency (start-up cost), a command's module is imported when it runs, and the help
 * texts quote the defaults their code uses.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_DEFAULTS } from '../../src/api/api-config.ts';
import * as help from '../../src/cli/command-help.ts';
import { COMMAND_NAMES } from '../../src/cli/main.ts';
import { DEFAULT_STORE_PATH } from '../../src/store/open-store.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const VERSION = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** A preload that prints, at exit, every file module the process loaded (one per line, to fd 3). */
const HOOK = `import { registerHooks } from 'node:module';
import { writeSync } from 'node:fs';
const loaded = [];
registerHooks({ load(url, context, next) { if (url.startsWith('file:')) loaded.push(url); return next(url, context); } });
process.on('exit', () => writeSync(3, loaded.join('\\n')));
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-cli-main-'));
  await writeFile(join(dir, 'hook.mjs'), HOOK);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the CLI from source; returns its exit code, output and the repository files it loaded. */
async function cli(args: string[]) {
  const child = spawn(process.execPath, ['--import', join(dir, 'hook.mjs'), MAIN, ...args], {
    env: { ...process.env, FIRMWARDEN_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const read = (i: number) => {
    const chunks: Buffer[] = [];
    child.stdio[i]!.on('data', (c: Buffer) => chunks.push(c));
    return () => Buffer.concat(chunks).toString();
  };
  const [stdout, stderr, modules] = [read(1), read(2), read(3)];
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const loaded = modules()
    .split('\n')
    .filter(Boolean)
    .map((u) => fileURLToPath(u))
    .map((p) => (p.startsWith(ROOT) ? p.slice(ROOT.length) : p));
  return { code, stdout: stdout(), stderr: stderr(), loaded };
}

const LIGHT = [
  'src/cli/main.ts',
  'src/cli/args.ts',
  'src/cli/command-help.ts',
  'src/cli/version.ts',
  'src/errors.ts',
];

describe('firmwarden main', () => {
  it.each([
    { name: '--help', args: ['--help'], out: /^usage: firmwarden <command>/m },
    { name: 'inventory --help', args: ['inventory', '--help'], out: /^firmwarden inventory --fleet FILE/ },
    { name: 'serve -h', args: ['serve', '-h'], out: /^firmwarden serve --config FILE/ },
    { name: '--version', args: ['--version'], out: new RegExp(`^${VERSION.replaceAll('.', '\\.')}\\n$`) },
    { name: '-V', args: ['-V'], out: new RegExp(`^${VERSION.replaceAll('.', '\\.')}\\n$`) },
  ])(
    '$name answers from the help module alone, importing no command and no dependency',
    async ({ args, out }) => {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(out);
      expect(r.loaded.sort()).toEqual([...LIGHT].sort());
    },
  );

  it('imports a command module when the command runs (a usage error exits 2)', async () => {
    const r = await cli(['inventory']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fleet FILE or --bmc URL is required/);
    expect(r.loaded).toContain('src/cli/inventory-command.ts');
    expect(r.loaded).not.toContain('src/cli/update-command.ts');
  });

  it('rejects an unknown command (even an Object.prototype name) with the usage, exit 2', async () => {
    for (const name of ['frobnicate', 'constructor']) {
      const r = await cli([name]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown command/);
    }
  });

  it('lists every command in the usage and gives each its own help', () => {
    const helps = Object.entries(help).filter(([k]) => k.endsWith('_HELP'));
    expect(helps).toHaveLength(COMMAND_NAMES.length);
    for (const name of COMMAND_NAMES) {
      expect(help.USAGE).toMatch(new RegExp(`^  ${name} `, 'm'));
      expect(helps.map(([, text]) => text)).toContainEqual(expect.stringMatching(`^firmwarden ${name} `));
    }
  });

  it('quotes the defaults the code uses', () => {
    expect(help.SERVE_HELP).toContain(`Binds ${API_DEFAULTS.host}:${API_DEFAULTS.port}`);
    expect(help.STORE_HELP).toContain(`(default ${DEFAULT_STORE_PATH})`);
  });
});

/**
 * What a failed command prints on stderr: its name once (never `firmwarden x: CODE: firmwarden x:`),
 * an unknown option pointing at the command's help, and a certificate that did not verify
 * answered with firmwarden's options (--ca, --fingerprint, tls.ca / tls.fingerprint, --insecure),
 * never a Node flag.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { commandErrorLine } from '../../src/cli/args.ts';
import { inventoryCommand } from '../../src/cli/inventory-command.ts';
import { COMMAND_NAMES, main } from '../../src/cli/main.ts';
import { defaultDeps } from '../../src/deps.ts';
import { ConfigError } from '../../src/errors.ts';
import { type SimFleet, startSimulatedFleet } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-cli-errors-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs main in this process; returns its exit code and what it wrote to stderr. */
async function run(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, stderr: chunks.join('') };
}

/** Each command, with the subcommand that parses flags where it has some. */
const INVOCATIONS: Record<string, string[]> = {
  catalog: ['catalog', 'show'],
  rollout: ['rollout', 'status'],
  backup: ['backup', 'check'],
  store: ['store', 'migrate'],
  cluster: ['cluster', 'status'],
  fleet: ['fleet', 'import', 'netbox'],
  bmc: ['bmc', 'reset'],
  host: ['host', 'power', 'status'],
};

describe('a failed command names itself once', () => {
  it.each(COMMAND_NAMES)(
    '%s --bogus: one line, one prefix, pointing at its --help (exit 2)',
    async (name) => {
      const args = INVOCATIONS[name] ?? [name];
      const r = await run(...args, '--bogus', '--log-level', 'silent');
      expect(r.code).toBe(2);
      const line = `${args.join(' ')}: FW_ERR_CONFIG: unknown option '--bogus': see firmwarden ${name} --help\n`;
      expect(r.stderr).toBe(`firmwarden ${line}`);
    },
  );

  it('a missing flag: the command once, then the code and what is missing', async () => {
    const r = await run('inventory', '--log-level', 'silent');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^firmwarden inventory: FW_ERR_CONFIG: --fleet FILE or --bmc URL is required\n/);
    expect(r.stderr.match(/firmwarden inventory:/g)).toHaveLength(1);
  });

  it.each([
    [
      'source is the command',
      'update',
      new ConfigError('firmwarden update', 'give --server or --all'),
      'firmwarden update: FW_ERR_CONFIG: give --server or --all',
    ],
    [
      'source is a subcommand',
      'rollout',
      new ConfigError('firmwarden rollout start', '--spec is required'),
      'firmwarden rollout start: FW_ERR_CONFIG: --spec is required',
    ],
    [
      'source is a file',
      'plan',
      new ConfigError('fleet.yaml', 'servers[0].bmc: required'),
      'firmwarden plan: FW_ERR_CONFIG: fleet.yaml: servers[0].bmc: required',
    ],
    [
      'another command named inside',
      'plan',
      new ConfigError('x', 'see firmwarden plan: the docs'),
      'firmwarden plan: FW_ERR_CONFIG: x: see firmwarden plan: the docs',
    ],
    ['not a firmwarden error', 'demo', new Error('boom'), 'firmwarden demo: boom'],
  ])('commandErrorLine: %s', (_name, command, err, line) => {
    expect(commandErrorLine(command, err)).toBe(line);
  });

  it('a bad global option is refused before any command runs', async () => {
    const r = await run('inventory', '--log-level');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('firmwarden: --log-level: needs a value: see firmwarden --help\n');
    const bad = await run('inventory', '--log-format=xml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'firmwarden inventory: FW_ERR_CONFIG: --log-format: unknown log format "xml": expected json or pretty\n',
    );
  });
});

describe('a BMC certificate that does not verify', () => {
  let fleet: SimFleet;
  beforeAll(async () => {
    fleet = await startSimulatedFleet({ count: 1, vendors: ['dell'], seed: 4 });
  });
  afterAll(() => fleet?.close());

  it("is answered with firmwarden's TLS options, never a Node flag", async () => {
    const bmc = fleet.bmcs[0] as SimFleet['bmcs'][number];
    process.env['FW_TEST_TLS_PW'] = bmc.password;
    const chunks: string[] = [];
    const out = new Writable({ write: (c, _e, cb) => cb(void chunks.push(String(c))) });
    const deps = defaultDeps({ logger: captureLogger('silent').logger });
    const code = await inventoryCommand(
      ['--bmc', bmc.url, '--user', bmc.username, '--password-env', 'FW_TEST_TLS_PW', '--state', dir],
      deps,
      out,
    );
    const text = chunks.join('');
    expect(code).toBe(1);
    expect(text).toMatch(/FW_ERR_TLS .*certificate/);
    for (const option of ['--ca FILE', 'tls.ca', '--fingerprint SHA256', 'tls.fingerprint', '--insecure'])
      expect(text).toContain(option);
    expect(text).not.toMatch(/Node\.js|NODE_|--use-system-ca/);
  });
});

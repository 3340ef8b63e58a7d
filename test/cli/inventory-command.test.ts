/** `firmwarden inventory` as a user runs it: one BMC by flags, a fleet file, exit codes. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryCommand } from '../../src/cli/inventory-command.ts';
import { defaultDeps } from '../../src/deps.ts';
import { type SimFleet, startSimulatedFleet } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { fakeStream } from '../helpers/fake-stream.ts';

let fleet: SimFleet;
let dir: string;
const deps = defaultDeps({ logger: captureLogger('error').logger });

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: 2, vendors: ['dell', 'hpe'], seed: 2 });
  dir = await mkdtemp(join(tmpdir(), 'fw-invcli-'));
});
afterAll(() => fleet?.close());

async function inventory(...args: string[]) {
  return inventoryWith(deps, ...args);
}

async function inventoryWith(d: typeof deps, ...args: string[]) {
  const chunks: string[] = [];
  const out = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  const code = await inventoryCommand(args, d, out);
  return { code, text: chunks.join('') };
}

describe('firmwarden inventory', () => {
  it('reads one BMC given by flags, pinned by fingerprint, password from an env var', async () => {
    const bmc = fleet.bmcs[0] as SimFleet['bmcs'][number];
    process.env['FW_TEST_BMC_PW'] = bmc.password;
    const r = await inventory(
      '--bmc',
      bmc.url,
      '--user',
      bmc.username,
      '--password-env',
      'FW_TEST_BMC_PW',
      '--fingerprint',
      bmc.certFingerprint256 as string,
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.text);
    expect(doc.servers[0].vendor).toBe('dell');
    expect(doc.servers[0].components.some((c: { kind: string }) => c.kind === 'bios')).toBe(true);
    expect(bmc.stats.openSessions).toBe(0);
  });

  it('--json keeps stderr free of progress off a terminal; a terminal still gets the live line', async () => {
    const files = await fleet.writeFleetFile(join(dir, 'fleet-json.yaml'));
    const plain = fakeStream(false);
    const r = await inventoryWith({ ...deps, progress: plain.stream }, '--fleet', files.fleetFile, '--json');
    expect(JSON.parse(r.text).servers).toHaveLength(2);
    expect(plain.text()).toBe('');
    const tty = fakeStream(true);
    await inventoryWith(
      { ...deps, clock: fakeClock(0), progress: tty.stream },
      '--fleet',
      files.fleetFile,
      '--json',
    );
    expect(tty.text()).toContain('\x1b[');
    expect(tty.plain().at(-1)).toBe('inventory  2/2 servers  0 failed  elapsed 0:00');
  });

  it('prints a table for a fleet and exits 1 when a server cannot be read', async () => {
    const files = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
    fleet.bmcs[1]?.setFaults({ resetRate: 1 });
    try {
      const err = fakeStream(false);
      const r = await inventoryWith(
        { ...deps, clock: fakeClock(0), progress: err.stream },
        '--fleet',
        files.fleetFile,
      );
      expect(r.code).toBe(1);
      // Off a terminal the counter is plain lines on stderr, the failed server counted.
      expect(err.plain().at(-1)).toMatch(/^inventory {2}2\/2 servers {2}1 failed {2}elapsed \d+:\d\d$/);
      expect(r.text).toMatch(/sim-0001\s+dell\s+PowerEdge R710\s+bios\s+BIOS/);
      expect(r.text).toMatch(/unreachable or failed:\n {2}sim-0002 .*FW_ERR_CONNECTION_LOST/);
      expect(r.text).toMatch(/2 servers, \d+ installed components, 1 read, 1 failed/);
    } finally {
      fleet.bmcs[1]?.setFaults({ resetRate: 0 });
    }
  });

  it.each([
    [['--bmc', 'https://127.0.0.1:1', '--user', 'root'], /exactly one of --password-env/],
    [['--bmc', 'http://127.0.0.1:1', '--user', 'root', '--password-env', 'FW_TEST_BMC_PW'], /plain http/],
    [['--fleet', 'f.yaml', '--bmc', 'https://x'], /--fleet or --bmc, not both/],
    [
      ['--bmc', 'https://x', '--user', 'u', '--password-env', 'FW_NOT_SET_ANYWHERE'],
      /FW_NOT_SET_ANYWHERE is not set/,
    ],
  ])('refuses %j clearly', async (args, message) => {
    await expect(inventory(...(args as string[]))).rejects.toThrow(message);
  });

  it('a fleet file with a bad entry is refused naming the entry and field', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'version: 1\nservers:\n  - { name: r1, bmc: "https://10.0.0.1", tls: { fingerprint: nope } }\n',
    );
    await expect(inventory('--fleet', bad)).rejects.toThrow(
      /bad\.yaml: servers\[0\] \(r1\)\.tls\.fingerprint/,
    );
  });

  it.each([
    [
      'user and password',
      (bmc: SimFleet['bmcs'][number]) => bmc.url.replace('https://', 'https://admin:S3cret-pw@'),
    ],
    ['user info in an unparseable URL', () => 'https://admin:S3cret-pw@'],
  ])('refuses --bmc with %s without printing the password', async (_name, urlOf) => {
    const bmc = fleet.bmcs[0] as SimFleet['bmcs'][number];
    process.env['FW_TEST_BMC_PW'] = bmc.password;
    const err = await inventory(
      '--bmc',
      urlOf(bmc),
      '--user',
      bmc.username,
      '--password-env',
      'FW_TEST_BMC_PW',
      '--fingerprint',
      bmc.certFingerprint256 as string,
      '--json',
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FW_ERR_CONFIG' });
    expect((err as Error).message).toMatch(/--bmc .*user name or password in the URL is refused/);
    expect((err as Error).message).not.toContain('S3cret-pw');
  });

  it('refuses a fleet entry with a password in its BMC URL, naming file, server and field', async () => {
    const bad = join(dir, 'userinfo.yaml');
    await writeFile(bad, 'version: 1\nservers:\n  - { name: r1, bmc: "https://root:S3cret-pw@10.0.0.1" }\n');
    const err = await inventory('--fleet', bad).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /userinfo\.yaml: servers\[0\] \(r1\)\.bmc: .*password in the URL is refused/,
    );
    expect((err as Error).message).not.toContain('S3cret-pw');
  });
});

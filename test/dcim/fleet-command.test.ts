/**
 * `firmwarden fleet import netbox` end to end against the fake NetBox: the file it writes loads
 * with loadFleetFile (credentials referenced, resolved from the env), the token is nowhere in the
 * file, the output or the logs (debug level), an existing file is refused without --merge/--force,
 * and --merge keeps what a person added to an entry and the entries NetBox does not list.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isInputError } from '../../src/cli/args.ts';
import { fleetCommand } from '../../src/cli/fleet-command.ts';
import { defaultDeps } from '../../src/deps.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { type FakeDeviceSpec, type FakeNetbox, startFakeNetbox } from './fake-netbox.ts';

const TOKEN = 'nbt_K3yK3yK3y.Sup3rS3cr3tT0k3nV4lu3Th4tMustN0tL34k';
const devices: FakeDeviceSpec[] = Array.from({ length: 7 }, (_, i) => ({
  name: `node-${i + 1}`,
  site: i < 4 ? 'fra1' : 'ams2',
  rack: `R${(i % 3) + 1}`,
  role: 'compute',
  manufacturer: i % 2 ? 'HPE' : 'Dell',
  oob: i === 6 ? null : `10.2.0.${i + 1}/24`,
  tags: i === 0 ? ['canary'] : [],
}));

let nb: FakeNetbox;
let dir: string;
beforeAll(async () => {
  nb = await startFakeNetbox({ devices, token: TOKEN });
  dir = await mkdtemp(join(tmpdir(), 'fw-netbox-cli-'));
});
afterAll(async () => {
  await nb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ENV = { NETBOX_TOKEN: TOKEN, BMC_PW: 'bmc-password' };

async function run(argv: string[]) {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  const log = captureLogger('trace');
  const deps = defaultDeps({ clock: fakeClock(), logger: log.logger });
  const base = ['import', 'netbox', '--url', nb.url, '--allow-http', '--token-env', 'NETBOX_TOKEN'];
  try {
    const code = await fleetCommand([...base, ...argv], deps, sink, ENV);
    return { code, out, logs: log.lines(), error: undefined };
  } catch (error) {
    return { code: isInputError(error) ? 2 : 1, out, logs: log.lines(), error: error as Error };
  }
}

describe('fleet import netbox', () => {
  it('writes a fleet file that loads, with credentials referenced and the token nowhere', async () => {
    const out = join(dir, 'fleet.yaml');
    const r = await run(['--out', out, '--page-size', '2', '--user', 'root', '--password-env', 'BMC_PW']);
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.out).toContain('7 devices match (4 pages read)');
    expect(r.out).toContain('node-7 (netbox id 7): no OOB IP');
    const text = await readFile(out, 'utf8');
    const servers = await loadFleetFile(out, ENV);
    expect(servers.map((s) => s.name)).toEqual(['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6']);
    expect(servers[0]).toMatchObject({
      bmc: 'https://10.2.0.1',
      vendor: 'dell',
      labels: { site: 'fra1', rack: 'R1', role: 'compute', 'tag.canary': 'true' },
      client: { credentials: { username: 'root', password: 'bmc-password' } },
    });
    expect(parseYaml(text).defaults).toEqual({ credentials: { username: 'root', passwordEnv: 'BMC_PW' } });
    expect(text).not.toContain('bmc-password');
    for (const where of [text, r.out, r.logs]) {
      expect(where).not.toContain(TOKEN);
      expect(where).not.toContain('Sup3rS3cr3t');
    }
    expect(r.logs).toContain('netbox page');
    // Nothing left behind by the atomic write.
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to overwrite without --merge or --force, before asking NetBox', async () => {
    const out = join(dir, 'exists.yaml');
    await writeFile(out, 'version: 1\nservers: []\n');
    const asked = nb.requests.length;
    const r = await run(['--out', out]);
    expect(r.code).toBe(2);
    expect(r.error?.message).toContain('use --merge to update it or --force to replace it');
    expect(nb.requests.length).toBe(asked);
    expect(await readFile(out, 'utf8')).toBe('version: 1\nservers: []\n');
  });

  it('--merge keeps credentials, tls and hand-made labels of an entry, and entries NetBox did not list', async () => {
    const out = join(dir, 'merge.yaml');
    await writeFile(
      out,
      `version: 1
defaults:
  credentials: { username: admin, passwordEnv: BMC_PW }
servers:
  - name: node-1
    bmc: https://10.99.0.1
    tls: { insecure: true }
    labels: { site: old-site, owner: team-a, tag.retired: "true" }
  - name: lab-box
    bmc: https://10.3.0.1
`,
    );
    const r = await run(['--out', out, '--merge', '--filter', 'site=fra1']);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain('(3 added, 1 updated, 0 unchanged); kept 1 entries NetBox did not list: lab-box');
    const fleet = parseYaml(await readFile(out, 'utf8'));
    expect(fleet.defaults).toEqual({ credentials: { username: 'admin', passwordEnv: 'BMC_PW' } });
    expect(fleet.servers[0]).toEqual({
      name: 'node-1',
      bmc: 'https://10.2.0.1',
      tls: { insecure: true },
      vendor: 'dell',
      labels: {
        owner: 'team-a',
        site: 'fra1',
        rack: 'R1',
        role: 'compute',
        manufacturer: 'dell',
        model: 'server',
        status: 'active',
        'netbox.id': '1',
        'tag.canary': 'true',
      },
    });
    expect(fleet.servers.map((s: { name: string }) => s.name)).toEqual([
      'node-1',
      'lab-box',
      'node-2',
      'node-3',
      'node-4',
    ]);
    expect(await loadFleetFile(out, ENV)).toHaveLength(5);
    // The same import again changes nothing.
    const again = await run(['--out', out, '--merge', '--filter', 'site=fra1']);
    expect(again.out).toContain('(0 added, 0 updated, 4 unchanged)');
  });

  it('--dry-run prints the file and writes nothing; --json prints the report', async () => {
    const out = join(dir, 'dry.yaml');
    const r = await run(['--out', out, '--dry-run']);
    expect(r.out).toContain('# Imported from NetBox');
    expect(r.out).toContain('would write 6 servers');
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
    const j = await run(['--out', join(dir, 'report.json'), '--json']);
    const report = JSON.parse(j.out);
    expect(report).toMatchObject({ count: 7, imported: 6, file: { written: true } });
    expect(report.skipped).toEqual([{ id: 7, name: 'node-7', reason: 'no OOB IP' }]);
    expect(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')).servers).toHaveLength(6);
  });

  it('refuses a file that would not load (a missing password file), leaving nothing behind', async () => {
    const out = join(dir, 'bad-ref.yaml');
    const r = await run(['--out', out, '--user', 'root', '--password-file', 'no-such-file']);
    expect(r.code).toBe(2);
    expect(r.error?.message).toContain('cannot read password file');
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['a missing token variable', ['--out', 'x.yaml', '--token-env', 'NOPE'], 'NOPE is not set'],
    ['--merge with --force', ['--out', 'x.yaml', '--merge', '--force'], 'exclude each other'],
    ['--user without a password source', ['--out', 'x.yaml', '--user', 'root'], 'exactly one of'],
    [
      'a custom field named like a built-in label',
      ['--out', 'x.yaml', '--custom-field', 'site'],
      'cannot be a label',
    ],
  ])('is bad input (exit 2): %s', async (_name, argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.error?.message).toContain(message);
  });

  it('a wrong token exits 1 with NetBox’s answer', async () => {
    let out = '';
    const sink = new Writable({
      write(c, _e, cb) {
        out += String(c);
        cb();
      },
    });
    const deps = defaultDeps({ clock: fakeClock(), logger: captureLogger('warn').logger });
    const argv = [
      'import',
      'netbox',
      '--url',
      nb.url,
      '--allow-http',
      '--token-env',
      'T',
      '--out',
      join(dir, 'w.yaml'),
    ];
    const err = await fleetCommand(argv, deps, sink, { T: 'nbt_wrong.token' }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_NETBOX_AUTH');
    expect(isInputError(err)).toBe(false);
    expect(err.message).toContain('403 Invalid token');
    expect(out).toBe('');
  });
});

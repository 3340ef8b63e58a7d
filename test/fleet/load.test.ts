import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FLEET_SCHEMA_PATH, fleetJsonSchema } from '../../scripts/gen-fleet-schema.ts';
import { loadFleetFile, parseFleetText } from '../../src/fleet/load.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-fleet-'));
  await writeFile(join(dir, 'bmc.password'), 'calvin\n');
  await writeFile(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
});

const GOOD = `version: 1
defaults:
  credentials: { username: root, passwordFile: bmc.password }
  tls: { ca: ca.pem }
  labels: { site: fra1 }
servers:
  - name: r640-01
    bmc: https://10.0.0.17
    vendor: dell
    labels: { rack: r12, role: compute }
  - name: mockup
    bmc: http://127.0.0.1:8000
    allowHttp: true
    credentials: { username: admin, passwordEnv: MOCKUP_PW }
    tls: { fingerprint: "${'AB:'.repeat(31)}AB" }
`;

describe('fleet file', () => {
  it('applies defaults, resolves password files and env vars relative to the fleet file', async () => {
    const path = join(dir, 'fleet.yaml');
    await writeFile(path, GOOD);
    const servers = await loadFleetFile(path, { MOCKUP_PW: 'secret' });
    expect(servers.map((s) => s.name)).toEqual(['r640-01', 'mockup']);
    const [dell, mockup] = servers;
    expect(dell?.labels).toEqual({ site: 'fra1', rack: 'r12', role: 'compute' });
    expect(dell?.client.credentials).toEqual({ username: 'root', password: 'calvin' });
    expect(dell?.client.tls?.ca).toContain('BEGIN CERTIFICATE');
    expect(dell?.vendor).toBe('dell');
    expect(mockup?.client.credentials?.password).toBe('secret');
    expect(mockup?.client.tls?.fingerprint).toBe('ab'.repeat(32));
    expect(mockup?.client.allowHttp).toBe(true);
  });

  it('reads the same fleet from JSON', async () => {
    const path = join(dir, 'fleet.json');
    await writeFile(
      path,
      JSON.stringify({
        version: 1,
        servers: [
          { name: 'a', bmc: 'https://a', credentials: { username: 'u', passwordFile: 'bmc.password' } },
        ],
      }),
    );
    expect((await loadFleetFile(path))[0]?.client.credentials?.password).toBe('calvin');
  });

  it.each([
    ['bad URL', 'servers: [{ name: a, bmc: "not a url" }]', 'servers[0] (a).bmc'],
    ['unknown field', 'servers: [{ name: a, bmc: "https://a", passwd: x }]', 'servers[0] (a)'],
    [
      'bad fingerprint',
      'servers: [{ name: a, bmc: "https://a", tls: { fingerprint: abc } }]',
      'servers[0] (a).tls.fingerprint',
    ],
    [
      'both password sources',
      'servers: [{ name: a, bmc: "https://a", credentials: { username: u, passwordEnv: X, passwordFile: y } }]',
      'servers[0] (a).credentials',
    ],
    ['unknown vendor', 'servers: [{ name: a, bmc: "https://a", vendor: acme }]', 'servers[0] (a).vendor'],
    [
      'zero timeout',
      'servers: [{ name: a, bmc: "https://a", timeouts: { totalMs: 0 } }]',
      'servers[0] (a).timeouts.totalMs',
    ],
    [
      'unknown timeout',
      'servers: [{ name: a, bmc: "https://a", timeouts: { idleMs: 5 } }]',
      'servers[0] (a).timeouts',
    ],
    ['missing servers', '{}', 'servers'],
  ])('names the entry and field: %s', (_name, body, where) => {
    const text = body.startsWith('{') ? 'version: 1\n' : `version: 1\n${body}\n`;
    expect(() => parseFleetText(text, 'fleet.yaml')).toThrow(
      expect.objectContaining({ code: 'FW_ERR_CONFIG' }),
    );
    try {
      parseFleetText(text, 'fleet.yaml');
    } catch (err) {
      expect((err as Error).message).toContain(`fleet.yaml: ${where}`);
    }
  });

  it.each([
    ['user and password', 'https://root:S3cret-pw@10.0.0.1'],
    ['a password with a port', 'https://admin:S3cret-pw@10.0.0.1:8443/redfish/v1'],
    ['a user alone', 'https://root@10.0.0.1'],
  ])('refuses a BMC URL with %s, naming the entry and field, never the password', (_name, bmc) => {
    const text = `version: 1\nservers:\n  - { name: r640-01, bmc: "${bmc}" }\n`;
    const err = (() => {
      try {
        parseFleetText(text, 'fleet.yaml');
      } catch (e) {
        return e as Error & { code: string };
      }
      return undefined;
    })();
    expect(err?.code).toBe('FW_ERR_CONFIG');
    expect(err?.message).toMatch(
      /^fleet\.yaml: servers\[0\] \(r640-01\)\.bmc: .*user name or password in the URL is refused/,
    );
    expect(err?.message).not.toContain('S3cret-pw');
  });

  it('passes legacy TLS and timeouts through, entry over defaults, scanMs to the sweep', async () => {
    const path = join(dir, 'legacy.yaml');
    await writeFile(
      path,
      `version: 1
defaults:
  tls: { ca: ca.pem }
  timeouts: { totalMs: 60000, scanMs: 300000 }
servers:
  - name: idrac7
    bmc: https://10.0.0.7
    tls: { legacy: true }
    timeouts: { headersMs: 90000, scanMs: 900000 }
  - name: modern
    bmc: https://10.0.0.8
`,
    );
    const [old, modern] = await loadFleetFile(path);
    expect(old?.client.tls).toEqual({ ca: expect.stringContaining('BEGIN'), legacy: true });
    expect(old?.client.timeouts).toEqual({ totalMs: 60000, headersMs: 90000 });
    expect(old?.scanMs).toBe(900000);
    expect(modern?.client.tls?.legacy).toBeUndefined();
    expect(modern?.client.timeouts).toEqual({ totalMs: 60000 });
    expect(modern?.scanMs).toBe(300000);
  });

  it('refuses duplicate server names', () => {
    const text =
      'version: 1\nservers:\n  - { name: a, bmc: "https://a" }\n  - { name: a, bmc: "https://b" }\n';
    expect(() => parseFleetText(text, 'f.yaml')).toThrow(/servers\[1\] \(a\): duplicate name/);
  });

  it('refuses plain http without allowHttp, naming the entry', async () => {
    const path = join(dir, 'http.yaml');
    await writeFile(path, 'version: 1\nservers: [{ name: lab, bmc: "http://10.0.0.1" }]\n');
    await expect(loadFleetFile(path)).rejects.toThrow(/servers\[0\] \(lab\)\.bmc: plain http/);
  });

  it('names a missing password env var and a missing password file', async () => {
    const env = join(dir, 'env.yaml');
    await writeFile(
      env,
      'version: 1\nservers: [{ name: a, bmc: "https://a", credentials: { username: u, passwordEnv: NOPE_PW } }]\n',
    );
    await expect(loadFleetFile(env, {})).rejects.toThrow(
      /servers\[0\] \(a\)\.credentials\.passwordEnv: environment variable NOPE_PW/,
    );
    const file = join(dir, 'file.yaml');
    await writeFile(
      file,
      'version: 1\nservers: [{ name: a, bmc: "https://a", credentials: { username: u, passwordFile: missing.pw } }]\n',
    );
    await expect(loadFleetFile(file)).rejects.toThrow(/servers\[0\] \(a\): cannot read password file/);
  });

  it('reports YAML syntax errors with the file name', () => {
    expect(() => parseFleetText('version: 1\nservers: [', 'broken.yaml')).toThrow(
      /broken\.yaml: not valid YAML/,
    );
  });

  it('has a committed JSON Schema generated from the zod schema', async () => {
    expect(await readFile(FLEET_SCHEMA_PATH, 'utf8')).toBe(fleetJsonSchema());
  });
});

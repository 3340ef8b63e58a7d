/**
 * `firmwarden probe` as a user runs it: one BMC by flags, a fleet file with --server, the JSON and
 * human reports, --record; and the promise that matters most before production — it changes
 * nothing: no request but GET, session login and logout reaches any BMC.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCommand } from '../../src/cli/probe-command.ts';
import { defaultDeps } from '../../src/deps.ts';
import type { FleetProbe, ProbeReport } from '../../src/probe/model.ts';
import { type SimBmc, type SimFleet, startSimulatedFleet } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { comparableProbe } from './helpers.ts';

let fleet: SimFleet;
let dir: string;
let fleetFile: string;
const deps = defaultDeps({ logger: captureLogger('error').logger });

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: 6, seed: 4 });
  dir = await mkdtemp(join(tmpdir(), 'fw-probecli-'));
  fleetFile = (await fleet.writeFleetFile(join(dir, 'fleet.yaml'))).fleetFile;
});
afterAll(() => fleet?.close());

async function probe(...args: string[]) {
  const chunks: string[] = [];
  const out = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  const code = await probeCommand(args, deps, out);
  return { code, text: chunks.join('') };
}

/** Requests that change something, session login and logout excepted. */
function mutating(bmc: SimBmc): string[] {
  return Object.keys(bmc.stats.byRoute).filter(
    (k) =>
      /^(POST|PATCH|PUT|DELETE) /.test(k) &&
      !/^POST \S*\/Sessions$/.test(k) &&
      !/^DELETE \S*\/Sessions\/[^/]+$/.test(k),
  );
}

describe('firmwarden probe', () => {
  it('changes nothing on any of the six profiles: no POST, PATCH, PUT or DELETE but login and logout', async () => {
    for (const b of fleet.bmcs) b.resetStats();
    const r = await probe('--fleet', fleetFile, '--json', '--record', join(dir, 'traces'));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.text) as FleetProbe;
    expect(doc.servers.map((s) => ('family' in s ? s.family : 'failed')).sort()).toEqual(
      ['dell', 'generic', 'hpe', 'lenovo', 'openbmc', 'supermicro'].sort(),
    );
    for (const b of fleet.bmcs) {
      expect(mutating(b), b.vendor).toEqual([]);
      expect(b.stats.sessionsCreated, b.vendor).toBeGreaterThan(0);
      expect(b.stats.openSessions, b.vendor).toBe(0);
      expect(b.updateHistory, b.vendor).toEqual([]);
    }
    expect((await readdir(join(dir, 'traces'))).sort()).toEqual(
      fleet.bmcs.map((b) => `${b.name}.trace.json`).sort(),
    );
    // A maintainer reproduces each report from the attached trace alone.
    for (const live of doc.servers as ProbeReport[]) {
      const r2 = await probe('--replay', join(dir, 'traces', `${live.server}.trace.json`), '--json');
      expect(r2.code).toBe(0);
      const replayed = (JSON.parse(r2.text) as FleetProbe).servers[0] as ProbeReport;
      expect(comparableProbe(replayed)).toEqual(comparableProbe(live));
      expect(replayed.tls?.fingerprint256).toBe(live.tls?.fingerprint256);
      expect(replayed.tls?.trust).toMatch(/^recorded: /);
    }
    // Supermicro's FirmwareInventory states one member more than it lists (simulator profile).
    const smc = (doc.servers as ProbeReport[]).find((s) => s.family === 'supermicro');
    expect(smc?.oddities.some((o) => /Members@odata\.count says \d+, Members lists \d+/.test(o))).toBe(true);
  });

  it('says where --record wrote the traces (the log line is off a terminal console)', async () => {
    const bmc = fleet.bmcs.find((b) => b.vendor === 'dell') as SimBmc;
    process.env['FW_TEST_PROBE_PW'] = bmc.password;
    const traces = join(dir, 'traces-human');
    const r = await probe(
      ...['--bmc', bmc.url, '--user', bmc.username, '--password-env', 'FW_TEST_PROBE_PW'],
      ...['--fingerprint', bmc.certFingerprint256 as string, '--record', traces],
    );
    expect(r.code).toBe(0);
    expect(r.text).toContain(`traces written to ${traces}\n`);
  });

  it('reads one BMC given by flags and says what it will do per component', async () => {
    const bmc = fleet.bmcs.find((b) => b.vendor === 'openbmc') as SimBmc;
    process.env['FW_TEST_PROBE_PW'] = bmc.password;
    const r = await probe(
      '--bmc',
      bmc.url,
      '--user',
      bmc.username,
      '--password-env',
      'FW_TEST_PROBE_PW',
      '--fingerprint',
      bmc.certFingerprint256 as string,
      '--json',
    );
    expect(r.code).toBe(0);
    const report = (JSON.parse(r.text) as FleetProbe).servers[0] as ProbeReport;
    expect(report.family).toBe('openbmc');
    expect(report.tls?.fingerprint256).toBe(bmc.certFingerprint256);
    expect(report.tls?.trust).toBe('pinned fingerprint matches');
    const bmcImage = report.components.find((c) => c.kind === 'bmc');
    expect(bmcImage?.method).toBe('multipart');
    // bmcweb stages its own image: the driver's hook says a Manager.Reset follows.
    expect(bmcImage?.resets).toMatch(/^Manager\.Reset/);
    expect(report.follow.some((l) => l.startsWith('taskState:'))).toBe(true);
    expect(report.sessions.auth).toBe('session');
    expect(report.sessions.open).toBeGreaterThanOrEqual(1);
    expect(r.text).not.toContain(bmc.password);
  });

  it('prints the human report for the servers named with --server', async () => {
    const names = fleet.bmcs.filter((b) => b.vendor === 'dell' || b.vendor === 'generic').map((b) => b.name);
    const r = await probe(
      '--fleet',
      fleetFile,
      '--server',
      names[0] as string,
      '--server',
      names[1] as string,
    );
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/== \S+ \(https:\/\/127\.0\.0\.1:\d+\)/);
    expect(r.text).toContain('KIND');
    expect(r.text).toMatch(/family\s+dell/);
    expect(r.text).toMatch(/family\s+generic/);
    expect(r.text).toContain('2 servers probed, 0 failed');
  });

  it('exits 1 and names the server that could not be probed', async () => {
    const bmc = fleet.bmcs[0] as SimBmc;
    bmc.setFaults({ resetRate: 1 });
    try {
      const r = await probe('--fleet', fleetFile, '--server', bmc.name);
      expect(r.code).toBe(1);
      expect(r.text).toContain(`== ${bmc.name}`);
      expect(r.text).toMatch(/FAILED FW_ERR_/);
    } finally {
      bmc.setFaults({ resetRate: 0 });
    }
  });

  it.each([
    [['--user', 'x'], /--fleet FILE or --bmc URL is required/],
    [['--fleet', 'f.yaml', '--bmc', 'https://x'], /not both/],
    [
      ['--bmc', 'https://127.0.0.1:1', '--user', 'root'],
      /firmwarden probe: give exactly one of --password-env/,
    ],
    [['--bmc', 'https://127.0.0.1:1', '--server', 'a'], /--server needs --fleet/],
    [['--replay', 't.json', '--fleet', 'f.yaml'], /--replay takes no --fleet or --bmc/],
    [['--replay', '/nonexistent/t.json'], /\/nonexistent\/t\.json: cannot read trace/],
  ])('refuses %j', async (args, message) => {
    await expect(probe(...args)).rejects.toMatchObject({
      code: 'FW_ERR_CONFIG',
      message: expect.stringMatching(message),
    });
  });

  it('refuses a --server the fleet file does not name, naming the file', async () => {
    await expect(probe('--fleet', fleetFile, '--server', 'nope-1')).rejects.toMatchObject({
      code: 'FW_ERR_CONFIG',
      message: expect.stringMatching(/fleet\.yaml: --server nope-1: no such server/),
    });
  });
});

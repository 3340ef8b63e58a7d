/**
 * `firmwarden bmc` and `firmwarden host power` against a simulated fleet over loopback: a host
 * power cycle and a BMC reset that are waited out, both refused while a BMC task is still writing
 * (--force or not), the rule that acting on several servers needs --all or --label, and queue
 * clearing where bmcweb refuses it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../../src/cli/args.ts';
import { bmcCommand } from '../../src/cli/bmc-command.ts';
import { hostCommand } from '../../src/cli/host-command.ts';
import { defaultDeps } from '../../src/deps.ts';
import {
  type SimBmc,
  type SimFleet,
  startSimulatedBmc,
  startSimulatedFleet,
} from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { createCaller } from '../simulator/helpers.ts';
import { pushBios, Session, waitFor } from '../simulator/update-helpers.ts';

let fleet: SimFleet;
let fleetFile: string;
const deps = defaultDeps({ logger: captureLogger('error').logger });
const caller = createCaller();
/** sim-0001 generic, sim-0002 openbmc, sim-0003 dell (the order of `vendors`). */
const bmc = (i: number) => fleet.bmcs[i] as SimBmc;

beforeAll(async () => {
  fleet = await startSimulatedFleet({
    count: 3,
    vendors: ['generic', 'openbmc', 'dell'],
    seed: 18,
    tls: false,
  });
  const dir = await mkdtemp(join(tmpdir(), 'fw-bmccli-'));
  fleetFile = (await fleet.writeFleetFile(join(dir, 'fleet.yaml'))).fleetFile;
});
afterAll(async () => {
  await caller.close();
  await fleet?.close();
});

type Command = typeof bmcCommand;
async function run(command: Command, ...args: string[]) {
  const chunks: string[] = [];
  const out = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  const code = await command(args, deps, out);
  const text = chunks.join('');
  return { code, text, json: () => JSON.parse(text) };
}
const FAST = ['--poll-ms', '20', '--timeout', '20', '--json'];

describe('firmwarden host power', () => {
  it('cycles one host and waits until it is On again; status reads PowerState', async () => {
    const r = await run(hostCommand, 'power', 'cycle', '--fleet', fleetFile, '--server', 'sim-0003', ...FAST);
    expect(r.code).toBe(0);
    const report = r.json().servers[0];
    expect(report).toMatchObject({
      server: 'sim-0003',
      vendor: 'dell',
      result: { before: 'On', after: 'On' },
    });
    // iDRAC 9 offers ForceRestart, not PowerCycle.
    expect(report.result.sent).toEqual(['ForceRestart']);
    const status = await run(hostCommand, 'power', 'status', '--fleet', fleetFile, '--json');
    expect(status.code).toBe(0);
    expect(status.json().servers.map((s: { result: { after: string } }) => s.result.after)).toEqual([
      'On',
      'On',
      'On',
    ]);
  });

  it('powers off and on, sending nothing when the host is already there', async () => {
    const off = await run(hostCommand, 'power', 'off', '--fleet', fleetFile, '--server', 'sim-0002', ...FAST);
    expect(off.json().servers[0].result).toMatchObject({ sent: ['ForceOff'], after: 'Off' });
    expect(bmc(1).powerState).toBe('Off');
    const again = await run(
      hostCommand,
      'power',
      'off',
      '--fleet',
      fleetFile,
      '--server',
      'sim-0002',
      ...FAST,
    );
    expect(again.json().servers[0].result).toMatchObject({ sent: [], note: 'already Off' });
    const on = await run(hostCommand, 'power', 'on', '--fleet', fleetFile, '--server', 'sim-0002', ...FAST);
    expect(on.json().servers[0].result).toMatchObject({ sent: ['On'], after: 'On' });
    expect(bmc(1).powerState).toBe('On');
  });

  it('graceful-off the OS ignores: a timeout, or with --force a ForceOff after it', async () => {
    bmc(1).setUpdateFaults({ gracefulIgnored: true });
    try {
      const args = [
        'power',
        'graceful-off',
        '--fleet',
        fleetFile,
        '--server',
        'sim-0002',
        '--poll-ms',
        '20',
        '--timeout',
        '1',
        '--json',
      ];
      const ignored = await run(hostCommand, ...args);
      expect(ignored.code).toBe(1);
      expect(ignored.json().servers[0].error.code).toBe('FW_ERR_POWER_TIMEOUT');
      expect(bmc(1).powerState).toBe('On');
      const forced = await run(hostCommand, ...args, '--force');
      expect(forced.code).toBe(0);
      expect(forced.json().servers[0].result).toMatchObject({
        sent: ['GracefulShutdown', 'ForceOff'],
        after: 'Off',
      });
    } finally {
      bmc(1).setUpdateFaults({ gracefulIgnored: false });
    }
    await run(hostCommand, 'power', 'on', '--fleet', fleetFile, '--server', 'sim-0002', ...FAST);
    expect(bmc(1).powerState).toBe('On');
  });

  it('refuses a host or BMC reset while the BMC is still writing firmware, --force or not', async () => {
    // A BMC of its own, named by --bmc flags: its task never ends (taskStuck).
    const busy = await startSimulatedBmc({ vendor: 'generic', tls: false, seed: 19 });
    process.env['FW_TEST_BUSY_PW'] = busy.password;
    const flags = [
      '--bmc',
      busy.url,
      '--allow-http',
      '--user',
      busy.username,
      '--password-env',
      'FW_TEST_BUSY_PW',
    ];
    try {
      const s = new Session(caller, busy);
      await s.login();
      busy.setUpdateFaults({ taskStuck: true });
      expect((await pushBios(s)).status).toBe(202);
      await waitFor('the update to run', async () => busy.updateHistory.at(-1)?.outcome === 'running');
      const outages = busy.availability.intervals.length;
      for (const args of [
        ['power', 'cycle'],
        ['power', 'off'],
        ['power', 'graceful-off', '--force'],
      ]) {
        const r = await run(hostCommand, ...args, ...flags, ...FAST);
        expect(r.code).toBe(1);
        expect(r.json().servers[0].error.code).toBe('FW_ERR_BMC_BUSY');
        expect(r.json().servers[0].error.message).toMatch(
          /still writing firmware \(task .* is (Starting|Running)/,
        );
      }
      const reset = await run(bmcCommand, 'reset', ...flags, ...FAST);
      expect(reset.code).toBe(1);
      expect(reset.json().servers[0].error.code).toBe('FW_ERR_BMC_BUSY');
      // Nothing was reset: the host stayed On and neither it nor the BMC was ever unavailable.
      expect(busy.powerState).toBe('On');
      expect(busy.availability.intervals.length).toBe(outages);
      // Reading is not refused.
      expect((await run(hostCommand, 'power', 'status', ...flags, '--json')).code).toBe(0);
    } finally {
      await busy.close();
    }
  });

  it.each([
    [
      ['power', 'off', '--fleet', 'FLEET', '--server', 'sim-0001', '--server', 'sim-0002'],
      /acts on 2 servers.*--all/,
    ],
    [['power', 'cycle', '--fleet', 'FLEET'], /--server NAME, --label KEY=VALUE or --all/],
    [['power', 'on', '--fleet', 'FLEET', '--label', 'rack'], /--label expects KEY=VALUE/],
    [['power', 'on', '--fleet', 'FLEET', '--label', 'rack=nowhere'], /no server matches/],
    [
      ['power', 'on', '--fleet', 'FLEET', '--server', 'sim-0001', '--force'],
      /--force only applies to graceful-off/,
    ],
    [['power', 'reboot'], /expected power on\|off/],
  ])('refuses %j as bad usage (exit 2)', async (args, message) => {
    const argv = args.map((a) => (a === 'FLEET' ? fleetFile : a));
    const err = await run(hostCommand, ...argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(message);
    expect(isInputError(err)).toBe(true);
  });
});

describe('firmwarden bmc', () => {
  it('resets BMCs selected by label and waits until each answers again after its reboot', async () => {
    const r = await run(
      bmcCommand,
      'reset',
      '--fleet',
      fleetFile,
      '--label',
      'site=sim-a',
      '--concurrency',
      '3',
      ...FAST,
    );
    expect(r.code).toBe(0);
    const servers = r.json().servers;
    expect(servers.map((s: { result: { resetType: string } }) => s.result.resetType)).toEqual([
      'GracefulRestart',
      'GracefulRestart',
      'GracefulRestart',
    ]);
    // Each BMC went down (a reboot interval) and is answering now.
    for (let i = 0; i < 3; i++) {
      expect(bmc(i).rebooting).toBe(false);
      expect(bmc(i).availability.intervals.some((x) => x.reasons.includes('bmc-reboot'))).toBe(true);
    }
    // bmcweb and iDRAC report Manager.LastResetTime: the one read once back.
    expect(servers[1].result.lastResetTime).toBeDefined();
  });

  it('clear-jobs: bmcweb allows no DELETE on its tasks, so it says so; a DMTF service deletes finished ones', async () => {
    for (const i of [0, 1]) {
      const s = new Session(caller, bmc(i));
      await s.login();
      const r = await pushBios(s, { '@Redfish.OperationApplyTime': 'Immediate' });
      expect(r.status).toBe(202);
      await waitFor('the update to finish', async () => bmc(i).updateHistory.at(-1)?.outcome === 'installed');
    }
    const r = await run(
      bmcCommand,
      'clear-jobs',
      '--fleet',
      fleetFile,
      '--server',
      'sim-0001',
      '--server',
      'sim-0002',
      '--all',
      '--json',
    );
    expect(r.code).toBe(1);
    const [generic, openbmc] = r.json().servers;
    expect(generic.result.removed.length).toBeGreaterThan(0);
    expect(generic.result.kept).toEqual([]);
    expect(openbmc.error.code).toBe('FW_ERR_UNSUPPORTED');
    expect(openbmc.error.message).toMatch(/not supported by this BMC .*405/);
    const s = new Session(caller, bmc(0));
    await s.login();
    expect((await s.call('/redfish/v1/TaskService/Tasks')).json.Members).toEqual([]);
  });
});

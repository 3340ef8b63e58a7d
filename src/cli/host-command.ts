/**
 * `firmwarden host power on|off|graceful-off|cycle|status`: the host's power through
 * ComputerSystem.Reset, on one BMC or on servers of a fleet file. Never while a BMC is still
 * writing firmware (src/actions/host-power.ts); --force does not change that.
 */
import { eachServer } from '../actions/each-server.ts';
import {
  HOST_POWER_ACTIONS,
  type HostPowerAction,
  type HostPowerResult,
  hostPower,
} from '../actions/host-power.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { writeReports } from './action-report.ts';
import { intFlag, parse } from './args.ts';
import { HOST_HELP } from './command-help.ts';
import { progressBar } from './render.ts';
import { SELECTION_OPTIONS, selectServers } from './server-selection.ts';

/**
 * Defaults: one host at a time for a change (the fleet file has no blast-radius setting: raise it
 * with --concurrency), many for status; a host gets 5 minutes to reach the state asked for.
 */
const DEFAULTS = { changeConcurrency: 1, statusConcurrency: 16, timeoutSeconds: 300, pollMs: 2_000 };

export async function hostCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const [what, action, ...rest] = argv;
  if (what !== 'power' || !(HOST_POWER_ACTIONS as readonly string[]).includes(action ?? '')) {
    throw new ConfigError(
      'firmwarden host',
      `expected power ${HOST_POWER_ACTIONS.join('|')}, got ${JSON.stringify([what, action].filter(Boolean).join(' '))}\n\n${HOST_HELP}`,
    );
  }
  const act = action as HostPowerAction;
  const command = `host power ${act}`;
  const { values } = parse(command, rest, {
    ...SELECTION_OPTIONS,
    json: { type: 'boolean' },
    force: { type: 'boolean' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    'poll-ms': { type: 'string' },
  });
  if (values.force && act !== 'graceful-off') {
    throw new ConfigError(
      `firmwarden ${command}`,
      '--force only applies to graceful-off (ForceOff once the OS ignored the shutdown)',
    );
  }
  const servers = await selectServers(command, values, act !== 'status');
  const concurrency = intFlag(
    command,
    'concurrency',
    values.concurrency,
    act === 'status' ? DEFAULTS.statusConcurrency : DEFAULTS.changeConcurrency,
  );
  const timeoutMs = intFlag(command, 'timeout', values.timeout, DEFAULTS.timeoutSeconds) * 1000;
  const pollMs = intFlag(command, 'poll-ms', values['poll-ms'], DEFAULTS.pollMs);
  const bar = progressBar(command);
  const reports = await eachServer(
    servers,
    deps,
    { concurrency, onServer: (s, done, total) => bar.update(done, total, s) },
    (h) =>
      hostPower(h, act, {
        timeoutMs,
        pollMs,
        ...(values.force ? { force: true } : {}),
        onStep: (step) => deps.logger.info({ server: h.server.name, step }, command),
      }),
  );
  bar.done();
  return writeReports(out, command, reports, Boolean(values.json), (r: HostPowerResult) => ({
    result: r.after ?? r.before ?? 'unknown',
    detail:
      act === 'status'
        ? ''
        : [r.sent.length ? `ComputerSystem.Reset ${r.sent.join(', then ')}` : 'nothing sent', r.note]
            .filter(Boolean)
            .join('; '),
  }));
}

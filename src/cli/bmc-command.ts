/**
 * `firmwarden bmc reset|clear-jobs`: BMC actions outside an update, on one BMC or on servers of a
 * fleet file. Thin: the actions live in src/actions/, vendor ways in the drivers.
 */
import { type BmcResetResult, resetBmc } from '../actions/bmc-reset.ts';
import { clearJobs } from '../actions/clear-jobs.ts';
import { eachServer } from '../actions/each-server.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import type { QueueCleared } from '../vendors/types.ts';
import { writeReports } from './action-report.ts';
import { intFlag, parse } from './args.ts';
import { BMC_HELP } from './command-help.ts';
import { progressBar } from './render.ts';
import { SELECTION_OPTIONS, selectServers } from './server-selection.ts';

/**
 * Defaults: one BMC reset at a time (the fleet file has no blast-radius setting; a BMC reset
 * pauses management, not the host, so --concurrency may raise it); a reboot gets 10 minutes.
 */
const DEFAULTS = { resetConcurrency: 1, clearConcurrency: 8, timeoutSeconds: 600, pollMs: 5_000 };

export async function bmcCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'reset' && sub !== 'clear-jobs') {
    throw new ConfigError(
      'firmwarden bmc',
      `expected reset or clear-jobs, got ${JSON.stringify(sub ?? '')}\n\n${BMC_HELP}`,
    );
  }
  const command = `bmc ${sub}`;
  const { values } = parse(command, rest, {
    ...SELECTION_OPTIONS,
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    'poll-ms': { type: 'string' },
  });
  const servers = await selectServers(command, values, true);
  const concurrency = intFlag(
    command,
    'concurrency',
    values.concurrency,
    sub === 'reset' ? DEFAULTS.resetConcurrency : DEFAULTS.clearConcurrency,
  );
  const timeoutMs = intFlag(command, 'timeout', values.timeout, DEFAULTS.timeoutSeconds) * 1000;
  const pollMs = intFlag(command, 'poll-ms', values['poll-ms'], DEFAULTS.pollMs);
  const bar = progressBar(command);
  const options = {
    concurrency,
    onServer: (s: string, done: number, total: number) => bar.update(done, total, s),
  };
  let code: number;
  if (sub === 'reset') {
    const reports = await eachServer(servers, deps, options, (h) =>
      resetBmc(h, {
        timeoutMs,
        pollMs,
        onStep: (step) => deps.logger.info({ server: h.server.name, step }, 'bmc reset'),
      }),
    );
    bar.done();
    code = writeReports(out, command, reports, Boolean(values.json), (r: BmcResetResult) => ({
      result: 'reset',
      detail: `Manager.Reset ${r.resetType}; answering again after ${r.downSeconds} s`,
    }));
  } else {
    const reports = await eachServer(servers, deps, options, (h) => clearJobs(h));
    bar.done();
    code = writeReports(out, command, reports, Boolean(values.json), (r: QueueCleared) => ({
      result: 'cleared',
      detail: `${r.removed.length} removed${r.kept.length ? `, ${r.kept.length} still writing kept (${r.kept.join(', ')})` : ''}: ${r.how}`,
    }));
  }
  return code;
}

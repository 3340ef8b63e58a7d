/**
 * The CLI's logger, from the global options and the environment. On a terminal a person reads
 * the console: logs are quiet (warn and above) and pretty, one short line each, written above
 * any live progress view. Off a terminal (pipes, CI, systemd) they are JSON lines at info, as a
 * log shipper expects. --log-file appends JSON lines to a file (created 0600) whatever the console
 * shows. Flags win over FIRMWARDEN_LOG_LEVEL / FIRMWARDEN_LOG_FORMAT, which win over these rules.
 */
import type { Logger } from 'pino';
import { ConfigError } from '../errors.ts';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogPlan, planLogger } from '../log.ts';
import type { LogFlags } from './args.ts';
import { writeAboveLive } from './live-region.ts';

/** The rules' defaults, one place. */
export const LOG_DEFAULTS = {
  /** On a terminal only what an operator must act on; the rest is in --log-file or --log-level. */
  ttyLevel: 'warn',
  /** Off a terminal the record is for later: routine events included. */
  plainLevel: 'info',
  /** A --log-file without --log-level records what a pipe would. */
  fileLevel: 'info',
} as const;

/** Builds the logger of one CLI run. `stream` is the console (stderr); its isTTY picks the rules. */
export function cliLogger(
  flags: LogFlags,
  env: NodeJS.ProcessEnv = process.env,
  stream: NodeJS.WriteStream = process.stderr,
): Logger {
  const tty = Boolean(stream.isTTY);
  const chosen =
    checkLevel(flags.level, '--log-level') ?? checkLevel(env['FIRMWARDEN_LOG_LEVEL'], 'FIRMWARDEN_LOG_LEVEL');
  const format =
    checkFormat(flags.format, '--log-format') ??
    checkFormat(env['FIRMWARDEN_LOG_FORMAT'], 'FIRMWARDEN_LOG_FORMAT') ??
    (tty ? 'pretty' : 'json');
  const plan: LogPlan = {
    level: chosen ?? (tty ? LOG_DEFAULTS.ttyLevel : LOG_DEFAULTS.plainLevel),
    format,
    colour: tty && format === 'pretty' && !env['NO_COLOR'],
    ...(flags.file ? { file: flags.file, fileLevel: chosen ?? LOG_DEFAULTS.fileLevel } : {}),
  };
  return planLogger(plan, { write: (line: string) => writeAboveLive(stream, line) });
}

function checkLevel(value: string | undefined, source: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(
      source,
      `unknown log level ${JSON.stringify(value)}: expected ${LOG_LEVELS.join(', ')}`,
    );
  }
  return value;
}

function checkFormat(value: string | undefined, source: string): LogFormat | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(LOG_FORMATS as readonly string[]).includes(value)) {
    throw new ConfigError(source, `unknown log format ${JSON.stringify(value)}: expected json or pretty`);
  }
  return value as LogFormat;
}

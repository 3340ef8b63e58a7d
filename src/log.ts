/**
 * pino logger with secrets redacted. Anything that could carry a password or session token is
 * listed here, whatever the depth it appears at; tests assert that none reaches the output, in
 * every format and every sink (the pretty form is made from the redacted JSON line).
 */
import { openSync } from 'node:fs';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { ConfigError } from './errors.ts';
import { prettyLine } from './log-pretty.ts';

/** Paths pino censors. `*.` covers one level of nesting; the common carriers are listed deeper. */
export const REDACT_PATHS = [
  'password',
  'Password',
  'token',
  'authorization',
  'Authorization',
  'x-auth-token',
  'X-Auth-Token',
  '*.password',
  '*.Password',
  '*.token',
  '*.authorization',
  '*.Authorization',
  '*["x-auth-token"]',
  '*["X-Auth-Token"]',
  '*.*.password',
  '*.*.Password',
  '*.*.token',
  '*.*.authorization',
  '*.*["x-auth-token"]',
  'credentials',
  '*.credentials',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  // Webhook secrets (events) and the signatures made with them.
  'secret',
  '*.secret',
  '*.*.secret',
  '*["x-firmwarden-signature"]',
];

/** The levels a user may name (--log-level, FIRMWARDEN_LOG_LEVEL), most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** json: one JSON object a line (machines, files); pretty: one short human line (terminals). */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** One place log lines go, with its own threshold and format. */
export interface LogSink {
  stream: DestinationStream;
  /** Defaults to the logger's level. */
  level?: string;
  /** Defaults to json. */
  format?: LogFormat;
  /** Colour the level word of pretty lines. */
  colour?: boolean;
}

export interface LoggerOptions {
  level?: string;
  /** Where the lines go; stderr by default so stdout stays for results. Ignored when `sinks` is given. */
  destination?: DestinationStream;
  format?: LogFormat;
  /** Several destinations at once (console and --log-file), each with its level and format. */
  sinks?: LogSink[];
}

/** Creates the process logger. Level from options, else FIRMWARDEN_LOG_LEVEL, else `info`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env['FIRMWARDEN_LOG_LEVEL'] ?? 'info';
  const sinks = options.sinks ?? [
    {
      stream: options.destination ?? pino.destination(2),
      ...(options.format ? { format: options.format } : {}),
    },
  ];
  const streams = sinks.map((s) => ({
    level: (s.level ?? level) as LevelWithSilent,
    stream: s.format === 'pretty' ? prettyStream(s.stream, s.colour === true) : s.stream,
  }));
  const lowest = streams.reduce((a, b) => (levelValue(b.level) < levelValue(a.level) ? b : a)).level;
  const settings = {
    level: lowest,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { app: 'firmwarden' },
  };
  // multistream knows no 'silent': a silent sink is left out (all silent: the logger is).
  const open = streams.filter((s) => s.level !== 'silent');
  const first = (open[0] ?? streams[0]) as (typeof streams)[number];
  return pino(settings, open.length > 1 ? pino.multistream(open) : first.stream);
}

/** pino's number for a level name; silent is above everything. */
function levelValue(level: string): number {
  return level === 'silent' ? Number.POSITIVE_INFINITY : (pino.levels.values[level] ?? 30);
}

/** A destination that takes pino's (already redacted) JSON lines and writes their pretty form. */
function prettyStream(target: DestinationStream, colour: boolean): DestinationStream {
  return { write: (line: string) => target.write(prettyLine(line, colour)) };
}

/**
 * A logger's settings as plain data, so a worker thread (daemon jobs) logs the way its process
 * does: same console level and format, same --log-file.
 */
export interface LogPlan {
  /** Console threshold. */
  level: string;
  format: LogFormat;
  colour?: boolean;
  /** JSON lines appended here too, at `fileLevel`. */
  file?: string;
  fileLevel?: string;
}

/** Where a logger made by planLogger keeps its plan; pino's children inherit it (Object.create). */
const PLAN = Symbol('firmwarden.logPlan');

/** Creates a logger from a plan: the console (stderr unless given) and the plan's file, if any. */
export function planLogger(plan: LogPlan, console: DestinationStream = pino.destination(2)): Logger {
  const sinks: LogSink[] = [
    { stream: console, level: plan.level, format: plan.format, colour: plan.colour === true },
  ];
  if (plan.file) sinks.push({ stream: openLogFile(plan.file), level: plan.fileLevel ?? plan.level });
  const logger = createLogger({ sinks });
  Object.defineProperty(logger, PLAN, { value: plan });
  return logger;
}

/** The plan a logger (or any of its children) was made from, if planLogger made it. */
export function logPlanOf(logger: Logger): LogPlan | undefined {
  return (logger as unknown as { [PLAN]?: LogPlan })[PLAN];
}

/** Appends, created owner-only (the lines are redacted, but a log is nobody else's business). */
function openLogFile(file: string): DestinationStream {
  let fd: number;
  try {
    fd = openSync(file, 'a', 0o600);
  } catch (err) {
    throw new ConfigError('--log-file', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  // Synchronous writes: a line logged just before process.exit (a second Ctrl-C) is not lost.
  return pino.destination({ fd, sync: true });
}

/** Argument parsing shared by the commands (node:util parseArgs, strict). */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError, FirmwardenError } from '../errors.ts';

/** Exit codes (main.ts states the rule): 0 done as asked, 1 ran but not as asked, 2 bad input. */
export const EXIT = { ok: 0, partial: 1, usage: 2 } as const;

/** parseArgs that turns its errors into ConfigError naming the command and where its help is. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (err) {
    // "Unknown option '--x'. To specify a positional argument…": the first sentence is the news;
    // the rest is parseArgs' advice, not firmwarden's. Help is per top-level command.
    const what = (err as Error).message.split('. ')[0]?.replace(/\.$/, '') ?? '';
    const top = command.split(' ')[0];
    throw new ConfigError(
      `firmwarden ${command}`,
      `${what.charAt(0).toLowerCase()}${what.slice(1)}: see firmwarden ${top} --help`,
      { cause: err },
    );
  }
}

/** A flag that must parse as a positive integer. */
export function intFlag(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new ConfigError(
      `firmwarden ${command}`,
      `--${name} expects a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Bad input (flags, config, fleet file, catalog, policy, plan prerequisites): exit 2. */
export function isInputError(err: unknown): boolean {
  return err instanceof FirmwardenError && /^FW_ERR_(CONFIG|CATALOG|PLAN_)/.test(err.code);
}

/** The global logging options, taken before the command sees its argv (cli/log-setup.ts). */
export interface LogFlags {
  format?: string;
  level?: string;
  file?: string;
}

const LOG_FLAGS = { '--log-format': 'format', '--log-level': 'level', '--log-file': 'file' } as const;

/**
 * Takes the global options out of argv, wherever they stand (before or after the command name),
 * as `--flag VALUE` or `--flag=VALUE`; the rest goes to the command, whose parser is strict.
 */
export function takeGlobalOptions(argv: readonly string[]): { argv: string[]; log: LogFlags } {
  const rest: string[] = [];
  const log: LogFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!Object.hasOwn(LOG_FLAGS, flag)) {
      rest.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      throw new ConfigError(flag, 'needs a value: see firmwarden --help');
    }
    log[LOG_FLAGS[flag as keyof typeof LOG_FLAGS]] = value;
  }
  return { argv: rest, log };
}

/**
 * The one line a failed command prints: `firmwarden <command>: CODE: message`. Errors about the
 * command's own flags already name it as their source ("firmwarden rollout start: …"); that more
 * precise prefix is used in place of the command's, never both.
 */
export function commandErrorLine(command: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof FirmwardenError ? `${err.code}: ` : '';
  const own = new RegExp(`^(firmwarden ${command}(?: [a-z][a-z-]*)*): `).exec(message);
  if (own) return `${own[1]}: ${code}${message.slice(own[0].length)}`;
  return `firmwarden ${command}: ${code}${message}`;
}

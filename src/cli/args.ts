/** Argument parsing shared by the commands (node:util parseArgs, strict). */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError, FirmwardenError } from '../errors.ts';

/** Exit codes (main.ts states the rule): 0 done as asked, 1 ran but not as asked, 2 bad input. */
export const EXIT = { ok: 0, partial: 1, usage: 2 } as const;

/** parseArgs that turns its errors into ConfigError naming the command. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (err) {
    throw new ConfigError(`firmwarden ${command}`, (err as Error).message, { cause: err });
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

/**
 * `firmwarden completion bash|zsh|fish`: prints the shell's completion script, generated from
 * the command list and help texts the CLI answers from (completion-spec.ts), so it cannot drift.
 */
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { EXIT, parse } from './args.ts';
import { COMPLETION_HELP } from './command-help.ts';
import { bashScript, fishScript, zshScript } from './completion-scripts.ts';
import { completionSpec } from './completion-spec.ts';

const SHELLS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

export async function completionCommand(
  argv: string[],
  _deps: Deps,
  out: NodeJS.WritableStream,
): Promise<number> {
  // Options first: `completion --bogus` is an unknown option, not an unknown shell.
  parse(
    'completion',
    argv.filter((a) => a.startsWith('-')),
    {},
  );
  const [shell, ...rest] = argv;
  parse('completion', rest, {});
  if (shell === undefined || !Object.hasOwn(SHELLS, shell))
    throw new ConfigError(
      'firmwarden completion',
      `expected a shell, bash, zsh or fish; got ${JSON.stringify(shell ?? '')}\n\n${COMPLETION_HELP}`,
    );
  out.write(SHELLS[shell as keyof typeof SHELLS](completionSpec()));
  return EXIT.ok;
}

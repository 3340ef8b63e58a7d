/**
 * What shell completion offers, read from the tables the CLI itself answers from: the command
 * list of `firmwarden --help` (main.test.ts holds it equal to main.ts COMMANDS), each command's help text (the usage lines name its subcommands and
 * options, with their value placeholders or choices) and the domain vocabulary (component kinds,
 * daemon jobs). A command or option added to the CLI's help is completed without another edit.
 */
import { JOB_NAMES } from '../daemon/job-names.ts';
import { ComponentKindSchema, VendorSchema } from '../vocab.ts';
import * as help from './command-help.ts';

export interface OptionSpec {
  /** Without the leading dashes. */
  name: string;
  /** Takes a value (FILE, N, a choice...): the word after it is not an option. */
  takesValue: boolean;
  /** The values it takes, when they are a fixed set. */
  choices?: string[];
}

export interface CommandSpec {
  name: string;
  /** One line from `firmwarden --help`. */
  summary: string;
  subcommands: string[];
  options: OptionSpec[];
}

/** Value sets the help texts name by placeholder rather than list. */
const VOCABULARY: Record<string, readonly string[]> = {
  kind: ComponentKindSchema.options,
  job: JOB_NAMES,
  vendor: VendorSchema.options,
};

/** The help text of a command (command-help.ts names them <NAME>_HELP). */
export function helpOf(command: string): string {
  const key = `${command.toUpperCase().replaceAll('-', '_')}_HELP`;
  const text = HELPS.get(key);
  if (text === undefined) throw new Error(`no ${key} in command-help.ts for command ${command}`);
  return text;
}
const HELPS = new Map<string, string>(Object.entries(help));

/** Every `--option` a help text names, with whether it takes a value and its choices. */
export function optionsOf(text: string): OptionSpec[] {
  const byName = new Map<string, OptionSpec>();
  for (const m of text.matchAll(/--([a-z][a-z0-9-]*)(?:[ =]([^\s\]]+))?/g)) {
    const name = m[1] as string;
    const value = m[2] ?? '';
    // A placeholder (FILE, N, KEY=VALUE, HOST[:PORT]) or a choice list (csv|json); prose is not.
    const placeholder = /^[A-Z][A-Z0-9_]*(?:[=:[,.|)]|$)/.test(value);
    const choices = /^[a-z0-9-]+(?:\|[a-z0-9-]+)+$/.test(value) ? value.split('|') : undefined;
    const spec = byName.get(name) ?? { name, takesValue: false };
    if (placeholder || choices || /^\d|,/.test(value)) spec.takesValue = true;
    if (choices) spec.choices = [...new Set([...(spec.choices ?? []), ...choices])];
    byName.set(name, spec);
  }
  for (const spec of byName.values()) {
    const known = VOCABULARY[spec.name];
    if (known && spec.takesValue) spec.choices = [...known];
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The subcommands a help's usage lines name: `firmwarden rollout pause|abort --id ID`. */
export function subcommandsOf(command: string, text: string): string[] {
  const out = new Set<string>();
  const line = new RegExp(`^firmwarden ${command} ([a-z][a-z-]*(?:\\|[a-z][a-z-]*)*)(?:\\s|$)`, 'gm');
  for (const m of text.matchAll(line)) for (const s of (m[1] as string).split('|')) out.add(s);
  return [...out];
}

/** The summary line of each command in `firmwarden --help`. */
function summaries(): Map<string, string> {
  const out = new Map<string, string>();
  // The block after "commands:" up to the first blank line; other blocks (options) are not commands.
  const block = /(?:^|\n)commands:\n([\s\S]*?)(?:\n\s*\n|$)/.exec(help.USAGE)?.[1] ?? '';
  for (const m of block.matchAll(/^ {2}([a-z][a-z-]*) +(.+)$/gm)) out.set(m[1] as string, m[2] as string);
  return out;
}

/** The completion spec of every command `firmwarden --help` lists, in its order. */
export function completionSpec(): CommandSpec[] {
  const lines = summaries();
  return [...lines.keys()].map((name) => {
    const text = helpOf(name);
    return {
      name,
      summary: lines.get(name) ?? '',
      subcommands: subcommandsOf(name, text),
      options: optionsOf(text),
    };
  });
}

/**
 * `firmwarden completion bash|zsh|fish`: every command and every option its help names is
 * completed (bash is driven for real: the script is sourced and its function asked as the shell
 * would), subcommands and fixed values too, so the completion cannot drift from the CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as help from '../../src/cli/command-help.ts';
import { completionCommand } from '../../src/cli/completion-command.ts';
import { COMMAND_NAMES } from '../../src/cli/main.ts';
import { defaultDeps } from '../../src/deps.ts';
import { ComponentKindSchema } from '../../src/vocab.ts';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function completion(shell: string): Promise<string> {
  let text = '';
  const out = new Writable({
    write(c, _e, cb) {
      text += String(c);
      cb();
    },
  });
  await completionCommand([shell], defaultDeps(), out);
  return text;
}

/** The options a command's own --help names. */
const helpOptions = (name: string): string[] => {
  const text = Object.entries(help).find(([k]) => k === `${name.toUpperCase()}_HELP`)?.[1] ?? '';
  return [...new Set([...text.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => `--${m[1]}`))];
};

let dir: string;
let bash: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-completion-'));
  bash = join(dir, 'firmwarden.bash');
  await writeFile(bash, await completion('bash'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** What bash offers after `firmwarden <words>`, the last word being completed. */
async function complete(...words: string[]): Promise<string[]> {
  const line = ['firmwarden', ...words].map((w) => `'${w}'`).join(' ');
  const script = `source '${bash}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length}; _firmwarden; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const { stdout } = await exec('bash', ['--norc', '--noprofile', '-c', script], { cwd: dir });
  return stdout.split('\n').filter(Boolean);
}

describe('firmwarden completion', () => {
  it('bash completes every command, and every option its help names', async () => {
    expect((await complete('')).sort()).toEqual([...COMMAND_NAMES, '--help', '--version'].sort());
    for (const name of COMMAND_NAMES) {
      const offered = await complete(name, '--');
      const wanted = helpOptions(name);
      expect(wanted.length + (name === 'completion' ? 1 : 0), name).toBeGreaterThan(0);
      for (const option of wanted) expect(offered, `${name} ${option}`).toContain(option);
    }
  });

  it('bash completes subcommands and fixed values (kinds from the vocabulary)', async () => {
    expect(await complete('rollout', '')).toEqual(
      expect.arrayContaining(['start', 'list', 'status', 'pause', 'resume', 'abort']),
    );
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('update', '--kind', '')).toEqual(ComponentKindSchema.options);
    expect(await complete('update', '--kind', 'b')).toEqual(['bmc', 'bios']);
    expect(await complete('jobs', '--job', 'inv')).toEqual(['inventory-scan']);
    expect(await complete('update', '--dr')).toEqual(['--dry-run']);
    // After an option that takes a value, file names, not options.
    await writeFile(join(dir, 'fleet.yaml'), '');
    expect(await complete('update', '--fleet', 'fle')).toEqual(['fleet.yaml']);
  });

  it.each(['zsh', 'fish'])('%s names every command and option the help names', async (shell) => {
    const script = await completion(shell);
    for (const name of COMMAND_NAMES) {
      const section =
        shell === 'zsh' ? new RegExp(`^ {4}${name}\\) subs=.*$`, 'm').exec(script)?.[0] : script;
      expect(section, name).toBeDefined();
      for (const option of helpOptions(name)) {
        if (shell === 'zsh') expect(section, `${name} ${option}`).toMatch(new RegExp(`[( ]${option}[ )]`));
        else
          expect(script, `${name} ${option}`).toMatch(
            new RegExp(`seen_subcommand_from ${name}' -l ${option.slice(2)}(\\s|$)`, 'm'),
          );
      }
    }
  });

  it("every option a command's parser takes is named in its help, so completion offers it", async () => {
    const cli = (file: string) => readFile(join(ROOT, 'src', 'cli', file), 'utf8');
    const keys = (text: string) =>
      [...text.matchAll(/'?([a-z][a-z0-9-]*)'?: \{ type: '(?:string|boolean)'/g)].map((m) => m[1] as string);
    for (const name of COMMAND_NAMES) {
      const src = await cli(`${name}-command.ts`);
      const options = keys(src);
      // Shared flag tables spread into the parser (...SELECT_OPTIONS, ...STATE_FLAGS): read them too.
      for (const [, table] of src.matchAll(/\.\.\.([A-Z_]+(?:OPTIONS|FLAGS))\b/g)) {
        for (const file of ['select-flags.ts', 'state-flags.ts', 'store-command.ts']) {
          const text = await cli(file);
          const at = text.indexOf(`export const ${table} =`);
          if (at >= 0) {
            const body = text.slice(at, text.indexOf('} as const', at));
            options.push(...keys(body));
            for (const [, inner] of body.matchAll(/\.\.\.([A-Z_]+(?:OPTIONS|FLAGS))\b/g))
              options.push(
                ...keys((await cli('store-command.ts')).split(`export const ${inner} =`)[1] ?? ''),
              );
          }
        }
      }
      const offered = await complete(name, '--');
      for (const option of new Set(options)) expect(offered, `${name} --${option}`).toContain(`--${option}`);
    }
  });

  it('an unknown shell is refused naming the choices', async () => {
    await expect(completion('tcsh')).rejects.toThrow(/expected a shell, bash, zsh or fish; got "tcsh"/);
  });
});

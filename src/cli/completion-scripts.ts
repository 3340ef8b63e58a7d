/**
 * Shell completion scripts (bash, zsh, fish) written from a {@link CommandSpec} list: commands at
 * the first word, a command's subcommands at the second, its options after a dash, the fixed
 * values of an option after it, and file names otherwise. Names are [a-z0-9-] only (the spec
 * parser admits nothing else), so they need no quoting in any of the three shells.
 */
import type { CommandSpec } from './completion-spec.ts';

const GLOBAL = ['--help', '--version'];
const words = (xs: readonly string[]) => xs.join(' ');
const dashed = (c: CommandSpec) => [...c.options.map((o) => `--${o.name}`), '--help'];

/** bash: a `complete -F` function over COMP_WORDS. */
export function bashScript(specs: CommandSpec[]): string {
  const values = specs.flatMap((c) =>
    c.options
      .filter((o) => o.choices)
      .map(
        (o) =>
          `    "${c.name} --${o.name}") COMPREPLY=($(compgen -W "${words(o.choices ?? [])}" -- "$cur")); return ;;`,
      ),
  );
  const takes = specs.flatMap((c) =>
    c.options.filter((o) => o.takesValue && !o.choices).map((o) => `"${c.name} --${o.name}"`),
  );
  const perCommand = specs.map(
    (c) => `    ${c.name}) subs="${words(c.subcommands)}"; opts="${words(dashed(c))}" ;;`,
  );
  return `# firmwarden completion for bash: source <(firmwarden completion bash)
_firmwarden() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="\${COMP_WORDS[1]}"
  local subs="" opts=""
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${words([...specs.map((c) => c.name), ...GLOBAL])}" -- "$cur"))
    return
  fi
  case "$cmd $prev" in
${values.join('\n')}
  esac
  case "$cmd $prev" in
    ${takes.length ? takes.join('|') : '"-"'}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  case "$cmd" in
${perCommand.join('\n')}
    *) return ;;
  esac
  if [[ $COMP_CWORD -eq 2 && -n "$subs" && "$cur" != -* ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _firmwarden firmwarden
`;
}

/** zsh: a completion function (works sourced, or saved as _firmwarden on $fpath). */
export function zshScript(specs: CommandSpec[]): string {
  const values = specs.flatMap((c) =>
    c.options
      .filter((o) => o.choices)
      .map((o) => `    "${c.name} --${o.name}") compadd -- ${words(o.choices ?? [])}; return ;;`),
  );
  const perCommand = specs.map(
    (c) => `    ${c.name}) subs=(${words(c.subcommands)}); opts=(${words(dashed(c))}) ;;`,
  );
  return `#compdef firmwarden
# firmwarden completion for zsh: source <(firmwarden completion zsh)
_firmwarden() {
  local cmd=\${words[2]} cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  local -a subs opts
  if (( CURRENT == 2 )); then
    compadd -- ${words([...specs.map((c) => c.name), ...GLOBAL])}
    return
  fi
  case "$cmd $prev" in
${values.join('\n')}
  esac
  case $cmd in
${perCommand.join('\n')}
    *) return ;;
  esac
  if (( CURRENT == 3 )) && (( \${#subs} )) && [[ $cur != -* ]]; then
    compadd -- $subs
  elif [[ $cur == -* ]]; then
    compadd -- $opts
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" == _firmwarden ]]; then _firmwarden "$@"; else compdef _firmwarden firmwarden; fi
`;
}

/** fish: `complete` lines, one per command, subcommand list and option. */
export function fishScript(specs: CommandSpec[]): string {
  const lines = [
    '# firmwarden completion for fish: firmwarden completion fish | source',
    'complete -c firmwarden -f',
    'complete -c firmwarden -n __fish_use_subcommand -l help -d "usage"',
    'complete -c firmwarden -n __fish_use_subcommand -l version -s V -d "version"',
  ];
  const quote = (s: string) => `'${s.replaceAll("'", "\\'")}'`;
  for (const c of specs) {
    lines.push(`complete -c firmwarden -n __fish_use_subcommand -a ${c.name} -d ${quote(c.summary)}`);
    const inCmd = `__fish_seen_subcommand_from ${c.name}`;
    if (c.subcommands.length)
      lines.push(
        `complete -c firmwarden -n '${inCmd}; and not __fish_seen_subcommand_from ${words(c.subcommands)}' -a '${words(c.subcommands)}'`,
      );
    for (const o of [...c.options, { name: 'help', takesValue: false }]) {
      const value =
        'choices' in o && o.choices ? ` -x -a '${words(o.choices)}'` : o.takesValue ? ' -r -F' : '';
      lines.push(`complete -c firmwarden -n '${inCmd}' -l ${o.name}${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

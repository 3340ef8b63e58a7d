/**
 * Which servers an action command acts on: one BMC by flags (`--bmc URL ...`), or servers of a
 * fleet file by `--server NAME`, `--label KEY=VALUE` and `--all`. Acting on more than one server
 * needs `--all` or `--label` said out loud, so a mistyped command cannot reset a whole fleet.
 */
import { ConfigError } from '../errors.ts';
import { loadFleetFile, type ResolvedServer } from '../fleet/load.ts';
import { SINGLE_BMC_OPTIONS, singleBmc } from './inventory-command.ts';

/** The selection flags (and the single-BMC ones) every action command takes. */
export const SELECTION_OPTIONS = {
  ...SINGLE_BMC_OPTIONS,
  fleet: { type: 'string' },
  server: { type: 'string', multiple: true },
  label: { type: 'string', multiple: true },
  all: { type: 'boolean' },
} as const;

export interface SelectionFlags {
  bmc?: string | undefined;
  fleet?: string | undefined;
  server?: string[] | undefined;
  label?: string[] | undefined;
  all?: boolean | undefined;
  [flag: string]: string | string[] | boolean | undefined;
}

/** `KEY=VALUE` into a pair; a bad one names the flag. */
function labelPair(command: string, text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0)
    throw new ConfigError(`firmwarden ${command}`, `--label expects KEY=VALUE, got ${JSON.stringify(text)}`);
  return [text.slice(0, at), text.slice(at + 1)];
}

/**
 * Resolves the servers to act on. `confirm`: more than one server needs --all or --label
 * (read-only commands pass false).
 */
export async function selectServers(
  command: string,
  flags: SelectionFlags,
  confirm: boolean,
): Promise<ResolvedServer[]> {
  const src = `firmwarden ${command}`;
  if (flags.bmc) {
    if (flags.fleet) throw new ConfigError(src, 'use --fleet or --bmc, not both');
    if (flags.server?.length || flags.label?.length || flags.all)
      throw new ConfigError(src, '--server, --label and --all select servers of a --fleet file');
    const { server: _s, label: _l, all: _a, fleet: _f, ...single } = flags;
    return [await singleBmc(single as Record<string, string | boolean | undefined>, command)];
  }
  if (!flags.fleet)
    throw new ConfigError(src, '--fleet FILE (with --server, --label or --all) or --bmc URL is required');
  let servers = await loadFleetFile(flags.fleet);
  const names = flags.server ?? [];
  if (names.length) {
    const unknown = names.filter((n) => !servers.some((s) => s.name === n));
    if (unknown.length)
      throw new ConfigError(flags.fleet, `--server ${unknown.join(', ')}: no such server in the fleet file`);
    servers = servers.filter((s) => names.includes(s.name));
  }
  const labels = (flags.label ?? []).map((l) => labelPair(command, l));
  servers = servers.filter((s) => labels.every(([k, v]) => s.labels[k] === v));
  // Reading (status) a whole fleet file needs no confirmation; acting on one does.
  if (confirm && !names.length && !labels.length && !flags.all)
    throw new ConfigError(src, 'name the servers: --server NAME, --label KEY=VALUE or --all');
  if (servers.length === 0)
    throw new ConfigError(flags.fleet, `no server matches ${[...names, ...(flags.label ?? [])].join(', ')}`);
  if (confirm && servers.length > 1 && !flags.all && !labels.length) {
    throw new ConfigError(
      src,
      `this acts on ${servers.length} servers (${servers.map((s) => s.name).join(', ')}): add --all (or select them by --label) to confirm`,
    );
  }
  return servers;
}

/**
 * `firmwarden fleet import netbox`: build or update a fleet file from NetBox's devices. A thin
 * layer over src/dcim. The NetBox token is read from the env var --token-env names and goes
 * nowhere but the Authorization header: never to the file, stdout or the logs. BMC passwords are
 * only referenced (an env var or a file name), never copied. Exit 0 when the file was written
 * (devices left out are listed), 1 when NetBox could not be read, 2 for bad input.
 */

import {
  type AddressSource,
  existingFleet,
  type FleetOutputReport,
  importFromNetbox,
  NETBOX_LABELS,
  type NetboxImportReport,
  parseFilters,
  TAG_LABEL_PREFIX,
  type TokenScheme,
  type WriteMode,
  writeImportedFleet,
} from '../dcim/index.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import type { FleetFile } from '../fleet/schema.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { FLEET_HELP } from './command-help.ts';

export async function fleetCommand(
  argv: string[],
  deps: Deps,
  out: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [sub, kind, ...rest] = argv;
  if (sub !== 'import' || kind !== 'netbox') {
    throw new ConfigError(
      `firmwarden fleet ${[sub, kind].filter(Boolean).join(' ')}`.trim(),
      `expected "import netbox"\n\n${FLEET_HELP}`,
    );
  }
  const src = 'firmwarden fleet import netbox';
  const { values } = parse('fleet import netbox', rest, {
    url: { type: 'string' },
    'token-env': { type: 'string' },
    'token-scheme': { type: 'string' },
    out: { type: 'string' },
    filter: { type: 'string', multiple: true },
    address: { type: 'string' },
    'custom-field': { type: 'string', multiple: true },
    user: { type: 'string' },
    'password-env': { type: 'string' },
    'password-file': { type: 'string' },
    'bmc-ca': { type: 'string' },
    'bmc-insecure': { type: 'boolean' },
    merge: { type: 'boolean' },
    force: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    'netbox-ca': { type: 'string' },
    'allow-http': { type: 'boolean' },
    'page-size': { type: 'string' },
  });
  for (const flag of ['url', 'token-env', 'out'] as const) {
    if (!values[flag]) throw new ConfigError(src, `--${flag} is required\n\n${FLEET_HELP}`);
  }
  if (values.merge && values.force) throw new ConfigError(src, '--merge and --force exclude each other');
  const tokenEnv = values['token-env'] as string;
  const token = env[tokenEnv];
  if (!token) throw new ConfigError('--token-env', `environment variable ${tokenEnv} is not set or empty`);
  const customFields = values['custom-field'] ?? [];
  const owned = new Set<string>([...NETBOX_LABELS, ...customFields]);
  for (const cf of customFields) {
    if (!/^[A-Za-z0-9_.-]+$/.test(cf) || (NETBOX_LABELS as readonly string[]).includes(cf))
      throw new ConfigError('--custom-field', `${JSON.stringify(cf)} cannot be a label name here`);
  }
  const mode: WriteMode = values.merge ? 'merge' : values.force ? 'force' : 'create';
  const filters = parseFilters(values.filter ?? []);
  const defaults = credentialDefaults(values);
  const pageSize = intFlag('fleet import netbox', 'page-size', values['page-size'], 100);
  if (pageSize < 1) throw new ConfigError('--page-size', 'expects at least 1');
  // Refuse (or fail on a broken file to merge) before NetBox is asked anything.
  await existingFleet(values.out as string, mode);

  const imported = await importFromNetbox(
    {
      url: values.url as string,
      token,
      tokenScheme: tokenScheme(values['token-scheme']),
      filters,
      pageSize,
      allowHttp: values['allow-http'] ?? false,
      ...(values['netbox-ca'] ? { ca: values['netbox-ca'] } : {}),
    },
    { address: addressSource(values.address), customFields },
    deps,
  );
  const r = imported.report;
  const written = await writeImportedFleet(values.out as string, imported.servers, {
    mode,
    ...(defaults ? { defaults } : {}),
    ownsLabel: (k) => owned.has(k) || k.startsWith(TAG_LABEL_PREFIX),
    header: [
      `Imported from NetBox ${r.source} by firmwarden fleet import netbox.`,
      ...(filters.length ? [`Filters: ${filters.map(([k, v]) => `${k}=${v}`).join(' ')}`] : []),
    ],
    dryRun: values['dry-run'] ?? false,
    env,
  });
  if (values.json) {
    const { text: _text, ...file } = written;
    out.write(`${JSON.stringify({ ...r, file }, null, 2)}\n`);
  } else {
    if (values['dry-run']) out.write(written.text);
    out.write(render(r, written, values['dry-run'] ?? false));
  }
  return EXIT.ok;
}

function tokenScheme(v: string | undefined): TokenScheme {
  if (v === undefined || v === 'auto' || v === 'token' || v === 'bearer') return v ?? 'auto';
  throw new ConfigError('--token-scheme', `expected auto, token or bearer, got ${JSON.stringify(v)}`);
}

function addressSource(v: string | undefined): AddressSource {
  if (v === undefined || v === 'oob') return { from: 'oob' };
  if (v === 'primary') return { from: 'primary' };
  const m = /^custom-field:(.+)$/.exec(v);
  if (m?.[1]) return { from: 'custom-field', name: m[1] };
  throw new ConfigError('--address', `expected oob, primary or custom-field:NAME, got ${JSON.stringify(v)}`);
}

function credentialDefaults(values: {
  user?: string | undefined;
  'password-env'?: string | undefined;
  'password-file'?: string | undefined;
  'bmc-ca'?: string | undefined;
  'bmc-insecure'?: boolean | undefined;
}): NonNullable<FleetFile['defaults']> | undefined {
  const pwEnv = values['password-env'];
  const pwFile = values['password-file'];
  if ((pwEnv || pwFile) && !values.user)
    throw new ConfigError('--user', 'is required with --password-env or --password-file');
  if (values.user && !pwEnv === !pwFile)
    throw new ConfigError('--user', 'needs exactly one of --password-env or --password-file');
  if (values['bmc-ca'] && values['bmc-insecure'])
    throw new ConfigError('--bmc-insecure', 'and --bmc-ca exclude each other');
  const defaults: NonNullable<FleetFile['defaults']> = {
    ...(values.user
      ? {
          credentials: {
            username: values.user,
            ...(pwEnv ? { passwordEnv: pwEnv } : { passwordFile: pwFile as string }),
          },
        }
      : {}),
    ...(values['bmc-ca'] ? { tls: { ca: values['bmc-ca'] } } : {}),
    ...(values['bmc-insecure'] ? { tls: { insecure: true } } : {}),
  };
  return Object.keys(defaults).length ? defaults : undefined;
}

function render(r: NetboxImportReport, f: FleetOutputReport, dryRun: boolean): string {
  const lines = [
    `NetBox ${r.source}: ${r.count} devices match (${r.pages} page${r.pages === 1 ? '' : 's'} read)`,
    `${f.path}: ${dryRun ? 'would write' : 'wrote'} ${r.imported} servers from NetBox (${f.added.length} added, ${f.updated.length} updated, ${f.unchanged.length} unchanged)` +
      (f.keptNotImported.length
        ? `; kept ${f.keptNotImported.length} entries NetBox did not list: ${f.keptNotImported.join(', ')}`
        : ''),
  ];
  const list = (title: string, items: NetboxImportReport['skipped']) => {
    if (items.length === 0) return;
    lines.push(`${title} (${items.length}):`);
    for (const s of items)
      lines.push(`  ${s.name}${s.id !== undefined ? ` (netbox id ${s.id})` : ''}: ${s.reason}`);
  };
  list('left out', r.skipped);
  list('duplicates left out', r.duplicates);
  if (r.notes.length) {
    lines.push(`notes (${r.notes.length}):`);
    for (const n of r.notes) lines.push(`  ${n.server}: ${n.note}`);
  }
  if (!f.added.length && !f.updated.length && !f.unchanged.length && !f.keptNotImported.length)
    lines.push('warning: the fleet file has no servers (check --filter)');
  return `${lines.join('\n')}\n`;
}

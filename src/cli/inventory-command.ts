/**
 * `firmwarden inventory`: sweep a fleet file, or one BMC given by flags, and print what every
 * server runs as a table or as one JSON document. Exit 1 when some servers could not be read.
 */
import { readFile } from 'node:fs/promises';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import type { FleetInventory } from '../inventory/model.ts';
import { sweepFleet } from '../inventory/sweep.ts';
import { hasUserinfo, redactUrl, USERINFO_REFUSED } from '../redfish/bmc-url.ts';
import { VendorSchema } from '../vocab.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { INVENTORY_HELP } from './command-help.ts';
import { sweepProgress } from './fleet-progress.ts';
import { table } from './render.ts';

/** The flags that name one BMC without a fleet file (`--bmc URL --user …`); `singleBmc` reads them. */
export const SINGLE_BMC_OPTIONS = {
  bmc: { type: 'string' },
  user: { type: 'string' },
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  ca: { type: 'string' },
  fingerprint: { type: 'string' },
  insecure: { type: 'boolean' },
  'allow-http': { type: 'boolean' },
  vendor: { type: 'string' },
} as const;

export async function inventoryCommand(
  argv: string[],
  deps: Deps,
  out: NodeJS.WritableStream,
): Promise<number> {
  const { values } = parse('inventory', argv, {
    ...SINGLE_BMC_OPTIONS,
    fleet: { type: 'string' },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
    // Read by cli/signals.ts (where sessions are recorded).
    state: { type: 'string' },
  });
  let servers: ResolvedServer[];
  if (values.fleet) {
    if (values.bmc) throw new ConfigError('firmwarden inventory', 'use --fleet or --bmc, not both');
    servers = await loadFleet(values.fleet);
  } else if (values.bmc) {
    servers = [await singleBmc(values)];
  } else {
    throw new ConfigError(
      'firmwarden inventory',
      `--fleet FILE or --bmc URL is required\n\n${INVENTORY_HELP}`,
    );
  }
  const progress = sweepProgress('inventory', {
    clock: deps.clock,
    stream: deps.progress,
    json: Boolean(values.json),
  });
  let inventory: FleetInventory;
  try {
    inventory = await sweepFleet(servers, deps, {
      concurrency: intFlag('inventory', 'concurrency', values.concurrency, 64),
      onServer: (s, done, total) => progress.server(done, total, !s.error),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
  } finally {
    progress.done();
  }
  out.write(values.json ? `${JSON.stringify(inventory, null, 2)}\n` : `${renderInventory(inventory)}\n`);
  return inventory.failed > 0 ? EXIT.partial : EXIT.ok;
}

/**
 * Reads a fleet file. Imported here, not at the top: the YAML parser and the fleet schema are a
 * fifth of the modules a one-BMC `--bmc` run would otherwise load (test/cli/start-up-imports).
 */
export async function loadFleet(path: string): Promise<ResolvedServer[]> {
  return (await import('../fleet/load.ts')).loadFleetFile(path);
}

/** One BMC given by --bmc/--user/--password-env|file/TLS flags (also `firmwarden probe`). */
export async function singleBmc(
  values: Record<string, string | boolean | undefined>,
  command = 'inventory',
): Promise<ResolvedServer> {
  const src = `firmwarden ${command}`;
  const url = values['bmc'] as string;
  // Before anything echoes the URL: its user info would be printed with it.
  if (hasUserinfo(url)) {
    throw new ConfigError(
      src,
      `--bmc ${redactUrl(url)}: ${USERINFO_REFUSED} (--user, --password-env or --password-file)`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(src, `--bmc ${JSON.stringify(url)} is not a URL (e.g. https://10.0.0.17)`);
  }
  if (parsed.protocol === 'http:' && !values['allow-http']) {
    throw new ConfigError(src, `--bmc ${url}: plain http needs --allow-http (labs, mockups)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(
      src,
      `--bmc must be an https:// (or http:// with --allow-http) URL, got ${parsed.protocol}`,
    );
  }
  const user = values['user'] as string | undefined;
  if (!user) throw new ConfigError(src, '--user is required with --bmc');
  const env = values['password-env'] as string | undefined;
  const file = values['password-file'] as string | undefined;
  if (!env === !file)
    throw new ConfigError(src, 'give exactly one of --password-env VAR or --password-file FILE');
  let password: string | undefined;
  if (env) {
    password = process.env[env];
    if (!password) throw new ConfigError(src, `--password-env: environment variable ${env} is not set`);
  } else {
    password = (
      await readFile(file as string, 'utf8').catch((err: Error) => {
        throw new ConfigError(src, `--password-file: cannot read ${file}: ${err.message}`);
      })
    ).split(/\r?\n/)[0];
  }
  const vendor = values['vendor'] === undefined ? undefined : VendorSchema.safeParse(values['vendor']);
  if (vendor && !vendor.success) {
    throw new ConfigError(src, `--vendor must be one of ${VendorSchema.options.join(', ')}`);
  }
  const ca = values['ca'] ? await readFile(values['ca'] as string, 'utf8') : undefined;
  const name = parsed.host;
  return {
    name,
    bmc: url,
    ...(vendor?.data ? { vendor: vendor.data } : {}),
    labels: {},
    client: {
      url,
      name,
      allowHttp: Boolean(values['allow-http']),
      credentials: { username: user, password: password ?? '' },
      tls: {
        ...(ca ? { ca } : {}),
        ...(values['fingerprint'] ? { fingerprint: values['fingerprint'] as string } : {}),
        ...(values['insecure'] ? { insecure: true } : {}),
      },
    },
  };
}

/** The human table: one row per installed component, failed servers listed after. */
export function renderInventory(inv: FleetInventory): string {
  const rows: string[][] = [];
  for (const s of inv.servers) {
    for (const c of s.components) {
      rows.push([
        s.server,
        s.vendor,
        s.model ?? '',
        c.kind,
        c.name,
        c.version || '(none)',
        health(c.state, c.health),
      ]);
    }
  }
  const parts = [table(['SERVER', 'VENDOR', 'MODEL', 'KIND', 'COMPONENT', 'VERSION', 'STATUS'], rows)];
  const failed = inv.servers.filter((s) => s.error);
  if (failed.length) {
    parts.push('', 'unreachable or failed:');
    for (const s of failed) parts.push(`  ${s.server} (${s.bmc}): ${s.error?.code} ${s.error?.message}`);
  }
  const components = inv.servers.reduce((n, s) => n + s.components.length, 0);
  parts.push(
    '',
    `${inv.servers.length} servers, ${components} installed components, ${inv.servers.length - inv.failed} read, ${inv.failed} failed`,
  );
  return parts.join('\n');
}

function health(state?: string, h?: string): string {
  return [state, h].filter(Boolean).join('/') || '-';
}

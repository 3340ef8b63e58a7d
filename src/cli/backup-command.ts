/**
 * `firmwarden backup init|check|status|restore`: the backup slice on each server's RAID
 * controller, integrity inspection and restore. A thin layer over src/backup. Exit 0 when every
 * server is fine, 1 when a server failed, an image is corrupted or unprotected, 2 bad input.
 */
import { join } from 'node:path';
import {
  backupFleet,
  type ComponentBackup,
  initFleet,
  type ServerBackupReport,
  type ServerInitReport,
  versionProblem,
} from '../backup/index.ts';
import { ImageStore, loadCatalog } from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { startImageServer } from '../executor/image-server.ts';
import { loadFleetFile, type ResolvedServer } from '../fleet/load.ts';
import { openStore } from '../store/open-store.ts';
import { processActor } from '../store/store-journal.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { BACKUP_HELP } from './command-help.ts';
import { sweepProgress } from './fleet-progress.ts';
import { table } from './render.ts';

const COMMANDS = ['init', 'check', 'status', 'restore'] as const;
type Command = (typeof COMMANDS)[number];

export async function backupCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = argv;
  const src = `firmwarden backup ${sub ?? ''}`.trim();
  if (!COMMANDS.includes(sub as Command))
    throw new ConfigError(src, `expected one of ${COMMANDS.join(', ')}\n\n${BACKUP_HELP}`);
  const command = sub as Command;
  const { values } = parse(`backup ${command}`, rest, {
    fleet: { type: 'string' },
    catalog: { type: 'string' },
    server: { type: 'string', multiple: true },
    all: { type: 'boolean' },
    store: { type: 'string' },
    state: { type: 'string' },
    json: { type: 'boolean' },
    'auto-restore': { type: 'boolean' },
    'reset-host': { type: 'boolean' },
    'allow-force-reset': { type: 'boolean' },
    'image-server': { type: 'string' },
    'image-server-url': { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (!values.fleet) throw new ConfigError(src, `--fleet is required\n\n${BACKUP_HELP}`);
  if ((command === 'check' || command === 'restore') && !values.catalog) {
    throw new ConfigError(src, '--catalog is required: it holds the digests every copy is verified against');
  }
  if (values.all && values.server)
    throw new ConfigError(src, 'give --server NAME (repeatable) or --all, not both');
  if (values['auto-restore'] && command !== 'check')
    throw new ConfigError(src, '--auto-restore belongs to check');
  const restoring = command === 'restore' || (command === 'check' && values['auto-restore']);
  if (values['reset-host'] && !restoring)
    throw new ConfigError(src, '--reset-host belongs to restore (or check --auto-restore)');
  if (values['allow-force-reset'] && !values['reset-host'])
    throw new ConfigError(src, '--allow-force-reset needs --reset-host');
  // init, check and restore write to the servers (volumes, staged copies, flashes): like update,
  // they never default to the whole fleet. status only reads.
  if (command !== 'status' && !values.all && !values.server)
    throw new ConfigError(src, `backup ${command} changes servers: give --server NAME (repeatable) or --all`);
  const catalog = values.catalog ? await loadCatalog(values.catalog) : undefined;
  const servers = select(await loadFleetFile(values.fleet), values.server, values.fleet);
  const stateDir = values.state ?? '.firmwarden';
  const store = await ImageStore.open(values.store ?? join(stateDir, 'images'));
  const state = await openStore({ sqlite: join(stateDir, 'state.db') }, deps);
  const [host, port] = (values['image-server'] ?? '127.0.0.1:0').split(':');
  const imageServer =
    command === 'check' || command === 'restore'
      ? await startImageServer(
          {
            store,
            host: host || '127.0.0.1',
            port: intFlag('backup', 'image-server port', port, 0),
            tls: 'self-signed',
            ...(values['image-server-url'] ? { publicUrl: values['image-server-url'] } : {}),
          },
          deps,
        )
      : undefined;
  const progress = sweepProgress(`backup ${command}`, {
    clock: deps.clock,
    stream: deps.progress,
    json: Boolean(values.json),
  });
  try {
    const input = {
      servers,
      ...(catalog ? { catalog: catalog.entries } : {}),
      store,
      state,
      actor: processActor('cli'),
      ...(imageServer ? { imageServer } : {}),
      concurrency: intFlag('backup', 'concurrency', values.concurrency, 4),
      onServer: (_name: string, done: number, total: number, ok?: boolean) =>
        progress.server(done, total, ok),
    };
    if (command === 'init') {
      const reports = await initFleet(input, deps);
      progress.done();
      out.write(
        values.json
          ? `${JSON.stringify({ command, servers: reports }, null, 2)}\n`
          : `${renderInit(reports)}\n`,
      );
      return reports.some((r) => r.error) ? EXIT.partial : EXIT.ok;
    }
    const reports = await backupFleet(command, input, deps, {
      autoRestore: Boolean(values['auto-restore']),
      ...(values['reset-host'] ? { resetHost: { allowForce: Boolean(values['allow-force-reset']) } } : {}),
    });
    progress.done();
    out.write(
      values.json
        ? `${JSON.stringify({ command, servers: reports }, null, 2)}\n`
        : `${renderReports(reports)}\n`,
    );
    const bad = reports.some(
      (r) => r.error || r.corrupted > 0 || (command !== 'status' && r.unprotected > 0),
    );
    return bad ? EXIT.partial : EXIT.ok;
  } finally {
    progress.done();
    await imageServer?.close();
    await state.close();
  }
}

function select(all: ResolvedServer[], names: string[] | undefined, source: string): ResolvedServer[] {
  if (!names) return all;
  const byName = new Map(all.map((s) => [s.name, s]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length) throw new ConfigError(source, `no server named ${missing.join(', ')} in the fleet`);
  return names.map((n) => byName.get(n) as ResolvedServer);
}

/** One row per server: what init did. */
export function renderInit(reports: ServerInitReport[]): string {
  const rows = reports.map((r) =>
    r.error
      ? [r.server, 'FAILED', '', r.error.message]
      : [
          r.server,
          r.fallback ? `${r.init?.outcome} → ${r.fallback.mechanism}` : (r.init?.outcome ?? ''),
          r.init?.volume ?? '',
          r.fallback?.detail ?? r.init?.detail ?? '',
        ],
  );
  return table(['SERVER', 'OUTCOME', 'VOLUME', 'DETAIL'], rows);
}

function health(c: ComponentBackup): string {
  if (c.restore)
    return `${c.restore.outcome === 'verified' ? 'restored' : c.restore.outcome.toUpperCase()} (${c.restore.source})`;
  const kinds = c.findings.map((f) => f.kind);
  return kinds.length === 0 ? 'ok' : `CORRUPT: ${kinds.join(', ')}`;
}

/** A table of every image, then per server its mechanism and each finding in words. */
export function renderReports(reports: ServerBackupReport[]): string {
  const rows: string[][] = [];
  const lines: string[] = [];
  for (const r of reports) {
    if (r.error) {
      rows.push([r.server, '-', '', '', '', 'FAILED']);
      lines.push(`${r.server}: ${r.error.message}`);
      continue;
    }
    lines.push(`${r.server} (${r.vendor ?? '?'}): ${r.mechanism ?? '?'}: ${r.detail}`);
    for (const c of r.components) {
      const version = versionProblem(c.version) ? JSON.stringify(c.version) : c.version;
      rows.push([r.server, c.component, version, c.store.state, c.slice?.state ?? '-', health(c)]);
      for (const f of c.findings) lines.push(`  ${f.detail}`);
      if (c.restore) lines.push(`  ${c.restore.detail}`);
    }
  }
  const corrupted = reports.reduce((n, r) => n + r.corrupted, 0);
  const unprotected = reports.reduce((n, r) => n + r.unprotected, 0);
  const failed = reports.filter((r) => r.error).length;
  return [
    table(['SERVER', 'COMPONENT', 'VERSION', 'STORE', 'SLICE', 'STATE'], rows),
    '',
    ...lines,
    '',
    `${reports.length} servers: ${corrupted} corrupted images, ${unprotected} without a good copy, ${failed} failed`,
  ].join('\n');
}

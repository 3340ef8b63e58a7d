/**
 * `firmwarden backup init|check|status|restore`: the backup slice on each server's RAID
 * controller, integrity inspection and restore. A thin layer over src/backup.
 *
 * Exit 1 when a server could not be read or an image is corrupted (and not restored and verified
 * by this run), for check also when an image the catalog vouches for has no good copy at the end;
 * init 1 when a server failed. Images firmwarden cannot check (only Status and Version to go by)
 * are shown as "not checkable" with a warning line and do not change the code. 2 bad input.
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
import { terminalColumns } from './fit-columns.ts';
import { sweepProgress } from './fleet-progress.ts';
import { table } from './render.ts';
import { tableNotes } from './table-notes.ts';

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
          : `${renderInit(reports, terminalColumns(out))}\n`,
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
    const notCheckable = reports.reduce((n, r) => n + r.notCheckable, 0);
    if (notCheckable > 0 && !values.json) out.write(`${notCheckableWarning(notCheckable)}\n`);
    return backupExitCode(command, reports);
  } finally {
    progress.done();
    await imageServer?.close();
    await state.close();
  }
}

/**
 * 1 when a server was not read or an image is still corrupted; check also 1 when an image the
 * catalog vouches for was left without a good copy (restore is judged by what it restored, status
 * by what it saw). Not checkable images do not count either way.
 */
export function backupExitCode(
  command: 'check' | 'status' | 'restore',
  reports: ServerBackupReport[],
): number {
  const bad = reports.some((r) => r.error || r.corrupted > 0 || (command === 'check' && r.unprotected > 0));
  return bad ? EXIT.partial : EXIT.ok;
}

/** The warning printed under the report when some images could not be checked. */
export function notCheckableWarning(n: number): string {
  return `warning: ${n} images not checkable: only their Status and Version could be read (no image read back against a catalog digest, no SPDM measurement baseline); corruption that leaves both intact goes unseen there`;
}

function select(all: ResolvedServer[], names: string[] | undefined, source: string): ResolvedServer[] {
  if (!names) return all;
  const byName = new Map(all.map((s) => [s.name, s]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length) throw new ConfigError(source, `no server named ${missing.join(', ')} in the fleet`);
  return names.map((n) => byName.get(n) as ResolvedServer);
}

/**
 * One row per server: what init did. Details are long and share sentences across servers (why a
 * BMC offers no slice, 10 of 12 rows on a mixed fleet): each long part ("<why>: <the fallback>")
 * is printed once below the table and the rows point at it ([1]: [2]); the volume is not repeated.
 * `width`: the terminal's, a detail is cut to it.
 */
export function renderInit(reports: ServerInitReport[], width?: number): string {
  const details = reports.map((r) => {
    if (r.error) return r.error.message;
    const detail = r.fallback?.detail ?? r.init?.detail ?? '';
    return r.init?.volume ? detail.replace(` ${r.init.volume}`, '') : detail;
  });
  const notes = tableNotes({ splitAt: ': ' });
  const rows = reports.map((r, i) => [
    r.server,
    r.error
      ? 'FAILED'
      : r.fallback
        ? `${r.init?.outcome} → ${r.fallback.mechanism}`
        : (r.init?.outcome ?? ''),
    r.init?.volume ?? '',
    notes.cell(details[i] ?? ''),
  ]);
  const t = table(['SERVER', 'OUTCOME', 'VOLUME', 'DETAIL'], rows, { maxWidth: width, shrink: [2, 3] });
  return [t, ...notes.lines()].join('\n');
}

function health(c: ComponentBackup): string {
  if (c.restore)
    return `${c.restore.outcome === 'verified' ? 'restored' : c.restore.outcome.toUpperCase()} (${c.restore.source})`;
  const kinds = c.findings.map((f) => f.kind);
  if (kinds.length > 0) return `CORRUPT: ${kinds.join(', ')}`;
  return c.integrity?.state === 'not-checkable'
    ? `not checkable (${signalsText(c.integrity.signals)})`
    : 'ok';
}

/** "version only", "status and version only": what a not checkable image was judged by. */
function signalsText(signals: readonly string[]): string {
  return `${signals.length ? signals.join(' and ') : 'nothing'} only`;
}

/**
 * A table of every image, then per server its mechanism and each finding in words. Servers with
 * nothing to report per image and the same mechanism share one line.
 */
export function renderReports(reports: ServerBackupReport[]): string {
  const rows: string[][] = [];
  const lines: Array<string | { about: string; servers: string[] }> = [];
  const quiet = new Map<string, { about: string; servers: string[] }>();
  for (const r of reports) {
    if (r.error) {
      rows.push([r.server, '-', '', '', '', 'FAILED']);
      lines.push(`${r.server}: ${r.error.message}`);
      continue;
    }
    const own: string[] = [];
    for (const c of r.components) {
      const version = versionProblem(c.version) ? JSON.stringify(c.version) : c.version;
      rows.push([r.server, c.component, version, c.store.state, c.slice?.state ?? '-', health(c)]);
      own.push(...componentLines(c));
    }
    const about = `(${r.vendor ?? '?'}): ${r.mechanism ?? '?'}: ${r.detail}`;
    if (own.length > 0) {
      lines.push(`${r.server} ${about}`, ...own);
      continue;
    }
    const group = quiet.get(about);
    if (group) group.servers.push(r.server);
    else {
      const fresh = { about, servers: [r.server] };
      quiet.set(about, fresh);
      lines.push(fresh);
    }
  }
  const corrupted = reports.reduce((n, r) => n + r.corrupted, 0);
  const unprotected = reports.reduce((n, r) => n + r.unprotected, 0);
  const failed = reports.filter((r) => r.error).length;
  const notCheckable = reports.reduce((n, r) => n + (r.notCheckable ?? 0), 0);
  return [
    table(['SERVER', 'COMPONENT', 'VERSION', 'STORE', 'SLICE', 'STATE'], rows),
    '',
    ...lines.map((l) => (typeof l === 'string' ? l : `${l.servers.join(', ')} ${l.about}`)),
    '',
    `${reports.length} servers: ${corrupted} corrupted images, ${notCheckable} not checkable, ${unprotected} without a good copy, ${failed} failed`,
  ].join('\n');
}

/**
 * What was found on one image and what its restore did, each said once. A repaired image names
 * its findings by kind: `check` printed them in full (and journalled them) before the restore
 * re-inspected the image, so printing them again made every finding appear twice. A restore that
 * did not repair it keeps them in full, and a refusal that quotes a finding (the slice copy's
 * digest) points at it rather than repeating it.
 */
function componentLines(c: ComponentBackup): string[] {
  const r = c.restore;
  if (r && (r.outcome === 'verified' || r.outcome === 'staged') && c.findings.length > 0)
    return [`  ${r.detail}; found: ${c.findings.map((f) => f.kind).join(', ')}`];
  const out = c.findings.map((f) => `  ${f.detail}`);
  if (c.integrity?.reason && c.findings.length === 0)
    out.push(`  ${c.component}: not checkable: ${c.integrity.reason}`);
  if (r) {
    let detail = r.detail;
    for (const f of c.findings) detail = detail.split(f.detail).join(`the ${f.kind} finding above`);
    out.push(`  ${detail}`);
  }
  return out;
}

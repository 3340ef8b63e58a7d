/**
 * Writes imported servers into a fleet file, atomically and only when the result is a fleet file
 * firmwarden loads. Three modes: `create` refuses an existing file, `force` replaces it, `merge`
 * updates it: an imported server replaces the entry of the same name's bmc, vendor (when the
 * import knows it) and the labels the import owns, and keeps everything else the entry has
 * (credentials, tls, allowHttp, labels added by hand); entries the import does not know are kept
 * and listed. YAML comments of a merged file are not kept (the file is rewritten).
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, rm, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from '../errors.ts';
import { parseFleetText, resolveFleet } from '../fleet/load.ts';
import type { FleetFile, FleetServer } from '../fleet/schema.ts';

export type WriteMode = 'create' | 'force' | 'merge';

export interface FleetOutputOptions {
  mode: WriteMode;
  /** Fields of `defaults` to set (credentials and TLS references); others of a merged file stay. */
  defaults?: NonNullable<FleetFile['defaults']>;
  /** Whether a label name belongs to the import (replaced on merge) or to the user (kept). */
  ownsLabel: (key: string) => boolean;
  /** Comment lines at the top of a YAML file (where it came from, when). */
  header?: string[];
  /** Compute and validate, but write nothing. */
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface FleetOutputReport {
  path: string;
  written: boolean;
  added: string[];
  updated: string[];
  unchanged: string[];
  /** Entries of a merged file the import did not bring: kept as they are. */
  keptNotImported: string[];
  /** The file text (written, or that would be written with dryRun). */
  text: string;
}

/** Reads the existing file for a merge, or refuses to overwrite one in `create` mode. */
export async function existingFleet(path: string, mode: WriteMode): Promise<FleetFile | undefined> {
  let text: string;
  try {
    const fh = await open(path, 'r');
    try {
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(path, `cannot read the fleet file: ${(err as Error).message}`, { cause: err });
  }
  if (mode === 'create')
    throw new ConfigError(path, 'the fleet file exists; use --merge to update it or --force to replace it');
  return mode === 'merge' ? parseFleetText(text, path) : undefined;
}

/** Builds, validates and writes the fleet file. */
export async function writeImportedFleet(
  path: string,
  servers: FleetServer[],
  options: FleetOutputOptions,
): Promise<FleetOutputReport> {
  const current = await existingFleet(path, options.mode);
  const report: FleetOutputReport = {
    path,
    written: false,
    added: [],
    updated: [],
    unchanged: [],
    keptNotImported: [],
    text: '',
  };
  const fleet = current ? merge(current, servers, options, report) : fresh(servers, options, report);
  const json = extname(path) === '.json';
  const header = json ? '' : (options.header ?? []).map((l) => `# ${l}\n`).join('');
  report.text = json ? `${JSON.stringify(fleet, null, 2)}\n` : `${header}${stringify(fleet)}`;
  await validate(report.text, path, options.env ?? process.env);
  if (options.dryRun) return report;
  await writeAtomically(path, report.text, options.mode === 'create');
  report.written = true;
  return report;
}

function fresh(servers: FleetServer[], options: FleetOutputOptions, report: FleetOutputReport): FleetFile {
  report.added = servers.map((s) => s.name);
  const defaults = options.defaults && Object.keys(options.defaults).length ? options.defaults : undefined;
  return { version: 1, ...(defaults ? { defaults } : {}), servers };
}

function merge(
  current: FleetFile,
  servers: FleetServer[],
  options: FleetOutputOptions,
  report: FleetOutputReport,
): FleetFile {
  const imported = new Map(servers.map((s) => [s.name, s]));
  const out: FleetServer[] = current.servers.map((e) => {
    const s = imported.get(e.name);
    if (!s) {
      report.keptNotImported.push(e.name);
      return e;
    }
    imported.delete(e.name);
    const kept = Object.fromEntries(Object.entries(e.labels ?? {}).filter(([k]) => !options.ownsLabel(k)));
    const vendor = s.vendor ?? e.vendor;
    const next: FleetServer = {
      ...e,
      bmc: s.bmc,
      ...(vendor ? { vendor } : {}),
      labels: { ...kept, ...s.labels },
    };
    (canonical(next) === canonical(e) ? report.unchanged : report.updated).push(e.name);
    return next;
  });
  for (const s of imported.values()) {
    report.added.push(s.name);
    out.push(s);
  }
  const defaults = { ...current.defaults, ...options.defaults };
  return { version: 1, ...(Object.keys(defaults).length ? { defaults } : {}), servers: out };
}

/** JSON with keys sorted at every level: equal content compares equal whatever the key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/**
 * The text must load as a fleet file: schema, unique names, plain-http entries, CA and password
 * files it references. Password env vars need not be set at import time (the importing shell is
 * rarely the one that runs updates): unset ones are stood in for while checking.
 */
async function validate(text: string, path: string, env: NodeJS.ProcessEnv): Promise<void> {
  const parsed = parseFleetText(text, path);
  const stand: NodeJS.ProcessEnv = { ...env };
  const refs = [parsed.defaults?.credentials, ...parsed.servers.map((s) => s.credentials)];
  for (const c of refs) if (c?.passwordEnv && !stand[c.passwordEnv]) stand[c.passwordEnv] = 'unset-at-import';
  await resolveFleet(parsed, path, stand);
}

/**
 * Temp file beside the target, fsync, then rename (replace) or link (create: fails if someone
 * created the file meanwhile). A reader sees the old file or the new one, never half of one.
 */
async function writeAtomically(path: string, text: string, exclusive: boolean): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const mode = await stat(path).then(
    (s) => s.mode & 0o777,
    () => 0o644,
  );
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    if (exclusive) {
      await link(tmp, path).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST')
          throw new ConfigError(path, 'the fleet file appeared while importing; not overwritten', {
            cause: err,
          });
        throw err;
      });
      await rm(tmp, { force: true });
    } else {
      await rename(tmp, path);
    }
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

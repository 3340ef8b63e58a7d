/**
 * Loads a daemon config file: parse (YAML or JSON), validate, check every schedule with bree's
 * parser, resolve paths against the config file and apply defaults. Every error is a ConfigError
 * naming the file and the field (`jobs.inventory-scan.schedule: ...`); nothing is returned unless
 * the whole file is good. The result is plain data, so it travels to job workers as workerData.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type ApiSettings, resolveApiSection } from '../api/api-config.ts';
import type { ClusterSection } from '../cluster/cluster-config.ts';
import { ConfigError } from '../errors.ts';
import { type EventsConfig, resolveEventsConfig } from '../events/events-config.ts';
import { type ResolvedStore, resolveStoreSection } from '../store/store-config.ts';
import { DAEMON_DEFAULTS, type DaemonConfigFile, DaemonConfigSchema } from './config-schema.ts';
import { requireJobInputs } from './job-inputs.ts';
import { JOB_NAMES, type JobName } from './job-names.ts';
import { parseSchedule, type Schedule } from './schedule.ts';

/** One job, resolved: whether it runs on a schedule, when, and for how long at most. */
export interface DaemonJob {
  name: JobName;
  enabled: boolean;
  schedule?: Schedule;
  timeoutMs: number;
}

/** Where the catalog comes from. */
export type CatalogSourceRef = { kind: 'file'; path: string } | { kind: 'url'; url: string };

/** A validated config with absolute paths and defaults applied. */
export interface DaemonConfig {
  /** The config file (absolute), named in errors. */
  file: string;
  /** SQLite file (absolute), or PostgreSQL (sqlite '') with its password by env var name. */
  store: ResolvedStore;
  /** Joining rollouts as one of several instances (store.postgres). */
  cluster?: {
    instance?: string;
    labels?: Record<string, string | string[]>;
    maxServers?: number;
    leaseTtlMs?: number;
  };
  stateDir: string;
  images: string;
  fleet?: string;
  catalog?: {
    source: CatalogSourceRef;
    baseUrl?: string;
    /** Extra hosts images may come from (image-hosts.ts). */
    allowHosts?: string[];
    download: boolean;
    concurrency: number;
  };
  rollout?: { spec: string };
  /** firmwarden serve's HTTP API; tokens are still references here (resolved by serve). */
  api?: ApiSettings;
  /** Outbound events (webhooks); secrets are env var names here (read when the daemon starts). */
  events?: EventsConfig;
  /** The backup check's settings (defaults applied even when the section is absent). */
  backup: {
    autoRestore: boolean;
    /** Restart the host for staged restores (forced only with allowForceReset). */
    resetHost: boolean;
    allowForceReset: boolean;
    checkAtStartup: boolean;
    checkAfterChanges: boolean;
    sliceName?: string;
    imageServer?: { host?: string; port?: number; url?: string; tls?: boolean };
  };
  leaseTtlMs: number;
  shutdownGraceMs: number;
  jobs: Record<JobName, DaemonJob>;
}

/** Reads and validates a daemon config file. */
export async function loadDaemonConfig(path: string): Promise<DaemonConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, `cannot read daemon config: ${(err as Error).message}`, { cause: err });
  }
  return parseDaemonConfig(text, path);
}

/** Validates config text; `path` names the file in errors and anchors relative paths. */
export async function parseDaemonConfig(text: string, path: string): Promise<DaemonConfig> {
  const json = path.endsWith('.json');
  let data: unknown;
  try {
    data = json ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(path, `not valid ${json ? 'JSON' : 'YAML'}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const result = DaemonConfigSchema.safeParse(data);
  if (!result.success) throw new ConfigError(path, describeIssues(result.error), { cause: result.error });
  return resolveConfig(result.data, path);
}

async function resolveConfig(file: DaemonConfigFile, path: string): Promise<DaemonConfig> {
  const base = dirname(resolve(path));
  const at = (p: string) => resolve(base, p);
  const store = resolveStoreSection(file.store, base, path);
  const stateDir =
    file.stateDir !== undefined ? at(file.stateDir) : store.sqlite ? dirname(store.sqlite) : at('state');
  const jobs = {} as Record<JobName, DaemonJob>;
  for (const name of JOB_NAMES) {
    const settings = file.jobs[name];
    const enabled = settings?.enabled ?? false;
    let schedule: Schedule | undefined;
    if (settings?.schedule !== undefined) {
      try {
        schedule = await parseSchedule(settings.schedule);
      } catch (err) {
        throw new ConfigError(path, `jobs.${name}.schedule: ${(err as Error).message}`, { cause: err });
      }
    } else if (enabled) {
      throw new ConfigError(path, `jobs.${name}.schedule: required when the job is enabled`);
    }
    const timeoutSeconds = settings?.timeoutSeconds ?? DAEMON_DEFAULTS.timeoutSeconds[name];
    jobs[name] = { name, enabled, ...(schedule ? { schedule } : {}), timeoutMs: timeoutSeconds * 1000 };
  }
  const config: DaemonConfig = {
    file: resolve(path),
    store,
    ...(file.cluster !== undefined ? { cluster: clusterSettings(file.cluster) } : {}),
    stateDir,
    images: file.images !== undefined ? at(file.images) : join(stateDir, 'images'),
    ...(file.fleet !== undefined ? { fleet: at(file.fleet) } : {}),
    ...(file.catalog !== undefined
      ? {
          catalog: {
            source: catalogSource(file.catalog.source, file.catalog.allowHttp ?? false, base, path),
            ...(file.catalog.baseUrl !== undefined ? { baseUrl: file.catalog.baseUrl } : {}),
            ...(file.catalog.allowHosts !== undefined ? { allowHosts: file.catalog.allowHosts } : {}),
            download: file.catalog.download,
            concurrency: file.catalog.concurrency ?? DAEMON_DEFAULTS.catalogConcurrency,
          },
        }
      : {}),
    ...(file.rollout !== undefined ? { rollout: { spec: at(file.rollout.spec) } } : {}),
    ...(file.api !== undefined ? { api: resolveApiSection(file.api, path) } : {}),
    ...(file.events !== undefined ? { events: resolveEventsConfig(file.events, path) } : {}),
    backup: {
      autoRestore: file.backup?.autoRestore ?? false,
      resetHost: file.backup?.resetHost ?? false,
      allowForceReset: file.backup?.allowForceReset ?? false,
      checkAtStartup: file.backup?.checkAtStartup ?? true,
      checkAfterChanges: file.backup?.checkAfterChanges ?? true,
      ...(file.backup?.sliceName !== undefined ? { sliceName: file.backup.sliceName } : {}),
      ...(file.backup?.imageServer !== undefined ? { imageServer: file.backup.imageServer } : {}),
    },
    leaseTtlMs: (file.leaseTtlSeconds ?? DAEMON_DEFAULTS.leaseTtlSeconds) * 1000,
    shutdownGraceMs: (file.shutdownGraceSeconds ?? DAEMON_DEFAULTS.shutdownGraceSeconds) * 1000,
    jobs,
  };
  for (const name of JOB_NAMES) if (jobs[name].enabled) requireJobInputs(config, name);
  return config;
}

function catalogSource(source: string, allowHttp: boolean, base: string, path: string): CatalogSourceRef {
  if (/^https?:\/\//i.test(source)) {
    let url: URL;
    try {
      url = new URL(source);
    } catch (err) {
      throw new ConfigError(path, `catalog.source: not a valid URL: ${source}`, { cause: err });
    }
    if (url.protocol === 'http:' && !allowHttp) {
      throw new ConfigError(
        path,
        `catalog.source: plain http URL ${source} needs catalog.allowHttp: true (the catalog names the digests images are verified against)`,
      );
    }
    return { kind: 'url', url: url.href };
  }
  if (/^file:/i.test(source)) return { kind: 'file', path: fileURLToPath(source) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    throw new ConfigError(
      path,
      `catalog.source: unsupported scheme in ${source}; expected a path or an http(s) URL`,
    );
  }
  return { kind: 'file', path: resolve(base, source) };
}

/** "jobs.inventory-scan.timeoutSeconds: expected number" for the first few issues. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.map(String).join('.') || '(top level)';
      if (issue.code === 'unrecognized_keys' && where === 'jobs') {
        return `jobs: unknown job ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; expected ${JOB_NAMES.join(', ')}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** The cluster section with the TTL in milliseconds. */
function clusterSettings(c: ClusterSection): NonNullable<DaemonConfig['cluster']> {
  return {
    ...(c.instance !== undefined ? { instance: c.instance } : {}),
    ...(c.labels !== undefined ? { labels: c.labels } : {}),
    ...(c.maxServers !== undefined ? { maxServers: c.maxServers } : {}),
    ...(c.leaseTtlSeconds !== undefined ? { leaseTtlMs: c.leaseTtlSeconds * 1000 } : {}),
  };
}

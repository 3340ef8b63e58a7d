/**
 * Loads a fleet file (YAML or JSON), validates it, applies defaults and resolves what its entries
 * reference: passwords from env vars or files, CA files. Every error names the file, the entry
 * and the field; nothing is returned unless the whole file is good.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { RedfishClientOptions } from '../redfish/client.ts';
import type { Vendor } from '../vocab.ts';
import { type CredentialsRef, type FleetFile, FleetFileSchema, type TlsPolicy } from './schema.ts';

/** A fleet entry with defaults applied and secrets resolved, ready to connect. */
export interface ResolvedServer {
  name: string;
  bmc: string;
  vendor?: Vendor;
  labels: Record<string, string>;
  client: RedfishClientOptions;
  /** Deadline of this server's whole scan in a sweep (fleet file timeouts.scanMs). */
  scanMs?: number;
}

/** Reads and validates a fleet file into resolved servers. */
export async function loadFleetFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedServer[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, `cannot read fleet file: ${(err as Error).message}`, { cause: err });
  }
  return resolveFleet(parseFleetText(text, path), path, env);
}

/** Parses and validates fleet file text; `source` names the file in errors. */
export function parseFleetText(text: string, source: string): FleetFile {
  let data: unknown;
  try {
    data = source.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(
      source,
      `not valid ${source.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const result = FleetFileSchema.safeParse(data);
  if (!result.success)
    throw new ConfigError(source, describeIssues(result.error, data), { cause: result.error });
  const seen = new Map<string, number>();
  result.data.servers.forEach((s, i) => {
    const first = seen.get(s.name);
    if (first !== undefined) {
      throw new ConfigError(
        source,
        `servers[${i}] (${s.name}): duplicate name, first used by servers[${first}]`,
      );
    }
    seen.set(s.name, i);
  });
  return result.data;
}

/** "servers[3] (bmc-17).tls.fingerprint: a sha256 fingerprint ..." for the first few issues. */
function describeIssues(error: z.ZodError, data: unknown): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      let where = path.replace(/^\./, '') || '(top level)';
      const m = /^servers\[(\d+)\]/.exec(where);
      const name = m
        ? (data as { servers?: Array<{ name?: unknown }> }).servers?.[Number(m[1])]?.name
        : undefined;
      if (m && typeof name === 'string') where = where.replace(m[0], `${m[0]} (${name})`);
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Applies defaults and reads referenced secrets and CA files. */
export async function resolveFleet(
  fleet: FleetFile,
  source: string,
  env: NodeJS.ProcessEnv,
): Promise<ResolvedServer[]> {
  const base = dirname(resolve(source));
  const files = new Map<string, Promise<string>>();
  const readOnce = (file: string, what: string, where: string) => {
    const full = resolve(base, file);
    let p = files.get(full);
    if (!p) {
      p = readFile(full, 'utf8');
      files.set(full, p);
    }
    return p.catch((err: Error) => {
      throw new ConfigError(source, `${where}: cannot read ${what} ${full}: ${err.message}`, { cause: err });
    });
  };
  return Promise.all(
    fleet.servers.map(async (s, i) => {
      const where = `servers[${i}] (${s.name})`;
      const creds = s.credentials ?? fleet.defaults?.credentials;
      const tls: TlsPolicy = { ...fleet.defaults?.tls, ...s.tls };
      const { scanMs, ...timeouts } = { ...fleet.defaults?.timeouts, ...s.timeouts };
      const password = creds
        ? await readPassword(creds, env, (f) => readOnce(f, 'password file', where), where, source)
        : undefined;
      const ca = tls.ca ? await readOnce(tls.ca, 'CA file', where) : undefined;
      const allowHttp = s.allowHttp ?? fleet.defaults?.allowHttp ?? false;
      if (s.bmc.startsWith('http:') && !allowHttp) {
        throw new ConfigError(
          source,
          `${where}.bmc: plain http URL ${s.bmc} needs allowHttp: true (labs, mockups)`,
        );
      }
      const client: RedfishClientOptions = {
        url: s.bmc,
        name: s.name,
        allowHttp,
        tls: {
          ...(ca ? { ca } : {}),
          ...(tls.fingerprint ? { fingerprint: tls.fingerprint } : {}),
          ...(tls.insecure ? { insecure: true } : {}),
          ...(tls.legacy ? { legacy: true } : {}),
        },
        ...(Object.keys(timeouts).length ? { timeouts } : {}),
        ...(creds && password !== undefined ? { credentials: { username: creds.username, password } } : {}),
      };
      return {
        name: s.name,
        bmc: s.bmc,
        ...(s.vendor ? { vendor: s.vendor } : {}),
        labels: { ...fleet.defaults?.labels, ...s.labels },
        client,
        ...(scanMs !== undefined ? { scanMs } : {}),
      };
    }),
  );
}

async function readPassword(
  creds: CredentialsRef,
  env: NodeJS.ProcessEnv,
  readFileOnce: (file: string) => Promise<string>,
  where: string,
  source: string,
): Promise<string> {
  if (creds.passwordEnv) {
    const value = env[creds.passwordEnv];
    if (value === undefined || value === '') {
      throw new ConfigError(
        source,
        `${where}.credentials.passwordEnv: environment variable ${creds.passwordEnv} is not set`,
      );
    }
    return value;
  }
  const text = await readFileOnce(creds.passwordFile as string);
  const first = text.split(/\r?\n/)[0] ?? '';
  if (first === '')
    throw new ConfigError(source, `${where}.credentials.passwordFile: ${creds.passwordFile} is empty`);
  return first;
}

/**
 * The `api` section of the daemon config file, read by `firmwarden serve`: where to listen, who may
 * call (bearer tokens by name and role), TLS, and request limits. Tokens are never written in
 * clear in the config: each names an env var or a file holding it, or gives its sha256 digest.
 * Plain http on an address other than loopback is refused unless allowPlainHttp says so (bearer
 * tokens would cross the network readable).
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';

/** Every default in one block. */
export const API_DEFAULTS = {
  host: '127.0.0.1',
  port: 8443,
  /** JSON bodies are small (a rollout spec is a few KB); 1 MiB leaves room and bounds memory. */
  maxBodyBytes: 1024 * 1024,
  /** Rollouts listed on the dashboard. */
  dashboardRollouts: 20,
  /** Finished async operations kept in memory for polling. */
  keptOperations: 100,
} as const;

export const ApiRole = {
  /** GET everything (fleet, inventory, compliance, rollouts, journal, metrics). */
  read: 'read',
  /** read, plus every mutating call (refresh, rollouts, backup checks). */
  operator: 'operator',
} as const;
export type ApiRole = (typeof ApiRole)[keyof typeof ApiRole];
export const ApiRoleSchema = z.enum([ApiRole.read, ApiRole.operator]);

export const ApiTokenSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')
      .describe('who calls: journal entries name the caller api:<name>'),
    role: ApiRoleSchema.describe('read: GET only; operator: also start/pause/resume/abort, refresh, checks'),
    tokenEnv: z.string().min(1).optional().describe('environment variable holding the token'),
    tokenFile: z.string().min(1).optional().describe('file whose first line is the token (keep it 0600)'),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, '64 hex digits')
      .optional()
      .describe('sha256 hex digest of the token (the token itself stays out of the file)'),
  })
  .strict()
  .refine((t) => [t.tokenEnv, t.tokenFile, t.sha256].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of tokenEnv, tokenFile, sha256',
  });
export type ApiTokenRef = z.infer<typeof ApiTokenSchema>;

export const ApiConfigSchema = z
  .object({
    listen: z
      .object({
        host: z.string().min(1).default(API_DEFAULTS.host).describe('address to bind (default 127.0.0.1)'),
        port: z.number().int().min(0).max(65535).default(API_DEFAULTS.port).describe('default 8443'),
      })
      .strict()
      .default({ host: API_DEFAULTS.host, port: API_DEFAULTS.port }),
    tls: z
      .object({
        cert: z.string().min(1).describe('PEM certificate chain file'),
        key: z.string().min(1).describe('PEM private key file'),
      })
      .strict()
      .optional()
      .describe('serve HTTPS; required on a non-loopback address unless allowPlainHttp'),
    allowPlainHttp: z
      .boolean()
      .default(false)
      .describe('permit plain http on a non-loopback address (tokens then cross the network in clear)'),
    tokens: z.array(ApiTokenSchema).min(1).describe('who may call; at least one'),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(API_DEFAULTS.maxBodyBytes)
      .describe('larger request bodies get 413'),
    policy: z.string().min(1).optional().describe('plan policy file for compliance and plan views'),
    allowCommandHooks: z
      .boolean()
      .default(false)
      .describe(
        'accept drain/undrain `command` hooks in rollout specs posted to the API (they run programs on this host)',
      ),
  })
  .strict()
  .superRefine((api, ctx) => {
    const names = new Set<string>();
    api.tokens.forEach((t, i) => {
      if (names.has(t.name))
        ctx.addIssue({ code: 'custom', path: ['tokens', i, 'name'], message: `duplicate name ${t.name}` });
      names.add(t.name);
    });
  });
export type ApiConfigFile = z.infer<typeof ApiConfigSchema>;

/** The api section with paths resolved against the config file. */
export interface ApiSettings {
  host: string;
  port: number;
  tls?: { cert: string; key: string };
  allowPlainHttp: boolean;
  tokens: ApiTokenRef[];
  maxBodyBytes: number;
  policy?: string;
  allowCommandHooks: boolean;
}

/** Resolves file paths of the section against the folder of `configFile`. */
export function resolveApiSection(section: ApiConfigFile, configFile: string): ApiSettings {
  const base = dirname(resolve(configFile));
  const at = (p: string) => resolve(base, p);
  return {
    host: section.listen.host,
    port: section.listen.port,
    ...(section.tls ? { tls: { cert: at(section.tls.cert), key: at(section.tls.key) } } : {}),
    allowPlainHttp: section.allowPlainHttp,
    tokens: section.tokens.map((t) => (t.tokenFile ? { ...t, tokenFile: at(t.tokenFile) } : t)),
    maxBodyBytes: section.maxBodyBytes,
    ...(section.policy ? { policy: at(section.policy) } : {}),
    allowCommandHooks: section.allowCommandHooks,
  };
}

/** Loopback addresses, where plain http stays on the machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Refuses plain http on a network address unless the config says so. */
export function checkTransport(settings: ApiSettings, source: string): void {
  if (!settings.tls && !isLoopback(settings.host) && !settings.allowPlainHttp) {
    throw new ConfigError(
      source,
      `api.listen.host ${settings.host} without api.tls would send bearer tokens in clear: set api.tls (cert, key) or api.allowPlainHttp: true`,
    );
  }
}

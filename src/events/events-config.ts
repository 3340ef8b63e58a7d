/**
 * The `events` section of the daemon config: where CloudEvents go. Each webhook names the env var
 * holding its HMAC secret (the secret is never in the file, the journal or the logs) and may select
 * event types. Resolved into plain data by `resolveEventsConfig`; secrets are read from the
 * environment only when the dispatchers start (`webhookSecrets`), in the daemon process.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { EventTypePatternSchema } from './event-types.ts';

/** Every default in one block. */
export const EVENTS_DEFAULTS = {
  /** How often an idle dispatcher looks for new journal entries. */
  pollSeconds: 2,
  /** Attempts per event before it is recorded as event-delivery-failed and passed over. */
  maxAttempts: 10,
  /** Backoff: first retry after ~1 s, doubling, each wait at most 5 min (≈ 10 min in all at 10 attempts). */
  retryBaseMs: 1_000,
  retryMaxMs: 5 * 60_000,
  /** A Retry-After longer than this is cut to it. */
  retryAfterMaxMs: 15 * 60_000,
  /** Per attempt: connect + headers + body. */
  timeoutSeconds: 10,
  /** The lease `events:<name>`, renewed every third of it (one dispatcher per webhook across daemons). */
  leaseTtlSeconds: 60,
  /** Journal entries read per query. */
  batch: 200,
} as const;

const WebhookSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'webhook names: letters, digits, _ . -')
      .describe('names the delivery cursor and lease (events:<name>): keep it when editing the URL'),
    url: z.url({ protocol: /^https?$/ }).describe('where CloudEvents are POSTed'),
    secretEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .describe('environment variable holding the HMAC-SHA256 secret'),
    types: z
      .array(EventTypePatternSchema)
      .min(1)
      .optional()
      .describe('event types to send (exact, or a prefix like io.firmwarden.rollout.*); default all'),
    allowHttp: z.boolean().optional().describe('permit a plain http:// URL (loopback, labs)'),
    maxAttempts: z.number().int().min(1).max(100).optional().describe('attempts per event (default 10)'),
    timeoutSeconds: z.number().positive().optional().describe('per attempt (default 10)'),
    from: z
      .enum(['now', 'beginning'])
      .optional()
      .describe('first start of this webhook: deliver from now on (default) or the whole journal'),
  })
  .strict();

export const EventsConfigSchema = z
  .object({
    source: z
      .string()
      .min(1)
      .optional()
      .describe('CloudEvents source attribute (default urn:firmwarden:store:<store id>)'),
    pollSeconds: z.number().positive().optional().describe('idle poll of the journal (default 2)'),
    webhooks: z.array(WebhookSchema).default([]),
  })
  .strict();
export type EventsConfigFile = z.infer<typeof EventsConfigSchema>;

/** One webhook, defaults applied. */
export interface WebhookSink {
  name: string;
  url: string;
  secretEnv: string;
  types?: string[];
  maxAttempts: number;
  timeoutMs: number;
  from: 'now' | 'beginning';
}

export interface EventsConfig {
  source?: string;
  pollMs: number;
  webhooks: WebhookSink[];
}

/** Applies defaults and checks what zod cannot: unique names, http only when allowed. */
export function resolveEventsConfig(file: EventsConfigFile, path: string): EventsConfig {
  const seen = new Set<string>();
  const webhooks = file.webhooks.map((w, i): WebhookSink => {
    if (seen.has(w.name)) throw new ConfigError(path, `events.webhooks[${i}].name: ${w.name} is used twice`);
    seen.add(w.name);
    if (w.url.startsWith('http:') && !w.allowHttp) {
      throw new ConfigError(
        path,
        `events.webhooks[${i}] (${w.name}).url: plain http URL needs allowHttp: true (events would travel in clear)`,
      );
    }
    return {
      name: w.name,
      url: w.url,
      secretEnv: w.secretEnv,
      ...(w.types ? { types: w.types } : {}),
      maxAttempts: w.maxAttempts ?? EVENTS_DEFAULTS.maxAttempts,
      timeoutMs: (w.timeoutSeconds ?? EVENTS_DEFAULTS.timeoutSeconds) * 1000,
      from: w.from ?? 'now',
    };
  });
  return {
    ...(file.source !== undefined ? { source: file.source } : {}),
    pollMs: (file.pollSeconds ?? EVENTS_DEFAULTS.pollSeconds) * 1000,
    webhooks,
  };
}

/** Reads every webhook's secret from the environment; a missing one is a ConfigError naming it. */
export function webhookSecrets(
  config: EventsConfig,
  env: NodeJS.ProcessEnv,
  source: string,
): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const w of config.webhooks) {
    const secret = env[w.secretEnv];
    if (!secret) {
      throw new ConfigError(
        source,
        `events.webhooks (${w.name}).secretEnv: environment variable ${w.secretEnv} is not set or empty`,
      );
    }
    secrets.set(w.name, secret);
  }
  return secrets;
}

/** Where a webhook delivers, safe to log and journal: its origin only (paths often embed tokens). */
export function sinkOrigin(url: string): string {
  return new URL(url).origin;
}

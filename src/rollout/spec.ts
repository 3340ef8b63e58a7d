/**
 * The rollout spec: which fleet, which catalog, and how carefully — canaries, batch size, how many
 * servers may be out of service at once (fleet-wide and per label value), the failure budget,
 * maintenance windows, health gates and drain hooks. YAML or JSON, validated; errors name the
 * file and field. Its JSON Schema is generated into schemas/rollout.schema.json.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { ComponentKindSchema, UpdateMethodSchema } from '../vocab.ts';

const Count = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d{1,3}(\.\d+)?%$/, 'a count like 5 or a share like "10%"'),
]);

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM');

/** A weekly maintenance window in the local time of the firmwarden process. */
export const WindowSchema = z
  .object({
    start: HHMM.describe('window opens at (local time)'),
    durationMinutes: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 60),
    days: z
      .array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']))
      .optional()
      .describe('days the window opens on; every day when absent'),
  })
  .strict();
export type Window = z.infer<typeof WindowSchema>;

/** Drain/undrain: a command (argv, run without a shell) or an HTTP webhook. `{server}` is replaced. */
export const HookSchema = z.union([
  z
    .object({ command: z.array(z.string()).min(1), timeoutSeconds: z.number().positive().optional() })
    .strict(),
  z
    .object({
      webhook: z.url({ protocol: /^https?$/ }),
      method: z.enum(['POST', 'PUT']).optional(),
      timeoutSeconds: z.number().positive().optional(),
    })
    .strict(),
]);
export type Hook = z.infer<typeof HookSchema>;

export const RolloutSpecSchema = z
  .object({
    version: z.literal(1),
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -'),
    fleet: z.string().min(1).describe('fleet file, relative to the spec'),
    catalog: z.string().min(1).describe('catalog file, relative to the spec'),
    policy: z.string().min(1).optional().describe('plan policy file, relative to the spec'),
    servers: z
      .object({
        names: z.array(z.string()).optional(),
        labels: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
      })
      .strict()
      .optional()
      .describe('which servers of the fleet take part (all when absent)'),
    components: z.array(ComponentKindSchema).optional().describe('only these component kinds'),
    waves: z
      .object({
        canary: z.union([z.array(z.string()), z.number().int().nonnegative()]).default(1),
        batch: Count.default(1),
      })
      .strict()
      .default({ canary: 1, batch: 1 }),
    maxUnavailable: Count.default(1).describe('servers out of service at once, fleet-wide'),
    perLabel: z
      .record(z.string(), z.number().int().positive())
      .optional()
      .describe('at most N servers at once sharing a value of this label, e.g. { rack: 1 }'),
    failureBudget: z.number().int().nonnegative().default(1).describe('pause after this many failed servers'),
    windows: z.array(WindowSchema).optional().describe('start new servers only inside these windows'),
    gates: z
      .object({
        requireHealthOk: z.boolean().default(true),
        httpCheck: z
          .object({
            url: z.string().min(1).describe('{server} is replaced by the server name'),
            expectStatus: z.number().int().default(200),
            timeoutSeconds: z.number().positive().default(10),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ requireHealthOk: true }),
    drain: HookSchema.optional(),
    undrain: HookSchema.optional(),
    update: z
      .object({
        method: z.union([z.literal('auto'), UpdateMethodSchema]).default('auto'),
        allowForceReset: z.boolean().default(false),
        imageServer: z
          .object({
            host: z.string().optional(),
            port: z.number().int().optional(),
            url: z.string().optional(),
            tls: z.boolean().optional(),
          })
          .strict()
          .optional(),
        timeouts: z
          .object({
            taskMs: z.number().positive(),
            bmcRebootMs: z.number().positive(),
            hostResetMs: z.number().positive(),
            pollMs: z.number().positive(),
          })
          .partial()
          .strict()
          .optional(),
      })
      .strict()
      .default({ method: 'auto', allowForceReset: false }),
    store: z.string().optional().describe('image store directory (default <state>/images)'),
  })
  .strict();
export type RolloutSpec = z.infer<typeof RolloutSpecSchema>;

/** A spec with its relative paths resolved against the spec file's folder. */
export interface LoadedSpec {
  spec: RolloutSpec;
  file: string;
  fleetFile: string;
  catalogFile: string;
  policyFile?: string;
}

export function parseSpec(text: string, file: string): RolloutSpec {
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(
      file,
      `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const r = RolloutSpecSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError(file, `${issue?.path.join('.') || '(top level)'}: ${issue?.message}`, {
      cause: r.error,
    });
  }
  return r.data;
}

export async function loadSpec(file: string): Promise<LoadedSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot read rollout spec: ${(err as Error).message}`, { cause: err });
  }
  return resolveSpec(parseSpec(text, file), file);
}

/** Resolves relative paths of a spec against the folder of `file`. */
export function resolveSpec(spec: RolloutSpec, file: string): LoadedSpec {
  const base = dirname(resolve(file));
  return {
    spec,
    file: resolve(file),
    fleetFile: resolve(base, spec.fleet),
    catalogFile: resolve(base, spec.catalog),
    ...(spec.policy ? { policyFile: resolve(base, spec.policy) } : {}),
  };
}

/** "10%" of n (at least 1), or the count itself. */
export function countOf(c: number | string, n: number): number {
  if (typeof c === 'number') return c;
  return Math.max(1, Math.floor((Number(c.slice(0, -1)) / 100) * n));
}

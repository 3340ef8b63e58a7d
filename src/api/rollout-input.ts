/**
 * Turns a rollout posted to the API into a LoadedSpec, within limits a network caller must not
 * cross: every path (fleet, catalog, policy, image store, spec file) resolves against the config
 * file's folder and must stay inside it, or be one of the files the config itself names; and
 * drain/undrain `command` hooks (programs run on this host) are refused unless the config sets
 * api.allowCommandHooks. Webhooks and HTTP checks are allowed (an operator's own endpoints).
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { type LoadedSpec, loadSpec, type RolloutSpec } from '../rollout/spec.ts';
import { ApiError } from './api-errors.ts';
import type { ApiContext } from './context.ts';
import type { CreateRolloutBody } from './schemas.ts';

type Body = z.infer<typeof CreateRolloutBody>;

/** The spec the body names or carries, its paths resolved and checked. */
export async function specFromBody(ctx: ApiContext, body: Body, caller: string): Promise<LoadedSpec> {
  const base = dirname(ctx.config.file);
  if (body.specFile !== undefined) {
    const file = allowedPath(ctx, body.specFile, 'body.specFile');
    const loaded = await loadSpec(file);
    checkSpec(ctx, loaded.spec, dirname(file), 'body.specFile');
    return loaded;
  }
  const spec = body.spec as RolloutSpec;
  checkSpec(ctx, spec, base, 'body.spec');
  return {
    spec,
    // Recorded with the rollout (StoredSpec.specFile): says where it came from.
    file: `api:${caller}`,
    fleetFile: resolve(base, spec.fleet),
    catalogFile: resolve(base, spec.catalog),
    ...(spec.policy ? { policyFile: resolve(base, spec.policy) } : {}),
  };
}

function checkSpec(ctx: ApiContext, spec: RolloutSpec, base: string, where: string): void {
  const paths: Array<[string, string | undefined]> = [
    ['fleet', spec.fleet],
    ['catalog', spec.catalog],
    ['policy', spec.policy],
    ['store', spec.store],
  ];
  for (const [field, p] of paths)
    if (p !== undefined) allowedPath(ctx, resolve(base, p), `${where}.${field}`);
  if (!ctx.settings.allowCommandHooks) {
    for (const hook of ['drain', 'undrain'] as const) {
      const h = spec[hook];
      if (h && 'command' in h) {
        throw new ApiError(
          'FW_API_VALIDATION',
          `${where}.${hook}.command: command hooks run programs on the API host and are refused over the API (api.allowCommandHooks: false); use a webhook`,
          { field: `${where}.${hook}.command` },
        );
      }
    }
  }
}

/** `p` resolved against the config folder, if it stays inside it or is a file the config names. */
function allowedPath(ctx: ApiContext, p: string, field: string): string {
  const base = dirname(ctx.config.file);
  const abs = resolve(base, p);
  const named = [ctx.config.fleet, ctx.config.rollout?.spec, ctx.settings.policy, ctx.config.images];
  if (ctx.config.catalog?.source.kind === 'file') named.push(ctx.config.catalog.source.path);
  const rel = relative(base, abs);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  if (inside || named.includes(abs)) return abs;
  throw new ApiError(
    'FW_API_VALIDATION',
    `${field}: ${JSON.stringify(p)} is outside the config folder ${base} (paths posted to the API must stay inside it)`,
    { field },
  );
}

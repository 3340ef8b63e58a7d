/**
 * Turns a rollout posted to the API into a LoadedSpec, within limits a network caller must not
 * cross: every path (fleet, catalog, policy, image store, spec file) resolves against the config
 * file's folder and must stay inside it, or be one of the files the config itself names, judged
 * on real paths (symlinks followed) before anything is read; refusals name the path as it was
 * posted, never the server's absolute paths or a file's content; and
 * drain/undrain `command` hooks (programs run on this host) are refused unless the config sets
 * api.allowCommandHooks. Webhooks and HTTP checks are allowed (an operator's own endpoints).
 */
import { dirname, resolve } from 'node:path';
import { ZodError, type z } from 'zod';
import { containedPath } from '../contained-path.ts';
import { ConfigError } from '../errors.ts';
import { type LoadedSpec, loadSpec, type RolloutSpec } from '../rollout/spec.ts';
import { ApiError } from './api-errors.ts';
import type { ApiContext } from './context.ts';
import type { CreateRolloutBody } from './schemas.ts';

type Body = z.infer<typeof CreateRolloutBody>;

/** The spec the body names or carries, its paths resolved and checked. */
export async function specFromBody(ctx: ApiContext, body: Body, caller: string): Promise<LoadedSpec> {
  const base = dirname(ctx.config.file);
  if (body.specFile !== undefined) {
    // Checked on its real path before a byte is read; read from that same real path.
    const file = await allowedPath(ctx, base, body.specFile, 'body.specFile');
    const loaded = await loadPostedSpec(file, body.specFile);
    await checkSpec(ctx, loaded.spec, dirname(file), 'body.specFile');
    return loaded;
  }
  const spec = body.spec as RolloutSpec;
  await checkSpec(ctx, spec, base, 'body.spec');
  return {
    spec,
    // Recorded with the rollout (StoredSpec.specFile): says where it came from.
    file: `api:${caller}`,
    fleetFile: resolve(base, spec.fleet),
    catalogFile: resolve(base, spec.catalog),
    ...(spec.policy ? { policyFile: resolve(base, spec.policy) } : {}),
  };
}

async function checkSpec(ctx: ApiContext, spec: RolloutSpec, base: string, where: string): Promise<void> {
  const paths: Array<[string, string | undefined]> = [
    ['fleet', spec.fleet],
    ['catalog', spec.catalog],
    ['policy', spec.policy],
    ['store', spec.store],
  ];
  for (const [field, p] of paths) if (p !== undefined) await allowedPath(ctx, base, p, `${where}.${field}`);
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

/**
 * `p` (relative to `from`) as a real path, if it really stays inside the config folder (symlinks
 * followed) or really is a file the config names. Refusals name `p` as given, never the server's
 * absolute paths.
 */
async function allowedPath(ctx: ApiContext, from: string, p: string, field: string): Promise<string> {
  const configDir = dirname(ctx.config.file);
  const named = [ctx.config.fleet, ctx.config.rollout?.spec, ctx.settings.policy, ctx.config.images];
  if (ctx.config.catalog?.source.kind === 'file') named.push(ctx.config.catalog.source.path);
  try {
    const target = await containedPath(configDir, resolve(from, p));
    if (target.inside && !target.isRoot) return target.real;
    for (const n of named) {
      if (n !== undefined && (await containedPath(configDir, n)).real === target.real) return target.real;
    }
  } catch (err) {
    throw refused(field, p, 'cannot be resolved', err);
  }
  throw refused(
    field,
    p,
    'is outside the config folder (paths posted to the API must stay inside it, symlinks included)',
  );
}

function refused(field: string, p: string, why: string, cause?: unknown): ApiError {
  return new ApiError('FW_API_VALIDATION', `${field}: ${JSON.stringify(p)} ${why}`, {
    field,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * loadSpec, with its failures told without the server's absolute path or the file's content (a
 * YAML error quotes the offending line; a file inside the config folder may hold secrets).
 */
async function loadPostedSpec(file: string, given: string): Promise<LoadedSpec> {
  try {
    return await loadSpec(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw refused('body.specFile', given, specProblem(err), err);
  }
}

function specProblem(err: ConfigError): string {
  const cause = err.cause as { code?: unknown; linePos?: Array<{ line: number }> } | undefined;
  if (cause instanceof ZodError) {
    const issue = cause.issues[0];
    // Issue messages state what was expected; an unrecognized key would be quoted from the file.
    const what = issue?.code === 'unrecognized_keys' ? 'unknown field' : issue?.message;
    return `is not a valid rollout spec: ${issue?.path.join('.') || '(top level)'}: ${what ?? 'invalid'}`;
  }
  if (cause instanceof SyntaxError) return 'is not valid JSON';
  if (cause?.linePos !== undefined) return `is not valid YAML (line ${cause.linePos[0]?.line ?? '?'})`;
  if (typeof cause?.code === 'string') {
    return cause.code === 'ENOENT' ? 'does not exist' : `cannot be read (${cause.code})`;
  }
  return 'cannot be read as a rollout spec';
}

/**
 * Reading what a request carries: the body (bounded by maxBodyBytes, JSON only), the query string
 * and path parameters, each validated by the route's own zod schema. Every refusal is an ApiError
 * whose `field` names where it was (`body.waves.batch`, `query.limit`).
 */
import type { z } from 'zod';
import { ApiError } from './api-errors.ts';

export type RequestBody = AsyncIterable<Uint8Array> | Uint8Array | string | undefined;

/** Reads the whole body, refusing more than `max` bytes (declared or sent). */
export async function readBody(
  body: RequestBody,
  declaredLength: string | undefined,
  max: number,
): Promise<Buffer> {
  const tooLarge = () =>
    new ApiError('FW_API_TOO_LARGE', `request body larger than ${max} bytes (api.maxBodyBytes)`, {
      headers: { connection: 'close' },
    });
  if (declaredLength !== undefined && Number(declaredLength) > max) throw tooLarge();
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const buf = Buffer.from(body);
    if (buf.length > max) throw tooLarge();
    return buf;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) throw tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; an empty one is `{}` unless required. */
export function parseJsonBody(bytes: Buffer, contentType: string | undefined, required: boolean): unknown {
  if (bytes.length === 0) {
    if (required) throw new ApiError('FW_API_VALIDATION', 'body: a JSON body is required', { field: 'body' });
    return {};
  }
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(
      'FW_API_UNSUPPORTED_MEDIA_TYPE',
      `body: expected content-type application/json, got ${type ? JSON.stringify(type) : 'none'}`,
    );
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ApiError('FW_API_BAD_JSON', `body: not valid JSON: ${(err as Error).message}`, {
      field: 'body',
      cause: err,
    });
  }
}

/** Query parameters as an object: a key given once is a string, given several times an array. */
export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? (all[0] as string) : all;
  }
  return out;
}

/** Validates `value` with `schema`; the first issue becomes a 400 naming `where.path`. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query' | 'params'): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [where, ...(issue?.path ?? []).map(String)].join('.');
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
  throw new ApiError('FW_API_VALIDATION', `${path}: ${issue?.message ?? 'invalid'}${more}`, { field: path });
}

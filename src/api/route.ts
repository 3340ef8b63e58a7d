/**
 * The route table's shape. Each route declares its access (public, read, operator), its zod
 * schemas for path parameters, query and body, and its responses; the app validates requests with
 * exactly these schema objects and the OpenAPI document is generated from them, so the document
 * cannot drift from what is enforced.
 */
import type { z } from 'zod';
import type { ApiRole } from './api-config.ts';
import type { Caller } from './auth.ts';

export type HttpMethod = 'GET' | 'POST';

/** `public` needs no token; `read` any token; `operator` an operator token. */
export type Access = 'public' | ApiRole;

/** What a handler answers: JSON (default), or text with its content type. */
export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** What a handler gets: the validated inputs and who called. */
export interface Call<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Absent on public routes called without a token. */
  caller: Caller | undefined;
  /** Journal actor of the caller: "api:<token name>". */
  actor: string;
}

export interface ResponseDoc {
  description: string;
  /** JSON body schema (documentation only: responses are not validated at run time). */
  schema?: z.ZodType;
  /** Non-JSON responses (text/csv, text/html, text/plain). */
  contentType?: string;
}

export interface RouteSpec<P, Q, B> {
  method: HttpMethod;
  /** OpenAPI-style template: /api/v1/rollouts/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** An empty body is refused (400) instead of being read as {}. */
  bodyRequired?: boolean;
  responses: Record<number, ResponseDoc>;
  handle(call: Call<P, Q, B>): Promise<Reply> | Reply;
}

// biome-ignore lint/suspicious/noExplicitAny: a table of routes with different input types.
export type Route = RouteSpec<any, any, any>;

/** Declares a route, inferring the handler's input types from its schemas. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  spec: RouteSpec<P, Q, B>,
): Route {
  return spec;
}

/** A route with its path compiled for matching. */
export interface CompiledRoute {
  route: Route;
  pattern: RegExp;
}

export function compileRoute(route: Route): CompiledRoute {
  const source = route.path
    .split('/')
    .map((seg) => {
      const m = /^\{([A-Za-z]\w*)\}$/.exec(seg);
      return m ? `(?<${m[1]}>[^/]+)` : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`) };
}

/** The route for a method and path, or why there is none (404, or 405 with the allowed methods). */
export function matchRoute(
  table: readonly CompiledRoute[],
  method: string,
  path: string,
): { found: CompiledRoute; params: Record<string, string> } | { found: undefined; allowed: HttpMethod[] } {
  const allowed: HttpMethod[] = [];
  for (const c of table) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    if (c.route.method === method || (method === 'HEAD' && c.route.method === 'GET')) {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
      return { found: c, params };
    }
    allowed.push(c.route.method);
  }
  return { found: undefined, allowed };
}

/**
 * The HTTP API as an app that does not listen: `handle` turns a request (method, URL, headers,
 * body) into a response, `listener` adapts it to node:http, and `inject` runs it in memory for
 * tests (the fastify pattern). Every request goes the same way: route match (404/405), bearer
 * token and role (401/403), path/query/body validation with the route's own zod schemas (400,
 * 413, 415), the handler, then the audit: every authenticated mutating call is journalled with
 * the caller as `api:<token name>`. Tokens never reach a log line.
 */

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { DaemonConfig } from '../daemon/load-config.ts';
import type { Deps } from '../deps.ts';
import { processActor } from '../store/store-journal.ts';
import type { Store } from '../store/types.ts';
import { API_DEFAULTS } from './api-config.ts';
import { ApiError, errorResponse } from './api-errors.ts';
import { allows, bearerToken, type Caller, type TokenRegistry } from './auth.ts';
import { CatalogCache } from './catalog-cache.ts';
import type { ApiContext, EffectiveSettings } from './context.ts';
import { JournalTail } from './journal-tail.ts';
import { ApiMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { Operations } from './operations.ts';
import { parseJsonBody, queryObject, type RequestBody, readBody, validate } from './request-input.ts';
import { RolloutDrivers } from './rollout-drivers.ts';
import { compileRoute, matchRoute, type Reply, type Route } from './route.ts';
import { fleetRoutes } from './routes/fleet-routes.ts';
import { metaRoutes } from './routes/meta-routes.ts';
import { recordRoutes } from './routes/record-routes.ts';
import { rolloutRoutes } from './routes/rollout-routes.ts';
import { ViewCache } from './view-cache.ts';

export interface ApiRequest {
  method: string;
  /** Path and query, e.g. /api/v1/journal?limit=10. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: RequestBody;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface InjectOptions {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON (content-type set unless given); a string or Buffer as is. */
  body?: unknown;
}

export interface InjectResponse extends ApiResponse {
  json<T = unknown>(): T;
}

export interface ApiAppOptions {
  config: DaemonConfig;
  store: Store;
  deps: Deps;
  tokens: TokenRegistry;
  /** Replaces the dashboard page (src/dashboard's renderDashboardPage by default). */
  dashboardPage?: () => string;
}

export interface ApiApp {
  routes: readonly Route[];
  context: ApiContext;
  handle(req: ApiRequest): Promise<ApiResponse>;
  listener: RequestListener;
  inject(opts: InjectOptions): Promise<InjectResponse>;
  /** Stops rollout drivers and background operations this app started, and its metrics hook. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

const INFO = {
  title: 'firmwarden',
  version: '1',
  description:
    'Out-of-band firmware management over Redfish: fleet, inventory, compliance, plans, rollouts, backups, jobs and the journal.',
};

/** Builds the API app over an open store. Nothing listens until `listener` is given to a server. */
export function createApiApp(options: ApiAppOptions): ApiApp {
  const { config, store, deps } = options;
  const api = config.api;
  const settings: EffectiveSettings = {
    host: api?.host ?? API_DEFAULTS.host,
    port: api?.port ?? API_DEFAULTS.port,
    ...(api?.tls ? { tls: api.tls } : {}),
    allowPlainHttp: api?.allowPlainHttp ?? false,
    maxBodyBytes: api?.maxBodyBytes ?? API_DEFAULTS.maxBodyBytes,
    ...(api?.policy ? { policy: api.policy } : {}),
    allowCommandHooks: api?.allowCommandHooks ?? false,
  };
  const self = processActor('api');
  const logger = deps.logger.child({ component: 'api' });
  const ctx: ApiContext = {
    config,
    settings,
    store,
    deps,
    tokens: options.tokens,
    catalog: new CatalogCache(config),
    operations: new Operations({ logger, now: () => deps.clock.now() }),
    drivers: new RolloutDrivers({
      store,
      deps,
      stateDir: config.stateDir,
      actor: self,
      ...(config.cluster ? { cluster: config.cluster } : {}),
    }),
    journal: new JournalTail(store),
    metrics: new ApiMetrics(),
    views: new ViewCache(),
    processActor: self,
    ...(options.dashboardPage ? { dashboardPage: options.dashboardPage } : {}),
  };
  let doc: Record<string, unknown> | undefined;
  const routes: Route[] = [
    ...metaRoutes(ctx, () => {
      doc ??= openApiDocument(routes, INFO);
      return doc;
    }),
    ...fleetRoutes(ctx),
    ...rolloutRoutes(ctx),
    ...recordRoutes(ctx),
  ];
  const table = routes.map(compileRoute);

  /** Runs the request; `seen` learns the route and caller as soon as they are known (for the audit). */
  async function run(req: ApiRequest, seen: { route?: Route; caller?: Caller }): Promise<Reply> {
    const url = new URL(req.url, 'http://api.invalid');
    let path: string;
    try {
      path = decodeURI(url.pathname);
    } catch {
      throw new ApiError('FW_API_NOT_FOUND', `no route ${url.pathname}`);
    }
    const method = req.method.toUpperCase();
    const m = matchRoute(table, method, path);
    if (!m.found) {
      if (m.allowed.length)
        throw new ApiError(
          'FW_API_METHOD_NOT_ALLOWED',
          `${method} ${path}: allowed ${m.allowed.join(', ')}`,
          {
            headers: { allow: m.allowed.join(', ') },
          },
        );
      throw new ApiError('FW_API_NOT_FOUND', `no route ${method} ${path}`);
    }
    const { route } = m.found;
    seen.route = route;
    const caller = authenticate(route, header(req, 'authorization'), seen);
    const params = route.params ? validate(route.params, m.params, 'params') : {};
    const query = route.query ? validate(route.query, queryObject(url.searchParams), 'query') : {};
    let body: unknown;
    if (route.body) {
      const bytes = await readBody(req.body, header(req, 'content-length'), settings.maxBodyBytes);
      body = validate(
        route.body,
        parseJsonBody(bytes, header(req, 'content-type'), route.bodyRequired ?? false),
        'body',
      );
    }
    return route.handle({
      params,
      query,
      body,
      caller,
      actor: caller ? `api:${caller.name}` : 'api:anonymous',
    });
  }

  function authenticate(
    route: Route,
    authorization: string | undefined,
    seen: { caller?: Caller },
  ): Caller | undefined {
    const token = bearerToken(authorization);
    const caller = token === undefined ? undefined : ctx.tokens.identify(token);
    if (route.access === 'public') return caller;
    if (!caller) {
      const presented = authorization !== undefined;
      throw new ApiError(
        'FW_API_UNAUTHORIZED',
        presented
          ? 'the bearer token is not valid'
          : 'a bearer token is required (Authorization: Bearer <token>)',
        {
          headers: {
            'www-authenticate': presented
              ? 'Bearer realm="firmwarden", error="invalid_token"'
              : 'Bearer realm="firmwarden"',
          },
        },
      );
    }
    seen.caller = caller;
    if (!allows(caller.role, route.access)) {
      throw new ApiError(
        'FW_API_FORBIDDEN',
        `${route.method} ${route.path} needs the ${route.access} role; token ${caller.name} has ${caller.role}`,
      );
    }
    return caller;
  }

  async function handle(req: ApiRequest): Promise<ApiResponse> {
    const started = deps.clock.now();
    let status: number;
    let headers: Record<string, string>;
    let body: string;
    let code: string | undefined;
    const seen: { route?: Route; caller?: Caller } = {};
    try {
      const reply = await run(req, seen);
      status = reply.status ?? 200;
      if (reply.text !== undefined) {
        body = reply.text;
        headers = { 'content-type': reply.contentType ?? 'text/plain; charset=utf-8' };
      } else {
        body = `${JSON.stringify(reply.json ?? null)}\n`;
        headers = { 'content-type': 'application/json; charset=utf-8' };
      }
      headers = { ...headers, ...reply.headers };
    } catch (err) {
      const e = errorResponse(err);
      if (e.internal) logger.error({ err, url: req.url.split('?')[0] }, 'api handler failed');
      status = e.status;
      code = e.body.error.code;
      body = `${JSON.stringify(e.body)}\n`;
      headers = { 'content-type': 'application/json; charset=utf-8', ...e.headers };
    }
    headers = { ...SECURITY_HEADERS, ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const { route, caller } = seen;
    const routeLabel = route ? `${route.method} ${route.path}` : 'unmatched';
    ctx.metrics.apiRequests.inc({ route: routeLabel, status: String(status) });
    if (route && route.method !== 'GET' && caller) await audit(route, caller, req, status, code);
    logger[status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info'](
      {
        method: req.method,
        path: req.url.split('?')[0],
        route: routeLabel,
        status,
        ...(code ? { code } : {}),
        ...(caller ? { caller: caller.name } : {}),
        ms: deps.clock.now() - started,
      },
      'api request',
    );
    return { status, headers, body: req.method.toUpperCase() === 'HEAD' ? '' : body };
  }

  async function audit(route: Route, caller: Caller, req: ApiRequest, status: number, code?: string) {
    try {
      await store.append({
        actor: `api:${caller.name}`,
        event: 'api-call',
        data: {
          method: route.method,
          route: route.path,
          path: req.url.split('?')[0],
          status,
          role: caller.role,
          ...(code ? { code } : {}),
        },
      });
    } catch (err) {
      logger.error({ err: String(err), route: route.path }, 'api audit entry could not be written');
    }
  }

  const listener: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    void handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: req }).then(
      (r) => {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      },
      (err) => {
        logger.error({ err }, 'api listener failed');
        res.destroy();
      },
    );
  };

  async function inject(opts: InjectOptions): Promise<InjectResponse> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
    let body: RequestBody;
    if (opts.body === undefined || typeof opts.body === 'string' || opts.body instanceof Uint8Array) {
      body = opts.body as RequestBody;
    } else {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    if (body !== undefined)
      headers['content-length'] ??= String(Buffer.byteLength(body as string | Uint8Array));
    const r = await handle({ method: opts.method ?? 'GET', url: opts.url, headers, body });
    return { ...r, json: <T>() => JSON.parse(r.body) as T };
  }

  return {
    routes,
    context: ctx,
    handle,
    listener,
    inject,
    async close() {
      await ctx.drivers.stop();
      await ctx.operations.stop();
      ctx.metrics.close();
    },
  };
}

function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * One request through a simulated BMC: count it, apply faults (latency, reset, 503, 500), check
 * authentication, then route: a registered handler, else the resource tree for GET/HEAD, else
 * 405 (the resource exists) or 404. Every answer is a Redfish error body or the vendor's JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BmcContext } from './bmc-context.ts';
import { SIM_DEFAULTS } from './defaults.ts';
import { resetConnection } from './faults.ts';
import { needsQueryRendering, renderCollection } from './odata-query.ts';
import {
  allowedMethods,
  checkODataVersion,
  onlyMember,
  queryProblem,
  successHeaders,
} from './protocol-rules.ts';
import { baseError, baseMessage, errorBody, SimHttpError } from './redfish-errors.ts';
import type { Rendered } from './resource-tree.ts';
import { canonicalPath } from './resource-tree.ts';
import type { Rng } from './rng.ts';
import type { Router } from './router.ts';
import { PUBLIC_PATHS } from './service-routes.ts';
import { SESSIONS_PATH } from './sessions.ts';
import type { SimAuth, SimRequest, SimResponse } from './sim-http.ts';
import type { SimFaults } from './types.ts';

export interface PipelineHost extends BmcContext {
  readonly faults: SimFaults;
  readonly faultRng: Rng;
  readonly router: Router;
  /** While the BMC is still starting after a reboot: the error it answers everything with. */
  startingUp?(): SimHttpError | undefined;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function write(host: PipelineHost, req: IncomingMessage, res: ServerResponse, r: SimResponse): void {
  // Cache-Control on every answer (DSP0266 lists it among the headers a service returns): the
  // resources change under the client, so it revalidates with the ETag.
  const headers: Record<string, string | number> = {
    'OData-Version': '4.0',
    'Cache-Control': 'no-cache',
    ...r.headers,
  };
  if (host.profile.serverHeader !== undefined) headers['Server'] = host.profile.serverHeader;
  let payload: string | Buffer | undefined;
  if (r.body === undefined || r.body === null) payload = undefined;
  else if (typeof r.body === 'string' || Buffer.isBuffer(r.body)) payload = r.body;
  else payload = host.tree.serialize(r.body as Record<string, unknown>);
  if (payload !== undefined) {
    headers['Content-Type'] = r.contentType ?? JSON_TYPE;
    headers['Content-Length'] = Buffer.byteLength(payload);
  }
  res.writeHead(r.status, headers);
  res.end(req.method === 'HEAD' ? undefined : payload);
  if (!req.complete) req.resume();
}

function errorResponse(host: PipelineHost, err: SimHttpError): SimResponse {
  return { status: err.status, headers: err.headers, body: errorBody(host.profile.messages, err.messages) };
}

function renderedResponse(
  req: IncomingMessage,
  rendered: Rendered,
  extra: Record<string, string>,
): SimResponse {
  if (req.headers['if-none-match'] === rendered.etag)
    return { status: 304, headers: { ETag: rendered.etag } };
  return {
    status: 200,
    headers: { ...extra, ETag: rendered.etag },
    body: rendered.json,
    contentType: JSON_TYPE,
  };
}

/** Adds Allow/Link to a handler's successful GET answer unless it set its own. */
function withSuccessHeaders(host: PipelineHost, path: string, r: SimResponse): SimResponse {
  if (r.status < 200 || r.status >= 300 || r.headers?.['Allow'] !== undefined) return r;
  const body = r.body as Record<string, unknown> | undefined;
  const type = typeof body === 'object' && body !== null ? body['@odata.type'] : undefined;
  const extra = successHeaders(
    allowedMethods(host.tree, path, host.router.methodsFor(path)),
    typeof type === 'string' ? type : undefined,
  );
  return { ...r, headers: { ...extra, ...r.headers } };
}

/** Who the request authenticates as; 'invalid' when it presents bad credentials. */
function authenticate(host: PipelineHost, req: IncomingMessage): SimAuth | 'invalid' | undefined {
  const token = req.headers['x-auth-token'];
  if (typeof token === 'string') {
    const s = host.sessions.byToken(token);
    return s === undefined ? 'invalid' : { username: s.username, sessionId: s.id };
  }
  const authz = req.headers.authorization;
  if (authz === undefined) return undefined;
  const m = /^Basic\s+(.+)$/i.exec(authz);
  if (m === null || !host.profile.sessions.basicAuth) return 'invalid';
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'invalid';
  const user = decoded.slice(0, colon);
  return host.checkCredentials(user, decoded.slice(colon + 1)) ? { username: user } : 'invalid';
}

function makeRequest(
  host: PipelineHost,
  req: IncomingMessage,
  rawPath: string,
  query: URLSearchParams,
  auth: SimAuth | undefined,
  params: Record<string, string>,
): SimRequest {
  let cached: Promise<Buffer> | undefined;
  const body = (limit: number = SIM_DEFAULTS.bodyLimitBytes): Promise<Buffer> => {
    cached ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          req.removeAllListeners('data');
          req.resume();
          reject(new SimHttpError(413, [baseMessage(host.profile.messages, 'GeneralError')]));
        } else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
    return cached;
  };
  return {
    method: req.method ?? 'GET',
    path: canonicalPath(rawPath),
    rawPath,
    query,
    params,
    headers: req.headers,
    auth,
    raw: req,
    body,
    json: async () => {
      const text = (await body()).toString('utf8');
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw baseError(host.profile.messages, 'MalformedJSON');
      }
    },
  };
}

async function route(
  host: PipelineHost,
  req: IncomingMessage,
  rawPath: string,
  query: URLSearchParams,
): Promise<SimResponse> {
  const style = host.profile.messages;
  const method = req.method ?? 'GET';
  const path = canonicalPath(rawPath);
  checkODataVersion(style, req.headers['odata-version']);
  // DSP0266 "POST (create)": a POST to a collection's Members property creates a member too.
  const isLogin = method === 'POST' && (path === SESSIONS_PATH || path === `${SESSIONS_PATH}/Members`);
  const isPublic = isLogin || (PUBLIC_PATHS.has(path) && (method === 'GET' || method === 'HEAD'));
  const auth = authenticate(host, req);
  if (!isPublic && (auth === undefined || auth === 'invalid')) {
    host.counters.authFailures++;
    const headers: Record<string, string> = host.profile.sessions.basicAuth
      ? { 'WWW-Authenticate': 'Basic realm="Redfish"' }
      : {};
    return errorResponse(host, new SimHttpError(401, [baseMessage(style, 'NoValidSession')], headers));
  }
  const who = auth === 'invalid' ? undefined : auth;

  const lookup = method === 'HEAD' ? 'GET' : method;
  if (lookup === 'GET') {
    const problem = queryProblem(style, host.tree, query);
    if (problem !== undefined) return errorResponse(host, problem);
  }
  const match = host.router.match(lookup, path);
  if (match !== undefined) {
    const answer = await match.handler(makeRequest(host, req, rawPath, query, who, match.params));
    return lookup === 'GET' ? withSuccessHeaders(host, path, answer) : answer;
  }
  const only = lookup === 'GET' ? onlyMember(host.tree, path, query) : undefined;
  if (only !== undefined) {
    const rendered = host.tree.render(only);
    const extra = successHeaders(
      allowedMethods(host.tree, only, host.router.methodsFor(only)),
      host.tree.typeOf(only),
    );
    if (rendered !== undefined) return renderedResponse(req, rendered, extra);
  }
  if (lookup === 'GET' && host.tree.has(path)) {
    const pageSize = host.tree.isCollection(path)
      ? host.tree.collectionParts(path).options.pageSize
      : undefined;
    const rendered =
      host.tree.isCollection(path) && needsQueryRendering(query, pageSize)
        ? renderCollection(host.tree, path, query, host.profile.expand)
        : host.tree.render(path);
    const extra = successHeaders(
      allowedMethods(host.tree, path, host.router.methodsFor(path)),
      host.tree.typeOf(path),
    );
    if (rendered !== undefined) return renderedResponse(req, rendered, extra);
  }
  const allowed = host.router.methodsFor(path);
  if (host.tree.has(path)) allowed.unshift('GET', 'HEAD');
  if (allowed.length > 0) {
    const err = baseError(style, 'OperationNotAllowed');
    return { ...errorResponse(host, err), headers: { Allow: [...new Set(allowed)].join(', ') } };
  }
  return errorResponse(host, baseError(style, 'ResourceMissingAtURI', [rawPath]));
}

/** Handles one HTTP request for a BMC (the `request` listener of its server). */
export async function handleRequest(
  host: PipelineHost,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const stats = host.counters;
  stats.requests++;
  stats.inFlight++;
  if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
  let finished = false;
  const finish = (): void => {
    if (!finished) {
      finished = true;
      stats.inFlight--;
    }
  };
  res.on('close', finish);

  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const key = `${req.method ?? 'GET'} ${canonicalPath(rawPath)}`;
  stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;

  const faults = host.faults;
  try {
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.resetRate > 0 && host.faultRng.next() < faults.resetRate) {
      resetConnection(req.socket);
      finish();
      return;
    }
    const style = host.profile.messages;
    if (faults.unavailable.remaining > 0) {
      faults.unavailable.remaining--;
      const secs = String(faults.unavailable.retryAfterSeconds);
      const err = baseError(style, 'ServiceTemporarilyUnavailable', [secs]);
      write(host, req, res, { ...errorResponse(host, err), headers: { 'Retry-After': secs } });
      return;
    }
    if (faults.errorRate > 0 && host.faultRng.next() < faults.errorRate) {
      write(host, req, res, errorResponse(host, baseError(style, 'InternalError')));
      return;
    }
    const starting = host.startingUp?.();
    if (starting !== undefined) {
      write(host, req, res, errorResponse(host, starting));
      return;
    }
    write(host, req, res, await route(host, req, rawPath, query));
  } catch (err) {
    if (res.headersSent || res.destroyed) return;
    const e = err instanceof SimHttpError ? err : baseError(host.profile.messages, 'InternalError');
    write(host, req, res, errorResponse(host, e));
  }
}

/**
 * Serves images to BMCs for UpdateService.SimpleUpdate. A BMC sends no headers there, so the URL
 * is the credential: `${base}/images/<token>/<sha256>.bin`, one unguessable token per job mapped to
 * exactly one image (no path is ever built from the URL). Every refusal is a 404.
 *
 * Verification: a grant is issued only for an image whose full sha256 was verified (just now, or
 * before on the very same file: inode, size, mtime, ctime). A whole-file response streams through
 * the store's verifying reader and holds its last chunk back until the digest matched: on
 * corruption the socket is destroyed short of Content-Length, so the BMC sees a broken transfer,
 * never a complete corrupt image. A partial range cannot be checked against the digest: it is
 * served from the file verified at grant time (re-verified first, a full read, if it changed since).
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { type AddressInfo, isIP } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { generate } from 'selfsigned';
import { ImageErrorCode, ImageStoreError } from '../catalog/image-errors.ts';
import type { ImageStore } from '../catalog/image-store.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import type { GrantOptions, GrantStats, ImageGrant } from './image-tokens.ts';
import {
  GrantRegistry,
  grantPath,
  parseGrantPath,
  parseRange,
  tokenPrefix,
  VerifiedImages,
} from './image-tokens.ts';

export type { GrantOptions, GrantStats, ImageGrant } from './image-tokens.ts';

export const IMAGE_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  /** A night's OnReset staging. A BMC fetching only when a later window opens needs a longer ttlMs. */
  tokenTtlMs: 2 * 3600_000,
  /** No traffic either way for this long drops the socket: a BMC that stopped reading mid-transfer. */
  idleTimeoutMs: 120_000,
} as const;

export interface ImageServerOptions {
  store: ImageStore;
  /** Address to listen on. An unspecified address (0.0.0.0, ::) requires `publicUrl`. */
  host?: string;
  /** 0 = ephemeral. */
  port?: number;
  /** Base URL BMCs use (NAT, DNS name, reverse-proxy prefix). Default: from the bound address. */
  publicUrl?: string;
  /** PEM pair, or 'self-signed' (EC P-256, made at start for the host); plain http when absent. */
  tls?: { cert: string; key: string } | 'self-signed';
  tokenTtlMs?: number;
}

export interface ImageServer {
  /** Base URL, no trailing slash. */
  readonly url: string;
  /** Scheme of `url`: the TransferProtocol to name in SimpleUpdate. */
  readonly scheme: 'http' | 'https';
  readonly port: number;
  /** PEM certificate served over HTTPS (to pin, or for a BMC that verifies); undefined on http. */
  readonly certificate: string | undefined;
  /** Verifies the image, then returns a URL serving it. Throws ImageStoreError (NOT_FOUND, CORRUPT...). */
  grant(sha256: string, options?: GrantOptions): Promise<ImageGrant>;
  /** Ends a grant now (its URL answers 404). False when the token is unknown. */
  revoke(token: string): boolean;
  /** What was fetched through a grant; undefined for an unknown token. */
  stats(token: string): GrantStats | undefined;
  /** Stops listening, destroys transfers in flight (their files close with them), awaits their end. */
  close(): Promise<void>;
}

/** Starts the image server. */
export async function startImageServer(options: ImageServerOptions, deps: Deps): Promise<ImageServer> {
  const host = options.host ?? IMAGE_SERVER_DEFAULTS.host;
  const base = publicBase(options.publicUrl, host);
  const tls = options.tls === 'self-signed' ? await selfSigned([base?.hostname, host]) : options.tls;
  const ctx: ServeContext = {
    store: options.store,
    grants: new GrantRegistry(deps.clock, options.tokenTtlMs ?? IMAGE_SERVER_DEFAULTS.tokenTtlMs),
    verified: new VerifiedImages(options.store),
    log: deps.logger.child({ component: 'image-server' }),
    prefix: base?.prefix ?? '',
  };
  const inflight = new Set<Promise<void>>();
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const task = serve(req, res, ctx).catch((err) => {
      ctx.log.error({ err }, 'image server request failed');
      req.socket.destroy();
    });
    inflight.add(task);
    void task.finally(() => inflight.delete(task));
  };
  const server: http.Server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  server.setTimeout(IMAGE_SERVER_DEFAULTS.idleTimeoutMs, (socket) => socket.destroy());
  const port = options.port ?? IMAGE_SERVER_DEFAULTS.port;
  try {
    await once(server.listen(port, host), 'listening');
  } catch (err) {
    throw new ConfigError('image server', `cannot listen on ${host}:${port}`, { cause: err });
  }
  const bound = (server.address() as AddressInfo).port;
  const url = base?.url ?? `${tls ? 'https' : 'http'}://${isIP(host) === 6 ? `[${host}]` : host}:${bound}`;
  // Grants, fetches and the listen address are routine (debug); failed fetches are warn/error.
  ctx.log.debug({ url, listen: `${host}:${bound}`, tls: !!tls }, 'image server listening');

  return {
    url,
    scheme: url.startsWith('https:') ? 'https' : 'http',
    port: bound,
    certificate: tls?.cert,
    async grant(sha256, grantOptions = {}) {
      const sha = sha256.toLowerCase();
      const size = await ctx.verified.check(sha, true);
      const { token, expiresAt } = ctx.grants.create(sha, size, grantOptions);
      const { label } = grantOptions;
      ctx.log.debug({ label, grant: tokenPrefix(token), sha256: sha, size, expiresAt }, 'image granted');
      return { url: `${url}${grantPath(token, sha)}`, token, expiresAt };
    },
    revoke: (token) => ctx.grants.revoke(token),
    stats: (token) => ctx.grants.stats(token),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.allSettled([...inflight]);
      await closed;
    },
  };
}

interface ServeContext {
  store: ImageStore;
  grants: GrantRegistry;
  verified: VerifiedImages;
  log: Deps['logger'];
  prefix: string;
}

/** Answers one request and logs one line for it. */
async function serve(req: http.IncomingMessage, res: http.ServerResponse, ctx: ServeContext): Promise<void> {
  const started = performance.now();
  const method = req.method ?? '';
  const line: Record<string, unknown> = { method, client: req.socket.remoteAddress };
  const finish = (status: number, extra: Record<string, unknown> = {}): void => {
    Object.assign(line, extra, { status, ms: Math.round(performance.now() - started) });
    const bad = status >= 500 || extra['outcome'] === 'corrupt';
    const odd = status >= 400 || extra['outcome'] === 'aborted';
    ctx.log[bad ? 'error' : odd ? 'warn' : 'debug'](line, 'image fetch');
  };
  if (method !== 'GET' && method !== 'HEAD') {
    empty(res, 405, { allow: 'GET, HEAD' });
    return finish(405);
  }
  const target = parseGrantPath(req.url ?? '', ctx.prefix);
  // Never log `token`: the full value must not reach a log (and pino redacts that key anyway).
  if (target) line['grant'] = tokenPrefix(target.token);
  const grant = target ? ctx.grants.authorize(target.token, target.sha256) : 'no-route';
  if (typeof grant === 'string') {
    empty(res, 404);
    return finish(404, { outcome: grant });
  }
  const { sha256, size } = grant;
  Object.assign(line, { label: grant.label, sha256 });
  grant.lastClient = req.socket.remoteAddress;
  const etag = `"${sha256}"`;
  // If-Range (RFC 9110 §13.1.5): a range of some other version of the file is worth nothing.
  const range = (req.headers['if-range'] ?? etag) !== etag ? 'full' : parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    grant.lastStatus = 416;
    empty(res, 416, { 'content-range': `bytes */${size}` });
    return finish(416, { range: req.headers.range });
  }
  const [start, end] = range === 'full' ? [0, size - 1] : range;
  const whole = start === 0 && end === size - 1;
  const status = range === 'full' ? 200 : 206;
  const contentRange = status === 206 ? `bytes ${start}-${end}/${size}` : undefined;
  line['range'] = contentRange;
  if (method === 'GET' && start === 0 && !ctx.grants.beginFetch(grant)) {
    empty(res, 404);
    return finish(404, { outcome: 'fetch-limit' });
  }
  try {
    // A whole-file GET verifies as it streams; a partial range needs the file verified as it is now.
    await ctx.verified.check(sha256, method === 'GET' && !whole, size);
  } catch (err) {
    grant.lastStatus = (err as ImageStoreError).code === ImageErrorCode.notFound ? 404 : 500;
    empty(res, grant.lastStatus);
    return finish(grant.lastStatus, { outcome: 'unavailable', err });
  }
  grant.lastStatus = status;
  res.writeHead(status, {
    'content-type': 'application/octet-stream',
    'content-length': end - start + 1,
    'accept-ranges': 'bytes',
    etag,
    'cache-control': 'no-store',
    ...(contentRange ? { 'content-range': contentRange } : {}),
  });
  if (method === 'HEAD' || size === 0) {
    res.end();
    return finish(status, { bytes: 0 });
  }
  if (status === 206) grant.ranges++;
  const body = whole ? ctx.store.open(sha256) : createReadStream(ctx.store.imagePath(sha256), { start, end });
  const meter = new BodyMeter(whole);
  const ended: { outcome: string; err?: unknown } = await pipeline(body, meter, res).then(
    () => ({ outcome: 'complete' }),
    (err: unknown) => ({ outcome: 'aborted', err }),
  );
  grant.bytes += meter.bytes;
  if (ended.outcome === 'complete') grant.completed++;
  else req.socket.destroy();
  if (ended.err instanceof ImageStoreError && ended.err.code === ImageErrorCode.corrupt) {
    grant.corrupt = true;
    ended.outcome = 'corrupt';
    await ctx.verified.markCorrupt(sha256, ended.err);
  }
  finish(status, { ...ended, bytes: meter.bytes });
}

/**
 * Counts body bytes. With `holdLast`, keeps the latest chunk back until the source ends without
 * error: the verifying reader fails only at its end, and by then a pass-through would already
 * have delivered every byte the Content-Length announced.
 */
class BodyMeter extends Transform {
  bytes = 0;
  readonly #holdLast: boolean;
  #held: Buffer | undefined;

  constructor(holdLast: boolean) {
    super();
    this.#holdLast = holdLast;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    const out = this.#holdLast ? this.#held : chunk;
    if (this.#holdLast) this.#held = chunk;
    if (out) this.bytes += out.length;
    callback(null, out);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#held) this.bytes += this.#held.length;
    callback(null, this.#held);
  }
}

function empty(res: http.ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': 0, 'cache-control': 'no-store', ...headers });
  res.end();
}

const UNSPECIFIED = /^[0.:]*$/;

function publicBase(publicUrl: string | undefined, host: string) {
  if (publicUrl === undefined) {
    // A guess among several interfaces may hand BMCs a URL they cannot reach: the "update
    // accepted, image never fetched" failure. The operator has to say which address.
    if (UNSPECIFIED.test(host)) throw new ConfigError('image server', `host "${host}" needs a publicUrl`);
    return undefined;
  }
  const parsed = URL.canParse(publicUrl) ? new URL(publicUrl) : undefined;
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new ConfigError('image server', `publicUrl "${publicUrl}" is not an http(s) URL`);
  }
  const prefix = parsed.pathname.replace(/\/+$/, '');
  return { url: `${parsed.origin}${prefix}`, hostname: parsed.hostname.replace(/^\[|\]$/g, ''), prefix };
}

/** An EC P-256 certificate for the given names (the first one BMCs use) and loopback. */
async function selfSigned(names: Array<string | undefined>): Promise<{ cert: string; key: string }> {
  const given = names.filter((n): n is string => !!n && !UNSPECIFIED.test(n));
  const hosts = new Set([...given, 'localhost', '127.0.0.1', '::1']);
  // Peers judge validity by their own wall clocks (BMC clocks drift), not by the injected clock.
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: given[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 24 * 3600_000),
    notAfterDate: new Date(now + 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...hosts].map((h) =>
          isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h },
        ),
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * HTTP to one BMC: an undici Pool (keep-alive, at most `maxConcurrency` requests in flight,
 * because BMCs fall over under parallel load), TLS policy, timeouts, a total deadline per
 * request (retries included), a response size cap, retries with backoff, and Redfish error
 * bodies turned into typed errors.
 */
import { channel } from 'node:diagnostics_channel';
import type { Readable } from 'node:stream';
import { setImmediate as immediate } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../deps.ts';
import {
  FirmwardenError,
  RedfishConnectionError,
  RedfishHttpError,
  type RedfishMessage,
  RedfishResponseError,
} from '../errors.ts';
import { Pool } from '../undici-core.ts';
import { type DeadlineBudget, deadlineOf, RequestDeadline } from './deadline.ts';
import type { ExchangeRecorder } from './exchange.ts';
import {
  backoffDelay,
  classifyNetworkError,
  DEFAULT_RETRY,
  isRetryableFailure,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
} from './retry.ts';
import { type TlsOptions, tlsConnector } from './tls.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What is published on {@link redfishRequestChannel} after each try of a request. */
export interface RedfishRequestEvent {
  /** The BMC, e.g. https://10.0.0.17. */
  origin: string;
  method: HttpMethod;
  /** HTTP status when an answer came; absent when the try failed before one. */
  status?: number;
  /** undici/network error code when no answer came (UND_ERR_CONNECT_TIMEOUT, ECONNREFUSED, ...). */
  error?: string;
  durationMs: number;
}

/**
 * Every try of every BMC request, for observers such as the API's metrics (node:diagnostics_channel:
 * nothing is built or sent while no one subscribes, and the core needs no metrics dependency).
 */
export const redfishRequestChannel = channel('firmwarden:redfish:request');

export interface Timeouts {
  connectMs: number;
  /** From the request sent to the response headers, per try; never more than `totalMs`. */
  headersMs: number;
  /** Between two chunks of a response body, per try; never more than `totalMs`. */
  bodyMs: number;
  /**
   * Deadline of a whole request: every try, every wait between tries and the whole body. The
   * idle timeouts above cannot catch a BMC that trickles a byte every few seconds.
   */
  totalMs: number;
  /**
   * Slowest upload rate allowed: a raw body (an image) adds one second to `totalMs` per this
   * many bytes, so a 1 GiB upload is not killed by the deadline sized for JSON requests.
   */
  uploadBytesPerSecond: number;
}

export interface TransportOptions {
  /** Base URL of the BMC, e.g. https://10.1.2.3 (path ignored). */
  baseUrl: string;
  tls: TlsOptions;
  maxConcurrency: number;
  timeouts: Timeouts;
  retry: RetryPolicy;
  maxResponseBytes: number;
  /** Sees every answered try, as sent and received (before redaction): `firmwarden probe --record`. */
  recorder?: ExchangeRecorder;
}

/** Defaults for one BMC. The unusual ones are explained. */
export const DEFAULT_TRANSPORT = {
  // BMCs fall over under parallel load (iDRAC, older iLO): 4 sockets, one request each.
  maxConcurrency: 4,
  timeouts: {
    connectMs: 10_000,
    headersMs: 60_000,
    bodyMs: 60_000,
    // Two minutes: room for one slow answer (iDRAC takes 10-30 s on big collections) and retries.
    totalMs: 120_000,
    // 256 KiB/s: far below a BMC's management port (iDRAC 8 takes ~1-2 MB/s), so a 1 GiB image
    // has ~70 minutes; a transfer slower than that is stuck, not slow.
    uploadBytesPerSecond: 256 * 1024,
  },
  retry: DEFAULT_RETRY,
  // A $expand'ed FirmwareInventory of a big server is a few MB; anything far beyond is not Redfish.
  maxResponseBytes: 32 * 1024 * 1024,
} as const;

/** A request body: JSON (serialized here) or raw bytes with their content type. */
export type RequestBody =
  | { json: unknown }
  | { raw: Buffer | Readable; contentType: string; length?: number }
  | undefined;

export interface TransportRequest {
  method: HttpMethod;
  /** Path and query, e.g. /redfish/v1/Systems?$expand=. */
  uri: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Safe to repeat after an ambiguous failure. Defaults from the method (GET/HEAD/PUT/DELETE). */
  idempotent?: boolean;
  /** Retry tries override (1 = no retry); e.g. raw image uploads whose stream cannot be replayed. */
  attempts?: number;
  /** Total deadline of this request, replacing `timeouts.totalMs` and the upload allowance. */
  deadlineMs?: number;
  /**
   * Aborts the request. When its reason is a FirmwardenError (e.g. a sweep's per-server deadline),
   * the request fails with that code and message, and the URI it was at.
   */
  signal?: AbortSignal;
}

export interface RedfishResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** Parsed JSON body, or undefined for empty bodies. */
  body: unknown;
  uri: string;
}

/** Owns the connection pool of one BMC. */
export class RedfishTransport {
  readonly origin: string;
  readonly options: TransportOptions;
  /** HTTP requests sent, retries included. */
  requests = 0;
  private readonly pool: Pool;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: TransportOptions, deps: { clock: Clock; logger: Logger }) {
    this.options = options;
    this.clock = deps.clock;
    this.logger = deps.logger;
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    const connect =
      url.protocol === 'https:'
        ? tlsConnector(options.tls, { timeout: options.timeouts.connectMs })
        : undefined;
    this.pool = new Pool(this.origin, {
      connections: options.maxConcurrency,
      pipelining: 1,
      // A per-try timeout past the total deadline could only ever be cut short by it.
      headersTimeout: Math.min(options.timeouts.headersMs, options.timeouts.totalMs),
      bodyTimeout: Math.min(options.timeouts.bodyMs, options.timeouts.totalMs),
      connectTimeout: options.timeouts.connectMs,
      maxResponseSize: options.maxResponseBytes,
      keepAliveTimeout: 30_000,
      ...(connect ? { connect } : {}),
    });
  }

  /** Full URL of a path, for messages. */
  urlOf(uri: string): string {
    return new URL(uri, this.origin).href;
  }

  /** Sends a request, retrying what is safe to retry; throws typed errors for failures. */
  async send(req: TransportRequest): Promise<RedfishResponse> {
    const deadline = new RequestDeadline(req, this.deadlineOf(req), () => this.urlOf(req.uri));
    try {
      return await this.tries({ ...req, signal: deadline.signal }, deadline);
    } finally {
      deadline.clear();
    }
  }

  /** The total deadline of a request (see {@link deadlineOf}). */
  deadlineOf(req: TransportRequest): DeadlineBudget {
    return deadlineOf(req, this.options.timeouts);
  }

  private async tries(
    req: TransportRequest & { signal: AbortSignal },
    deadline: RequestDeadline,
  ): Promise<RedfishResponse> {
    const idempotent = req.idempotent ?? IDEMPOTENT.has(req.method);
    // A streamed body is consumed by the first try: it can never be sent again.
    const streamed = req.body !== undefined && 'raw' in req.body && !Buffer.isBuffer(req.body.raw);
    const attempts = streamed ? 1 : (req.attempts ?? this.options.retry.attempts);
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= attempts;
      let waitMs: number;
      let failure: FirmwardenError;
      try {
        const res = await this.once(req);
        if (res.status < 400) return res;
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.clock.now());
        const error = new RedfishHttpError({
          method: req.method,
          uri: this.urlOf(req.uri),
          status: res.status,
          messages: extendedInfo(res.body),
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        });
        if (last || !isRetryableStatus(res.status, idempotent)) throw error;
        if (retryAfterMs !== undefined && retryAfterMs > this.options.retry.maxRetryAfterMs) throw error;
        waitMs = retryAfterMs ?? backoffDelay(attempt, this.options.retry);
        failure = error;
        this.logger.debug({ uri: req.uri, status: res.status, waitMs }, 'redfish retry after status');
      } catch (err) {
        if (err instanceof RedfishHttpError) throw err;
        const halted = deadline.stoppedError(err);
        if (halted) throw halted;
        if (err instanceof FirmwardenError) throw err;
        const { cls, code } = classifyNetworkError(err);
        const wrapped = this.networkError(req, err, cls, code);
        if (last || !isRetryableFailure(cls, idempotent) || req.signal.aborted) throw wrapped;
        waitMs = backoffDelay(attempt, this.options.retry);
        failure = wrapped;
        this.logger.debug({ uri: req.uri, code, waitMs }, 'redfish retry after network error');
      }
      // No point waiting for a try the deadline would cut off: the failure at hand says more.
      if (waitMs >= deadline.remainingMs()) throw failure;
      try {
        await this.clock.sleep(waitMs, req.signal);
      } catch (err) {
        throw deadline.stoppedError(err) ?? err;
      }
    }
  }

  private async once(req: TransportRequest): Promise<RedfishResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'odata-version': '4.0',
      ...req.headers,
    };
    let body: string | Buffer | Readable | undefined;
    if (req.body && 'json' in req.body) {
      body = JSON.stringify(req.body.json);
      headers['content-type'] = 'application/json';
    } else if (req.body) {
      body = req.body.raw;
      headers['content-type'] = req.body.contentType;
      if (req.body.length !== undefined) headers['content-length'] = String(req.body.length);
    }
    this.requests++;
    const started = this.clock.now();
    let res: Awaited<ReturnType<Pool['request']>>;
    let text: string;
    try {
      res = await this.pool.request({
        origin: this.origin,
        path: req.uri,
        method: req.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      text = await res.body.text();
      // undici hands a kept-alive socket back one event-loop turn after the response ends (its
      // guard against servers that close anyway); a request sent before that opens another
      // connection, which for a BMC is a TLS handshake. One turn here keeps a sequential scan on
      // one connection.
      await immediate();
    } catch (err) {
      if (redfishRequestChannel.hasSubscribers) {
        const error = String((err as { code?: unknown }).code ?? (err as Error).name ?? 'error');
        this.publish(req.method, { error }, started);
      }
      throw err;
    }
    if (redfishRequestChannel.hasSubscribers) this.publish(req.method, { status: res.statusCode }, started);
    const flat: Record<string, string | undefined> = {};
    for (const k in res.headers) {
      const v = res.headers[k];
      flat[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    this.options.recorder?.({
      method: req.method,
      uri: req.uri,
      requestHeaders: headers,
      ...(req.body && 'json' in req.body ? { requestJson: req.body.json } : {}),
      status: res.statusCode,
      responseHeaders: flat,
      responseText: text,
    });
    // Checked first: a sweep at info level would build this object for every request, for nothing.
    if (this.logger.isLevelEnabled('debug')) {
      this.logger.debug(
        { method: req.method, uri: req.uri, status: res.statusCode, ms: this.clock.now() - started },
        'redfish request',
      );
    }
    return {
      status: res.statusCode,
      headers: flat,
      body: parseBody(text, () => this.urlOf(req.uri), res.statusCode),
      uri: req.uri,
    };
  }

  private publish(method: HttpMethod, outcome: { status?: number; error?: string }, started: number): void {
    const event: RedfishRequestEvent = {
      origin: this.origin,
      method,
      ...outcome,
      durationMs: this.clock.now() - started,
    };
    redfishRequestChannel.publish(event);
  }

  private networkError(req: TransportRequest, err: unknown, cls: string, code: string): FirmwardenError {
    const url = this.urlOf(req.uri);
    const reason = err instanceof Error ? err.message : String(err);
    if (code === 'FW_ERR_TLS_PIN') {
      const pinErr = findCode(err, 'FW_ERR_TLS_PIN');
      if (pinErr instanceof FirmwardenError) return pinErr;
    }
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
      return new RedfishConnectionError(
        'FW_ERR_RESPONSE_TOO_LARGE',
        req.method,
        url,
        `response larger than ${this.options.maxResponseBytes} bytes`,
        { cause: err },
      );
    }
    const fwCode =
      cls === 'tls'
        ? 'FW_ERR_TLS'
        : cls === 'not-sent'
          ? 'FW_ERR_CONNECT'
          : /TIMEOUT/.test(code)
            ? 'FW_ERR_TIMEOUT'
            : cls === 'broken'
              ? 'FW_ERR_CONNECTION_LOST'
              : 'FW_ERR_NETWORK';
    const t = this.options.timeouts;
    // Say which timeout expired, and its setting: "Headers Timeout Error" alone names neither.
    const which =
      code === 'UND_ERR_HEADERS_TIMEOUT'
        ? ` (timeouts.headersMs: no response headers within ${Math.min(t.headersMs, t.totalMs)} ms)`
        : code === 'UND_ERR_BODY_TIMEOUT'
          ? ` (timeouts.bodyMs: no body data for ${Math.min(t.bodyMs, t.totalMs)} ms)`
          : '';
    return new RedfishConnectionError(fwCode, req.method, url, `${code}: ${reason}${which}`, { cause: err });
  }

  /** Closes idle sockets and waits for in-flight requests. */
  async close(): Promise<void> {
    // undici's close() builds a ClientDestroyedError (with its stack trace) for every connection
    // and one for the pool even when nothing is left to wait for; an idle pool is destroyed with
    // one shared error instead: the same sockets closed, no request to fail.
    if (this.pool.stats.size === 0) await this.pool.destroy(POOL_CLOSED);
    else await this.pool.close();
  }

  /** Drops everything at once (after a fatal error). */
  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}

/** Methods safe to repeat after an ambiguous failure (RFC 9110 §9.2.2). */
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** The error an idle pool is destroyed with in {@link RedfishTransport.close}; no request sees it. */
const POOL_CLOSED = Object.assign(new Error('redfish transport closed'), { code: 'UND_ERR_DESTROYED' });

function findCode(err: unknown, code: string): unknown {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    if ((e as { code?: unknown }).code === code) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const NOT_BLANK = /\S/;

/** `url` names the resource in the error; a function, since most bodies parse. */
function parseBody(text: string, url: () => string, status: number): unknown {
  // A regex stops at the first non-blank character; trim() would copy the whole body first.
  if (!NOT_BLANK.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    // Error pages of some BMCs are HTML; an error status keeps its meaning without a body.
    if (status >= 400) return undefined;
    throw new RedfishResponseError(url(), `expected a JSON body, got ${JSON.stringify(text.slice(0, 60))}`, {
      cause: err,
    });
  }
}

/** Pulls @Message.ExtendedInfo out of a Redfish error body (DSP0266 §9.6) or a plain response. */
export function extendedInfo(body: unknown): RedfishMessage[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, unknown>;
  const err = b['error'] as Record<string, unknown> | undefined;
  const list = (err?.['@Message.ExtendedInfo'] ?? b['@Message.ExtendedInfo']) as unknown;
  const out: RedfishMessage[] = Array.isArray(list) ? list.filter((m) => m && typeof m === 'object') : [];
  if (out.length === 0 && err && typeof err['code'] === 'string') {
    out.push({ MessageId: err['code'] as string, Message: err['message'] as string | undefined });
  }
  return out;
}

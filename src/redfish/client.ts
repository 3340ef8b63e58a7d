/**
 * RedfishClient: one BMC, authenticated, typed. Lazily logs in on the first request that needs
 * it, logs in again once on a 401 (expired session), validates responses against loose zod
 * models and always logs out in close(). Per-BMC concurrency comes from the transport's pool.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ConfigError, RedfishConnectionError, RedfishHttpError, RedfishResponseError } from '../errors.ts';
import { redactUrl, USERINFO_REFUSED } from './bmc-url.ts';
import type { ExchangeRecorder } from './exchange.ts';
import { type ServiceRoot, ServiceRootSchema } from './models/service-root.ts';
import type { RetryPolicy } from './retry.ts';
import { type AuthMode, type AuthState, type Credentials, login, logout } from './session.ts';
import type { SessionLedger } from './session-ledger.ts';
import type { TlsOptions } from './tls.ts';
import {
  DEFAULT_TRANSPORT,
  type HttpMethod,
  type RedfishResponse,
  RedfishTransport,
  type RequestBody,
  type Timeouts,
} from './transport.ts';

export interface RedfishClientOptions {
  /** BMC base URL, e.g. https://10.0.0.17. */
  url: string;
  /** Server name for logs and errors. */
  name?: string;
  credentials?: Credentials;
  tls?: TlsOptions;
  /** Plain http:// is refused unless this is set (mockups, labs). */
  allowHttp?: boolean;
  auth?: AuthMode;
  maxConcurrency?: number;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  maxResponseBytes?: number;
  /** Most members {@link readMembers} accepts in one collection (default 10,000). */
  maxCollectionMembers?: number;
  /**
   * Stops every request of this client (not its logout). A FirmwardenError as the abort reason
   * becomes the error of the request in flight, e.g. a sweep's per-server deadline.
   */
  signal?: AbortSignal;
  /** Sees every request and answer (`firmwarden probe --record`); see transport.ts. */
  recorder?: ExchangeRecorder;
}

/**
 * A BMC's firmware inventory has tens to a few hundred members; 10,000 leaves room for a chassis
 * of blades and still stops a runaway service before it costs one request per member forever.
 */
export const DEFAULT_MAX_COLLECTION_MEMBERS = 10_000;

export interface RequestOptions {
  body?: RequestBody;
  headers?: Record<string, string>;
  idempotent?: boolean;
  attempts?: number;
  /** Total deadline of this request instead of timeouts.totalMs (and the upload allowance). */
  deadlineMs?: number;
  signal?: AbortSignal;
}

const PLAIN_HTTP_WARNING = 'plain http: credentials and tokens cross the network unencrypted';
const INSECURE_WARNING = 'TLS verification disabled (insecure)';
const LEGACY_WARNING =
  'legacy TLS allowed (tls.legacy): TLS 1.0/1.1 and weak ciphers; update the BMC firmware';

/**
 * What each process logger was already warned about. A command makes several clients per BMC
 * (plan, then update): the operator needs one warning per BMC and run, not one per client.
 */
const warned = new WeakMap<Logger, Set<string>>();

function warnOnce(root: Logger, logger: Logger, key: string, fields: object, message: string): void {
  const seen = warned.get(root) ?? new Set<string>();
  warned.set(root, seen);
  if (seen.has(key)) return;
  seen.add(key);
  logger.warn(fields, message);
}

export class RedfishClient {
  readonly name: string;
  readonly transport: RedfishTransport;
  private readonly options: RedfishClientOptions;
  private readonly logger: Logger;
  private rootPromise: Promise<ServiceRoot> | undefined;
  private auth: Promise<AuthState> | undefined;
  private closed = false;
  private readonly ledger: SessionLedger | undefined;
  /** Session → the function removing its ledger record (after its logout). */
  private readonly recorded = new Map<AuthState, () => Promise<void>>();

  constructor(options: RedfishClientOptions, deps: Pick<Deps, 'clock' | 'logger' | 'sessions'>) {
    this.options = options;
    this.ledger = deps.sessions;
    this.name = options.name ?? redactUrl(options.url);
    this.logger = deps.logger.child({ server: this.name });
    let url: URL;
    try {
      url = new URL(options.url);
    } catch (err) {
      // Not echoed: a URL that does not parse may still hold a password.
      throw new ConfigError(this.name, 'bmc URL is not a URL (e.g. https://10.0.0.17)', { cause: err });
    }
    if (url.username || url.password) {
      throw new ConfigError(this.name, `bmc URL: ${USERINFO_REFUSED}`);
    }
    if (url.protocol === 'http:') {
      if (!options.allowHttp) {
        throw new ConfigError(
          this.name,
          `plain http BMC URL ${url.origin} refused: set allowHttp for labs and mockups`,
        );
      }
      warnOnce(deps.logger, this.logger, `http ${url.origin}`, { bmc: url.origin }, PLAIN_HTTP_WARNING);
    } else if (url.protocol !== 'https:') {
      throw new ConfigError(
        this.name,
        `bmc URL must be https:// (or http:// with allowHttp), got ${url.protocol}`,
      );
    }
    if (options.tls?.insecure) {
      warnOnce(deps.logger, this.logger, `insecure ${url.origin}`, { bmc: url.origin }, INSECURE_WARNING);
    }
    if (options.tls?.legacy) {
      warnOnce(deps.logger, this.logger, `legacy ${url.origin}`, { bmc: url.origin }, LEGACY_WARNING);
    }
    this.transport = new RedfishTransport(
      {
        baseUrl: url.origin,
        tls: options.tls ?? {},
        maxConcurrency: options.maxConcurrency ?? DEFAULT_TRANSPORT.maxConcurrency,
        timeouts: { ...DEFAULT_TRANSPORT.timeouts, ...options.timeouts },
        retry: { ...DEFAULT_TRANSPORT.retry, ...options.retry },
        maxResponseBytes: options.maxResponseBytes ?? DEFAULT_TRANSPORT.maxResponseBytes,
        ...(options.recorder ? { recorder: options.recorder } : {}),
      },
      { clock: deps.clock, logger: this.logger },
    );
  }

  /** Most members a collection read accepts (see readMembers). */
  get maxCollectionMembers(): number {
    return this.options.maxCollectionMembers ?? DEFAULT_MAX_COLLECTION_MEMBERS;
  }

  /** HTTP requests sent so far, retries and logins included. */
  get requests(): number {
    return this.transport.requests;
  }

  /**
   * The service root (read once, unauthenticated as DSP0266 requires), until the BMC may have
   * restarted (see forgetService). Callers may key what they learn from it on the object: a new
   * read is a new object.
   */
  root(): Promise<ServiceRoot> {
    this.rootPromise ??= this.transport
      .send({ method: 'GET', uri: '/redfish/v1/', ...this.signalOf() })
      .then((res) => parse(ServiceRootSchema, res.body, () => this.transport.urlOf('/redfish/v1/')));
    const read = this.rootPromise;
    read.catch(() => {
      if (this.rootPromise === read) this.rootPromise = undefined;
    });
    return this.rootPromise;
  }

  /**
   * Drops the service root read so far: the next root() reads it again. A BMC restart may have
   * changed it (a BMC firmware update brings its own RedfishVersion, ProtocolFeaturesSupported,
   * sometimes Vendor or Oem), and what was detected from it (the vendor driver) with it. The client
   * calls this itself when a request fails to connect (a BMC going down refuses or resets
   * connections) and when its session is rejected (a restart drops every session); callers that
   * restart the BMC themselves (Manager.Reset) call it too.
   */
  forgetService(): void {
    this.rootPromise = undefined;
  }

  /**
   * The session's X-Auth-Token (logging in first), for the few vendor forms that carry the session
   * in their body (iLO's /cgi-bin/uploadFile `sessionKey`); undefined under Basic auth. Never log it.
   */
  async sessionToken(): Promise<string | undefined> {
    const auth = await this.authState();
    return auth?.kind === 'session' ? auth.headers['x-auth-token'] : undefined;
  }

  /** GET a resource and validate it. */
  async get<S extends z.ZodType>(uri: string, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
    const res = await this.request('GET', uri, options);
    return parse(schema, res.body, () => this.transport.urlOf(uri));
  }

  /** Sends an authenticated request; a 401 triggers one fresh login and one more try. */
  async request(method: HttpMethod, uri: string, options: RequestOptions = {}): Promise<RedfishResponse> {
    if (this.closed) throw new ConfigError(this.name, 'client is closed');
    let auth = await this.authState();
    try {
      return await this.send(method, uri, options, auth);
    } catch (err) {
      if (err instanceof RedfishConnectionError) this.forgetService();
      if (!(err instanceof RedfishHttpError) || err.status !== 401 || !this.options.credentials) throw err;
      this.forgetService();
      auth = await this.relogin(auth);
      // A streamed body (an image) was consumed by the refused try: sending it again would send
      // nothing. The caller decides whether to start the upload over; later requests are logged in.
      const body = options.body;
      if (body !== undefined && 'raw' in body && !Buffer.isBuffer(body.raw)) throw err;
      return await this.send(method, uri, options, auth);
    }
  }

  post(uri: string, json: unknown, options: RequestOptions = {}): Promise<RedfishResponse> {
    return this.request('POST', uri, { ...options, body: { json } });
  }

  /** PATCH with If-Match when an ETag is known (412 means somebody else changed it first). */
  patch(uri: string, json: unknown, etag?: string, options: RequestOptions = {}): Promise<RedfishResponse> {
    const headers = { ...options.headers, ...(etag ? { 'if-match': etag } : {}) };
    return this.request('PATCH', uri, { ...options, headers, body: { json } });
  }

  delete(uri: string, options: RequestOptions = {}): Promise<RedfishResponse> {
    return this.request('DELETE', uri, options);
  }

  /** Logs out (always, when a session exists) and closes the connection pool. Never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const auth = await this.auth?.catch(() => undefined);
    if (auth) await this.endSession(auth);
    this.ledger?.untrack(this);
    await this.transport.close().catch(() => this.transport.destroy());
  }

  private send(method: HttpMethod, uri: string, options: RequestOptions, auth: AuthState | undefined) {
    return this.transport.send({
      method,
      uri,
      headers: { ...options.headers, ...auth?.headers },
      body: options.body,
      ...(options.idempotent !== undefined ? { idempotent: options.idempotent } : {}),
      ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...this.signalOf(options.signal),
    });
  }

  /** The client's own signal combined with a call's, as a spreadable request field. */
  private signalOf(call?: AbortSignal): { signal?: AbortSignal } {
    const own = this.options.signal;
    if (own && call) return { signal: AbortSignal.any([own, call]) };
    const one = own ?? call;
    return one ? { signal: one } : {};
  }

  private authState(): Promise<AuthState | undefined> {
    const creds = this.options.credentials;
    if (!creds) return Promise.resolve(undefined);
    this.auth ??= this.sessionsUri().then(async (uri) => {
      const auth = await login(
        this.transport,
        uri,
        creds,
        this.options.auth ?? 'auto',
        this.logger,
        this.options.signal,
      );
      await this.afterLogin(auth);
      return auth;
    });
    const current = this.auth;
    current.catch(() => {
      if (this.auth === current) this.auth = undefined;
    });
    return current;
  }

  /** Replaces a rejected auth state once; concurrent callers share the new login. */
  private async relogin(stale: AuthState | undefined): Promise<AuthState | undefined> {
    const current = await this.auth?.catch(() => undefined);
    if (current === stale) {
      // Routine after a BMC reset or session timeout: debug (an operator has nothing to do).
      this.logger.debug('redfish session rejected; logging in again');
      if (stale) void this.endSession(stale);
      this.auth = undefined;
    }
    return this.authState();
  }

  /**
   * Records the new session before it is used, then deletes sessions this host's dead
   * processes left on the BMC (404: already gone). Ledger trouble never fails the login.
   */
  private async afterLogin(auth: AuthState): Promise<void> {
    const ledger = this.ledger;
    if (!ledger) return;
    ledger.track(this);
    const bmc = this.transport.origin;
    try {
      if (auth.kind === 'session' && auth.location)
        this.recorded.set(auth, await ledger.record(bmc, auth.location));
      for (const rec of await ledger.stale(bmc)) {
        try {
          await this.transport.send({
            method: 'DELETE',
            uri: rec.location,
            headers: auth.headers,
            attempts: 1,
          });
        } catch (err) {
          if (!(err instanceof RedfishHttpError && err.status === 404)) {
            this.logger.warn({ bmc, err: (err as Error).message }, 'stale session not deleted');
            continue;
          }
        }
        this.logger.info({ bmc, session: rec.location, pid: rec.pid }, 'deleted a dead process session');
        await rec.remove();
      }
    } catch (err) {
      this.logger.warn({ bmc, err: (err as Error).message }, 'session ledger unavailable');
    }
  }

  /** Logs one session out and drops its ledger record. */
  private async endSession(auth: AuthState): Promise<void> {
    if (!(await logout(this.transport, auth, this.logger))) return;
    await this.recorded
      .get(auth)?.()
      .catch(() => undefined);
    this.recorded.delete(auth);
  }

  private async sessionsUri(): Promise<string> {
    const root = await this.root();
    return root.Links?.Sessions?.['@odata.id'] ?? '/redfish/v1/SessionService/Sessions';
  }
}

/**
 * Validates a body; the error names the URI and the first failing field. `url` may be a function,
 * called only on failure (building a URL per valid response is wasted work in a sweep).
 */
export function parse<S extends z.ZodType>(
  schema: S,
  body: unknown,
  url: string | (() => string),
): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  if (typeof url === 'function') url = url();
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new RedfishResponseError(url, `unexpected response at ${where}: ${issue?.message ?? 'invalid'}`, {
    cause: result.error,
  });
}

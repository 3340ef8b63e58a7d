/**
 * Reads devices from NetBox's REST API: /api/dcim/devices/ page by page (limit/offset, following
 * the `next` links NetBox returns), filters passed through as NetBox query parameters. The token
 * travels in the Authorization header only, and only ever to the origin the user named: `next`
 * links are followed by path and query against that origin (NetBox behind a TLS proxy often writes
 * http:// links, and a link to another host must not receive the token). Idempotent GETs are
 * retried on 429/502/503/504 and connection errors.
 */
import { readFile } from 'node:fs/promises';
import { Agent, type Dispatcher, request } from 'undici';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { DcimErrorCode, NetboxError } from './dcim-errors.ts';
import { type NetboxPage, NetboxPageSchema } from './netbox-model.ts';

/** Every default in one block. */
export const NETBOX_DEFAULTS = {
  /** Devices per page; NetBox caps it at its MAX_PAGE_SIZE (1000 by default) and says so via `next`. */
  pageSize: 100,
  /** Attempts per page for 429/502/503/504 and connection errors. */
  attempts: 3,
  /** First retry delay; doubles per attempt; Retry-After wins when NetBox sends it (capped). */
  retryBaseMs: 1_000,
  retryMaxMs: 30_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 60_000,
  /** A runaway `next` chain (a proxy rewriting links in a loop) stops here. */
  maxPages: 10_000,
} as const;

/** How the token is sent: `Token <t>` (v1, 40 hex) or `Bearer nbt_<key>.<secret>` (v2, NetBox ≥ 4.5). */
export type TokenScheme = 'auto' | 'token' | 'bearer';

export interface NetboxSource {
  /** NetBox base URL (https://netbox.example.com, optionally with a path prefix or a trailing /api). */
  url: string;
  token: string;
  tokenScheme?: TokenScheme;
  /** NetBox device filters, repeated keys allowed (site=fra1&site=ams2 means either). */
  filters?: Array<[string, string]>;
  pageSize?: number;
  /** Permit a plain http:// URL (the token would cross the network in clear): labs, loopback. */
  allowHttp?: boolean;
  /** PEM file of the CA that signed NetBox's certificate. */
  ca?: string;
  /** undici dispatcher (tests); default one Agent per import. */
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

export interface NetboxDevicesRead {
  /** NetBox's own count on the first page. */
  count: number;
  pages: number;
  /** Raw device objects in NetBox's order, de-duplicated by id (offset paging of a changing list). */
  devices: unknown[];
}

/** Filters firmwarden sets itself, or that would change the response shape it reads. */
const RESERVED_FILTERS = new Set(['limit', 'offset', 'brief', 'fields', 'exclude', 'format', 'ordering']);
const FILTER_KEY = /^[a-z_][a-z0-9_]*(__[a-z]+)?$/;

/** Parses repeated `--filter key=value` flags; errors name the flag. */
export function parseFilters(values: string[]): Array<[string, string]> {
  return values.map((v) => {
    const eq = v.indexOf('=');
    const key = eq > 0 ? v.slice(0, eq) : '';
    if (!FILTER_KEY.test(key) || eq === v.length - 1) {
      throw new ConfigError(
        '--filter',
        `${JSON.stringify(v)}: expected key=value with a NetBox device filter name (site, role, tag, status, q, manufacturer, platform, tenant, rack_id, ...)`,
      );
    }
    if (RESERVED_FILTERS.has(key)) {
      throw new ConfigError('--filter', `${key} is set by firmwarden itself and cannot be a filter`);
    }
    return [key, v.slice(eq + 1)];
  });
}

/** The Authorization header value for a token, by its form unless the scheme is forced. */
export function authorizationHeader(token: string, scheme: TokenScheme = 'auto'): string {
  const t = token.trim();
  // A value pasted with its keyword (as NetBox 4.5 displays v2 tokens) is used as it is.
  const pasted = /^(Token|Bearer)\s+(\S+)$/i.exec(t);
  if (pasted) return `${pasted[1]?.toLowerCase() === 'bearer' ? 'Bearer' : 'Token'} ${pasted[2]}`;
  if (scheme === 'bearer' || (scheme === 'auto' && t.startsWith('nbt_'))) return `Bearer ${t}`;
  return `Token ${t}`;
}

/** The base URL without userinfo, ending in "/", with a trailing /api removed. */
export function netboxBase(url: string, allowHttp: boolean): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    throw new ConfigError('--url', `not a valid URL: ${JSON.stringify(url)}`, { cause: err });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new ConfigError('--url', `expected an http(s) URL of NetBox, got ${u.protocol}`);
  if (u.protocol === 'http:' && !allowHttp) {
    throw new ConfigError(
      '--url',
      `plain http URL ${u.origin} would send the NetBox token in clear; use https, or --allow-http for a lab`,
    );
  }
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  u.pathname = `${u.pathname.replace(/\/+$/, '').replace(/\/api$/, '')}/`;
  return u;
}

/** Reads every device matching the filters, page by page. */
export async function readNetboxDevices(source: NetboxSource, deps: Deps): Promise<NetboxDevicesRead> {
  const base = netboxBase(source.url, source.allowHttp ?? false);
  const first = new URL('api/dcim/devices/', base);
  for (const [k, v] of source.filters ?? []) first.searchParams.append(k, v);
  first.searchParams.set('limit', String(source.pageSize ?? NETBOX_DEFAULTS.pageSize));
  first.searchParams.set('offset', '0');
  const own = source.dispatcher
    ? undefined
    : new Agent(source.ca ? { connect: { ca: await readCa(source.ca) } } : {});
  const dispatcher = source.dispatcher ?? (own as Agent);
  const headers = {
    accept: 'application/json',
    authorization: authorizationHeader(source.token, source.tokenScheme),
    'user-agent': 'firmwarden (fleet import netbox)',
  };
  const log = deps.logger.child({ component: 'netbox' });
  try {
    const byId = new Map<number, unknown>();
    const devices: unknown[] = [];
    const seen = new Set<string>();
    let url: URL | undefined = first;
    let count = 0;
    let pages = 0;
    while (url) {
      if (seen.has(url.href) || pages >= NETBOX_DEFAULTS.maxPages) {
        throw new NetboxError(DcimErrorCode.response, url.href, 'the `next` links loop; stopped paging');
      }
      seen.add(url.href);
      const page = await getPage(url, headers, dispatcher, deps, source.signal);
      pages++;
      if (pages === 1) count = page.count;
      for (const d of page.results) {
        const id = (d as { id?: unknown } | null)?.id;
        if (typeof id === 'number') {
          if (byId.has(id)) continue;
          byId.set(id, d);
        }
        devices.push(d);
      }
      log.debug(
        { page: pages, url: url.href, results: page.results.length, count: page.count },
        'netbox page',
      );
      url = page.next ? sameOrigin(page.next, base) : undefined;
    }
    return { count, pages, devices };
  } finally {
    await own?.close();
  }
}

async function readCa(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError('--netbox-ca', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** A `next` link's path and query on the origin the user named. */
function sameOrigin(next: string, base: URL): URL {
  const n = new URL(next, base);
  return new URL(`${n.pathname}${n.search}`, base.origin);
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

async function getPage(
  url: URL,
  headers: Record<string, string>,
  dispatcher: Dispatcher,
  deps: Deps,
  signal: AbortSignal | undefined,
): Promise<NetboxPage> {
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= NETBOX_DEFAULTS.attempts;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        headers,
        dispatcher,
        headersTimeout: NETBOX_DEFAULTS.headersTimeoutMs,
        bodyTimeout: NETBOX_DEFAULTS.bodyTimeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!last) {
        await deps.clock.sleep(backoff(attempt), signal);
        continue;
      }
      throw new NetboxError(DcimErrorCode.connect, url.href, (err as Error).message, { cause: err });
    }
    const text = await res.body.text();
    if (RETRY_STATUS.has(res.statusCode) && !last) {
      await deps.clock.sleep(retryAfter(res.headers['retry-after']) ?? backoff(attempt), signal);
      continue;
    }
    return parsePage(url, res.statusCode, String(res.headers['content-type'] ?? ''), text);
  }
}

function backoff(attempt: number): number {
  return Math.min(NETBOX_DEFAULTS.retryMaxMs, NETBOX_DEFAULTS.retryBaseMs * 2 ** (attempt - 1));
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const s = Number(v);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(v) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), NETBOX_DEFAULTS.retryMaxMs) : undefined;
}

function parsePage(url: URL, status: number, contentType: string, text: string): NetboxPage {
  let json: unknown;
  let isJson = false;
  try {
    json = JSON.parse(text);
    isJson = true;
  } catch {
    // not JSON: described below
  }
  if (status === 401 || status === 403) {
    throw new NetboxError(
      DcimErrorCode.auth,
      url.href,
      `${status} ${isJson ? detailOf(json) : describeText(contentType, text)}: NetBox refused the token (wrong, expired, or without permission to view devices)`,
      { status },
    );
  }
  if (status < 200 || status >= 300) {
    throw new NetboxError(
      DcimErrorCode.http,
      url.href,
      `${status} ${isJson ? detailOf(json) : describeText(contentType, text)}`,
      { status },
    );
  }
  if (!isJson) {
    throw new NetboxError(
      DcimErrorCode.response,
      url.href,
      `expected JSON from the NetBox API, got ${describeText(contentType, text)}; is --url the NetBox base URL (a login page or proxy in between)?`,
      { status },
    );
  }
  const page = NetboxPageSchema.safeParse(json);
  if (!page.success) {
    throw new NetboxError(
      DcimErrorCode.response,
      url.href,
      'not a NetBox list response (expected {count, next, previous, results})',
      { status, cause: page.error },
    );
  }
  return page.data;
}

/** NetBox errors: {"detail": "..."} or, for a bad filter, {"site": ["Select a valid choice. ..."]}. */
function detailOf(json: unknown): string {
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    if (typeof o['detail'] === 'string') return o['detail'];
    return Object.entries(o)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`)
      .join('; ')
      .slice(0, 300);
  }
  return JSON.stringify(json).slice(0, 300);
}

/** "text/html (Sign in · NetBox)" for a page with a title, else the first bytes. */
function describeText(contentType: string, text: string): string {
  const type = contentType.split(';')[0]?.trim() || 'no content type';
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const snippet = title ?? text.replace(/\s+/g, ' ').trim().slice(0, 80);
  return snippet ? `${type} (${snippet})` : `${type} (empty body)`;
}

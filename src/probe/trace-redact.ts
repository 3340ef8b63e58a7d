/**
 * Takes secrets out of recorded exchanges before anything is written: credential and token
 * headers, cookies, password/token/user name fields, session ids (in paths, Location headers and
 * bodies), and — as a last sweep over the whole serialized trace — every literal the recorder knows
 * is secret (the password, each token, the Basic header). Session ids are replaced consistently
 * (session-1, session-2, ...) so a replay still finds the session a logout names.
 */
import type { RedfishExchange } from '../redfish/exchange.ts';
import type { TraceExchange } from './trace.ts';

export const REDACTED = '<redacted>';

/** Headers whose values are credentials or tokens. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-auth-token',
  'cookie',
  'set-cookie',
  'x-csrf-token',
]);

/** Headers that describe one connection, not the resource: dropped to keep traces small. */
const NOISE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** Body fields whose values are credentials or identify a user. */
const SECRET_FIELD = /password|passphrase|token|secret|^username$|^user$|^cookie$/i;

const SESSION_IN_PATH = /(\/Sessions\/)([^/?#"\s]+)/g;

/** What the redaction covers, written into the trace for its reader. */
export const REDACTION_NOTE = [
  'headers: Authorization, X-Auth-Token, Cookie, Set-Cookie, X-CSRF-Token',
  'body fields named like Password, Token, Secret, UserName',
  'session ids in paths, Location headers and bodies (renamed session-N)',
  'the password, tokens and user name wherever they appear',
];

/** Redacts one recorder's exchanges; one instance per server so session names stay consistent. */
export class TraceRedactor {
  private readonly literals = new Set<string>();
  private readonly sessions = new Map<string, string>();
  private readonly username: string | undefined;

  constructor(credentials?: { username: string; password: string }) {
    if (credentials?.password) this.literals.add(credentials.password);
    if (credentials) {
      const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      this.literals.add(basic);
    }
    this.username = credentials?.username || undefined;
  }

  /** One exchange, redacted. Remembers tokens it saw so the final sweep removes them anywhere. */
  exchange(ex: RedfishExchange): TraceExchange {
    for (const [k, v] of Object.entries({ ...ex.requestHeaders, ...ex.responseHeaders })) {
      if (v && SECRET_HEADERS.has(k.toLowerCase())) this.remember(v);
    }
    const out: TraceExchange = {
      method: ex.method,
      path: this.paths(ex.uri),
      requestHeaders: this.headers(ex.requestHeaders),
      status: ex.status,
      responseHeaders: this.headers(ex.responseHeaders),
    };
    if (ex.requestJson !== undefined) out.requestBody = this.body(ex.requestJson);
    if (ex.responseText.trim() !== '') out.responseBody = this.body(parseOrText(ex.responseText));
    return out;
  }

  /** The last sweep over the serialized trace: every known secret literal, wherever it hides. */
  sweep(text: string): string {
    let out = text;
    // Longest first: a token may contain a shorter secret.
    for (const s of [...this.literals].sort((a, b) => b.length - a.length)) {
      if (s.length < 4) continue;
      // As written into JSON too: a password with a quote or backslash is escaped there.
      for (const form of new Set([s, JSON.stringify(s).slice(1, -1)])) out = out.split(form).join(REDACTED);
    }
    return out;
  }

  private remember(value: string): void {
    const v = value.replace(/^(basic|bearer)\s+/i, '').trim();
    if (v) this.literals.add(v);
    // Cookies: each name=value pair's value is a secret on its own.
    for (const part of value.split(/[;,]/)) {
      const eq = part.indexOf('=');
      const cookie = eq > 0 ? part.slice(eq + 1).trim() : '';
      if (cookie.length >= 8) this.literals.add(cookie);
    }
  }

  private headers(h: Record<string, string | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) {
      const key = k.toLowerCase();
      if (v === undefined || NOISE_HEADERS.has(key)) continue;
      out[key] = SECRET_HEADERS.has(key) ? REDACTED : this.paths(v);
    }
    return out;
  }

  private body(value: unknown): unknown {
    if (typeof value === 'string') {
      const s = this.paths(value);
      return this.username !== undefined && s === this.username ? REDACTED : s;
    }
    if (Array.isArray(value)) return value.map((v) => this.body(v));
    if (!value || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const self = typeof obj['@odata.id'] === 'string' ? sessionOf(obj['@odata.id']) : undefined;
    for (const [k, v] of Object.entries(obj)) {
      if (SECRET_FIELD.test(k) && v !== null && typeof v !== 'object') out[k] = REDACTED;
      // A Session's own Id is its session id (Session.v1: Id is the last path segment).
      else if (self !== undefined && k === 'Id' && v === self) out[k] = this.session(self);
      else out[k] = this.body(v);
    }
    return out;
  }

  /** Session ids in a path-like string renamed consistently. */
  private paths(s: string): string {
    return s.replace(SESSION_IN_PATH, (_m, prefix: string, id: string) => `${prefix}${this.session(id)}`);
  }

  private session(id: string): string {
    let name = this.sessions.get(id);
    if (!name) {
      name = `session-${this.sessions.size + 1}`;
      this.sessions.set(id, name);
    }
    return name;
  }
}

function sessionOf(uri: string): string | undefined {
  const m = /\/Sessions\/([^/?#]+)\/?$/.exec(uri);
  return m?.[1];
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Download grants of the image server: unguessable per-job tokens that each authorize exactly one
 * image for a limited time, what was fetched through them, the verification a grant rests on, and
 * what a request through a grant asks for (its URL path, its byte range).
 *
 * Tokens are 32 random bytes (base64url, 43 characters). The registry keys grants by the token's
 * sha256, so it holds no token in clear and a lookup's timing says nothing about the token.
 * Expiry is checked against the injected clock when a request arrives: no timers.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ImageErrorCode, ImageStoreError } from '../catalog/image-errors.ts';
import type { ImageStore } from '../catalog/image-store.ts';
import type { Clock } from '../deps.ts';
import { ConfigError } from '../errors.ts';

/** Options of one grant. */
export interface GrantOptions {
  /** Lifetime of the token; the server's `tokenTtlMs` when absent. */
  ttlMs?: number;
  /** Who the grant is for (server name + job id): appears in every log line of its fetches. */
  label?: string;
  /**
   * Downloads allowed: GETs that start at byte 0 (a full GET, or the first range of a ranged
   * download). Continuation ranges and HEADs do not count, so a BMC may resume a broken transfer.
   */
  maxFetches?: number;
}

/** A granted download URL. */
export interface ImageGrant {
  /** `${base}/images/<token>/<sha256>.bin`: what goes into SimpleUpdate's ImageURI. */
  url: string;
  token: string;
  /** Epoch milliseconds (deps.clock) after which the URL answers 404. */
  expiresAt: number;
}

/** What happened through one grant, for the executor ("did the BMC fetch the image at all?"). */
export interface GrantStats {
  sha256: string;
  label?: string;
  expiresAt: number;
  revoked: boolean;
  /** GETs starting at byte 0: one per download attempt. */
  fetches: number;
  /** 206 responses served. */
  ranges: number;
  /** Body bytes handed to clients, over all requests. */
  bytes: number;
  /** Responses whose body went out whole. */
  completed: number;
  lastClient?: string;
  lastStatus?: number;
  /** The image failed its digest while served through this grant; the transfer was aborted. */
  corrupt: boolean;
}

/** A live grant, as the server uses it. */
export interface Grant extends GrantStats {
  size: number;
  maxFetches: number;
}

/** Why a request was refused (logged; the client only ever sees 404). */
export type Refusal = 'unknown' | 'expired' | 'revoked' | 'wrong-image';

/** Bytes of entropy per token. */
export const TOKEN_BYTES = 32;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Grants stay readable through stats() this long after they expire or are revoked. */
const STATS_RETENTION_MS = 24 * 3600_000;

const FRESH = { revoked: false, fetches: 0, ranges: 0, bytes: 0, completed: 0, corrupt: false };

/** Grants by token. */
export class GrantRegistry {
  readonly #grants = new Map<string, Grant>();
  readonly #clock: Clock;
  readonly #defaultTtlMs: number;

  constructor(clock: Clock, defaultTtlMs: number) {
    positive('tokenTtlMs', defaultTtlMs);
    this.#clock = clock;
    this.#defaultTtlMs = defaultTtlMs;
  }

  /** Creates a grant for a verified image of `size` bytes and returns its token. */
  create(sha256: string, size: number, options: GrantOptions): { token: string; expiresAt: number } {
    const ttlMs = options.ttlMs ?? this.#defaultTtlMs;
    positive('ttlMs', ttlMs);
    const maxFetches = options.maxFetches ?? Number.POSITIVE_INFINITY;
    if (!(maxFetches >= 1)) throw new ConfigError('image grant', `maxFetches must be ≥ 1, got ${maxFetches}`);
    const now = this.#clock.now();
    this.#prune(now);
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const expiresAt = now + ttlMs;
    this.#grants.set(keyOf(token), { ...FRESH, sha256, size, maxFetches, label: options.label, expiresAt });
    return { token, expiresAt };
  }

  /** The grant a request for `sha256` through `token` may use, or why not. */
  authorize(token: string, sha256: string): Grant | Refusal {
    const grant = TOKEN.test(token) ? this.#grants.get(keyOf(token)) : undefined;
    if (!grant) return 'unknown';
    if (grant.revoked) return 'revoked';
    if (this.#clock.now() >= grant.expiresAt) return 'expired';
    return grant.sha256 === sha256 ? grant : 'wrong-image';
  }

  /** Counts a download attempt; false when the grant has used up its `maxFetches`. */
  beginFetch(grant: Grant): boolean {
    if (grant.fetches >= grant.maxFetches) return false;
    grant.fetches++;
    return true;
  }

  /** Ends a grant now; its stats stay readable. False when the token is unknown. */
  revoke(token: string): boolean {
    const grant = this.#grants.get(keyOf(token));
    if (!grant) return false;
    grant.revoked = true;
    return true;
  }

  /** A snapshot of a grant's stats (also after expiry or revocation, for a day). */
  stats(token: string): GrantStats | undefined {
    const grant = this.#grants.get(keyOf(token));
    if (!grant) return undefined;
    const { size: _size, maxFetches: _max, ...stats } = grant;
    return stats;
  }

  /** Drops grants whose stats nobody is expected to read any more. */
  #prune(now: number): void {
    for (const [key, grant] of this.#grants) {
      if (now - grant.expiresAt > STATS_RETENTION_MS) this.#grants.delete(key);
    }
  }
}

/** "AbCdEf…": enough to correlate log lines, useless to an attacker. */
export function tokenPrefix(token: string): string {
  return `${token.slice(0, 6)}…`;
}

function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function positive(name: string, ms: number): void {
  if (!(Number.isFinite(ms) && ms > 0)) throw new ConfigError('image server', `${name} must be > 0 ms`);
}

/** What the filesystem says about a file's current content: changes on any write or replacement. */
function identity(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

interface Verdict {
  identity: string;
  size: number;
  error?: ImageStoreError;
}

/**
 * Full-digest verification of store images, remembered per file identity: a wave granting one
 * 256 MiB image to fifty servers hashes it once, and any write to or replacement of the file
 * invalidates the verdict. Concurrent verifications of one image share a single read.
 */
export class VerifiedImages {
  readonly #store: ImageStore;
  readonly #verdicts = new Map<string, Verdict>();
  readonly #pending = new Map<string, Promise<number>>();

  constructor(store: ImageStore) {
    this.#store = store;
  }

  /**
   * The image's size. Throws NOT_FOUND when absent, CORRUPT when this very file already failed
   * verification; with `rehash`, also verifies the full digest unless this very file passed it.
   */
  async check(sha256: string, rehash: boolean, expectedSize?: number): Promise<number> {
    const st = await this.#stat(sha256);
    if (expectedSize !== undefined && st.size !== expectedSize) {
      throw new ImageStoreError(ImageErrorCode.corrupt, sha256, `${st.size} bytes, granted ${expectedSize}`);
    }
    const id = identity(st);
    const verdict = this.#verdicts.get(sha256);
    if (verdict?.identity === id) {
      if (verdict.error) throw verdict.error;
      return verdict.size;
    }
    if (!rehash) return st.size;
    let pending = this.#pending.get(sha256);
    if (!pending) {
      pending = this.#verify(sha256, id).finally(() => this.#pending.delete(sha256));
      this.#pending.set(sha256, pending);
    }
    return pending;
  }

  /** Records that the file, as it is now, failed its digest while being served. */
  async markCorrupt(sha256: string, error: ImageStoreError): Promise<void> {
    try {
      const st = await this.#stat(sha256);
      this.#verdicts.set(sha256, { identity: identity(st), size: st.size, error });
    } catch {
      this.#verdicts.delete(sha256);
    }
  }

  async #verify(sha256: string, id: string): Promise<number> {
    try {
      const { size } = await this.#store.verify(sha256);
      // Replaced or written while being hashed: the verdict belongs to neither version.
      if (identity(await this.#stat(sha256)) === id) this.#verdicts.set(sha256, { identity: id, size });
      return size;
    } catch (err) {
      const error = asStoreError(sha256, err);
      if (error.code === ImageErrorCode.corrupt) this.#verdicts.set(sha256, { identity: id, size: 0, error });
      throw error;
    }
  }

  async #stat(sha256: string): Promise<Stats> {
    const path = this.#store.imagePath(sha256);
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new ImageStoreError(ImageErrorCode.source, sha256, 'not a regular file');
      return st;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ImageStoreError(ImageErrorCode.notFound, sha256, 'not in the image store', { cause: err });
      }
      throw asStoreError(sha256, err);
    }
  }
}

/** Any failure to read an image, as an ImageStoreError (I/O errors become FW_ERR_IMAGE_IO). */
export function asStoreError(sha256: string, err: unknown): ImageStoreError {
  if (err instanceof ImageStoreError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new ImageStoreError(ImageErrorCode.io, sha256, `cannot read: ${reason}`, { cause: err });
}

/** Path of a grant's URL under the base URL. */
export function grantPath(token: string, sha256: string): string {
  return `/images/${token}/${sha256}.bin`;
}

export interface GrantTarget {
  token: string;
  sha256: string;
}

const ROUTE = /^\/images\/([^/]+)\/([0-9a-f]{64})\.bin$/;

/**
 * Token and sha256 of a request target (query ignored; the publicUrl's path prefix dropped if a
 * proxy kept it). Only ever used as map keys: nothing from the URL reaches a file path.
 */
export function parseGrantPath(target: string, prefix: string): GrantTarget | undefined {
  let path = target.split('?')[0] ?? '';
  if (!path.startsWith('/')) path = URL.canParse(path) ? new URL(path).pathname : '';
  if (prefix && path.startsWith(`${prefix}/`)) path = path.slice(prefix.length);
  const [, token, sha256] = ROUTE.exec(path) ?? [];
  return token && sha256 ? { token, sha256 } : undefined;
}

export const FULL = 'full';
export const UNSATISFIABLE = 'unsatisfiable';
/** The whole file, no satisfiable range, or an inclusive [start, end]. */
export type RangeAnswer = typeof FULL | typeof UNSATISFIABLE | [start: number, end: number];

/**
 * A single byte range (RFC 9110 §14.1.2): `a-b`, `a-`, `-n`. Other units, malformed values and
 * multiple ranges are ignored (the whole file with 200), as §14.2 allows and many servers do.
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  const match = header === undefined ? null : /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header);
  if (!match) return FULL;
  const [, first = '', last = ''] = match;
  if (first === '') {
    if (last === '') return FULL;
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? UNSATISFIABLE : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return FULL;
  if (start >= size) return UNSATISFIABLE;
  return [start, last === '' ? size - 1 : Math.min(Number(last), size - 1)];
}

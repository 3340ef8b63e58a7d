/**
 * Process-wide TLS session cache, so a new RedfishClient to a BMC it has talked to resumes the
 * TLS session instead of paying a full handshake. The inventory scan sweeps the same fleet again
 * and again with a fresh client per BMC per sweep: undici's own cache lives in each client's
 * connector and died with it, so every sweep paid ~2.5 ms of CPU per BMC in handshakes (#17).
 */

/** A cached session and the leaf certificate the full handshake that made it presented. */
export interface CachedTlsSession {
  /** Serialized session (tls `session` option / the socket's 'session' event). */
  session: Buffer;
  /**
   * sha256 of the certificate the session rests on, lowercase hex. A resumed handshake carries
   * no certificate (Node's getPeerCertificate() is empty), so a fingerprint pin is checked
   * against this instead.
   */
  fingerprint256: string | undefined;
}

/** Handshakes seen by connectors using a cache: for tests, benches and debugging. */
export interface TlsSessionStats {
  /** Full handshakes (no session offered, or the BMC declined it). */
  full: number;
  /** Handshakes that resumed a cached session. */
  resumed: number;
  /** Sessions in the cache now. */
  size: number;
}

/**
 * Room for a 20,000-BMC fleet: a session with an EC P-256 certificate inside is under 1 KiB,
 * an RSA-2048 one ~2 KiB, so a full cache is a few tens of MiB at most.
 */
export const DEFAULT_MAX_TLS_SESSIONS = 20_000;

/**
 * Least-recently-used map from a connection key (see {@link tlsSessionKey}) to the last session
 * the BMC issued on it. Bounded: the least recently used session is dropped first.
 */
export class TlsSessionCache {
  readonly maxEntries: number;
  private readonly entries = new Map<string, CachedTlsSession>();
  private full = 0;
  private resumed = 0;

  constructor(maxEntries = DEFAULT_MAX_TLS_SESSIONS) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) {
      throw new RangeError(`TLS session cache size must be an integer >= 0, got ${maxEntries}`);
    }
    this.maxEntries = maxEntries;
  }

  /** The session to offer for `key`, if any; marks it recently used. */
  get(key: string): CachedTlsSession | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Map iteration order is insertion order: re-inserting moves the key to the young end.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Keeps the newest session the BMC issued for `key`, evicting the oldest entry when full. */
  set(key: string, entry: CachedTlsSession): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }

  /** Forgets the session of `key` (e.g. its connection failed verification). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every session; the counters keep counting. */
  clear(): void {
    this.entries.clear();
  }

  /** Keys held, least recently used first: for debugging and tests. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Counts one handshake. */
  countHandshake(resumed: boolean): void {
    if (resumed) this.resumed++;
    else this.full++;
  }

  /** Handshake counters and current size. */
  stats(): TlsSessionStats {
    return { full: this.full, resumed: this.resumed, size: this.entries.size };
  }
}

/** The cache every RedfishTransport shares unless told otherwise. */
export const tlsSessions = new TlsSessionCache();

/**
 * The cache key of a connection: the BMC's address and port, the SNI name, and an identity of
 * the trust settings, so a session made under one policy (say `insecure`, or another pin) is
 * never offered under another. Node skips the host name check on a resumed session, so the
 * name must be part of the key too.
 */
export function tlsSessionKey(
  to: { hostname: string; port: string | number; servername?: string | null },
  trust: string,
): string {
  return `${to.hostname}:${to.port}\n${to.servername ?? ''}\n${trust}`;
}

/**
 * TLS policy for one BMC, turned into an undici connector. Verification is on by default; a
 * per-host CA replaces the system store; a pinned sha256 fingerprint accepts exactly that leaf
 * certificate (BMCs ship self-signed ones) and nothing else; `insecure` is an explicit lab switch;
 * `legacy` lets old BMCs speak TLS 1.0/1.1 with legacy ciphers, still verified.
 */
import { createHash } from 'node:crypto';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { RedfishConnectionError } from '../errors.ts';
import { buildConnector } from '../undici-core.ts';
import { type CachedTlsSession, type TlsSessionCache, tlsSessionKey, tlsSessions } from './tls-sessions.ts';

export interface TlsOptions {
  /** PEM text of the CA (or CAs) that signed the BMC certificate. */
  ca?: string;
  /** sha256 of the leaf certificate's DER, hex, colons optional. */
  fingerprint?: string;
  /** Accept any certificate. Labs only; logged as a warning by the caller. */
  insecure?: boolean;
  /**
   * Allow TLS 1.0/1.1 and legacy ciphers (iDRAC 7/8 and iLO 4 on old firmware). Verification
   * stays as the other fields say; logged as a warning by the caller.
   */
  legacy?: boolean;
}

/**
 * What `legacy` changes. OpenSSL 3 refuses TLS < 1.2 and SHA-1 signatures at its default
 * security level 1 whatever minVersion says; level 0 lets them (and small RSA/DH keys) through.
 */
export const LEGACY_TLS = { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' } as const;

/**
 * One SecureContext per distinct CA bundle. Passing `ca` to every tls.connect makes Node parse
 * the bundle and build a context per socket: a fleet sharing one CA paid that a thousand times.
 */
const contexts = new Map<string, SecureContext>();

/** A given secureContext overrides minVersion/ciphers of tls.connect: legacy goes in here too. */
function contextFor(ca: string, legacy: boolean): SecureContext {
  const key = `${legacy ? 'legacy' : 'modern'}\n${ca}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = createSecureContext({ ca, ...(legacy ? LEGACY_TLS : {}) });
    contexts.set(key, ctx);
  }
  return ctx;
}

/** "AB:CD:..." or "abcd..." → "abcd...". */
export function normalizeFingerprint(fp: string): string {
  return fp.replaceAll(':', '').toLowerCase();
}

/** One short id per distinct CA bundle, for session cache keys (a bundle can be many KiB). */
const caIds = new Map<string, string>();

/**
 * Identity of the trust settings a session was made under: sessions never cross a CA, a pin,
 * the insecure switch or the legacy flag.
 */
function trustKeyOf(policy: TlsOptions, pin: string | undefined): string {
  let ca = 'system';
  if (policy.ca) {
    ca = caIds.get(policy.ca) ?? createHash('sha256').update(policy.ca).digest('hex');
    caIds.set(policy.ca, ca);
  }
  const mode = policy.insecure ? 'insecure' : 'verify';
  return `${mode} legacy=${policy.legacy === true} pin=${pin ?? ''} ca=${ca}`;
}

/**
 * Builds the undici connector for a TLS policy. Pinning disables chain verification (the pin is
 * stronger than the chain) and checks the leaf digest on every new connection. Sessions are
 * resumed across clients through `sessions` (the process-wide {@link tlsSessions} by default),
 * keyed by address, SNI name and trust settings. A resumed handshake presents no certificate, so
 * the pin is checked against the certificate recorded when the session was made: resuming proves
 * the BMC holds that session's secret, i.e. it is the peer that presented that certificate.
 */
export function tlsConnector(
  policy: TlsOptions,
  base: { timeout: number; keepAlive?: boolean },
  sessions: TlsSessionCache = tlsSessions,
): buildConnector.connector {
  const pin = policy.fingerprint ? normalizeFingerprint(policy.fingerprint) : undefined;
  const trust = trustKeyOf(policy, pin);
  const options: buildConnector.BuildOptions = {
    timeout: base.timeout,
    keepAlive: base.keepAlive ?? true,
    rejectUnauthorized: !(policy.insecure || pin),
    ...(policy.ca
      ? { secureContext: contextFor(policy.ca, policy.legacy === true) }
      : policy.legacy
        ? LEGACY_TLS
        : {}),
    // undici's cache is per connector, so per client, and keyed by host name without the port.
    maxCachedSessions: 0,
  };
  const fresh = buildConnector(options);
  return (target, callback) => {
    const key = tlsSessionKey({ ...target, port: target.port || 443 }, trust);
    const offered = sessions.get(key);
    // undici takes a session only when the connector is built; building one is cheap next to
    // the handshake it saves.
    const connect = offered ? buildConnector({ ...options, session: offered.session }) : fresh;
    connect(target, (err, socket) => {
      if (err || !socket) {
        // A BMC that chokes on the session offered gets a full handshake on the next try.
        if (offered) sessions.delete(key);
        callback(err ?? new Error('no socket'), null);
        return;
      }
      const tlsSocket = socket as TLSSocket;
      const resumed = tlsSocket.isSessionReused?.() === true;
      sessions.countHandshake(resumed);
      // Only a pin needs the certificate (building the peer certificate object is not free).
      const seen = pin ? certificateOf(tlsSocket, resumed, offered) : undefined;
      if (pin && seen !== pin) {
        sessions.delete(key);
        socket.destroy();
        const url = `${target.protocol}//${target.hostname}:${target.port}`;
        callback(
          new RedfishConnectionError(
            'FW_ERR_TLS_PIN',
            'CONNECT',
            url,
            `certificate fingerprint ${seen ?? '(none)'} does not match the pinned ${pin}` +
              (resumed ? ' (resumed TLS session)' : ''),
          ),
          null,
        );
        return;
      }
      // Node emits 'session' only once the handshake is verified, after this callback: only
      // sessions of connections that passed every check get cached. A resumed connection's new
      // tickets rest on the same certificate as the session it resumed.
      tlsSocket.on('session', (session: Buffer) => {
        sessions.set(key, { session, fingerprint256: seen });
      });
      callback(null, socket);
    });
  };
}

/** The leaf fingerprint a connection rests on: presented now, or recorded with its session. */
function certificateOf(
  socket: TLSSocket,
  resumed: boolean,
  offered: CachedTlsSession | undefined,
): string | undefined {
  if (resumed) return offered?.fingerprint256;
  const presented = socket.getPeerCertificate?.()?.fingerprint256;
  return presented ? normalizeFingerprint(presented) : undefined;
}

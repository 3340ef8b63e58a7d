/**
 * TLS policy for one BMC, turned into an undici connector. Verification is on by default; a
 * per-host CA replaces the system store; a pinned sha256 fingerprint accepts exactly that leaf
 * certificate (BMCs ship self-signed ones) and nothing else; `insecure` is an explicit lab switch;
 * `legacy` lets old BMCs speak TLS 1.0/1.1 with legacy ciphers, still verified.
 */
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { RedfishConnectionError } from '../errors.ts';
import { buildConnector } from '../undici-core.ts';

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

/**
 * Builds the undici connector for a TLS policy. Pinning disables chain verification (the pin is
 * stronger than the chain) and checks the leaf digest on every new connection; TLS session
 * resumption is off under a pin so every connection presents its certificate.
 */
export function tlsConnector(
  policy: TlsOptions,
  base: { timeout: number; keepAlive?: boolean },
): buildConnector.connector {
  const pin = policy.fingerprint ? normalizeFingerprint(policy.fingerprint) : undefined;
  const connector = buildConnector({
    timeout: base.timeout,
    keepAlive: base.keepAlive ?? true,
    rejectUnauthorized: !(policy.insecure || pin),
    ...(policy.ca
      ? { secureContext: contextFor(policy.ca, policy.legacy === true) }
      : policy.legacy
        ? LEGACY_TLS
        : {}),
    ...(pin ? { maxCachedSessions: 0 } : {}),
  });
  if (!pin) return connector;
  return (options, callback) => {
    connector(options, (err, socket) => {
      if (err || !socket) {
        callback(err ?? new Error('no socket'), null);
        return;
      }
      const cert = (socket as TLSSocket).getPeerCertificate?.();
      const seen = cert?.fingerprint256 ? normalizeFingerprint(cert.fingerprint256) : undefined;
      if (seen !== pin) {
        socket.destroy();
        const url = `${options.protocol}//${options.hostname}:${options.port}`;
        callback(
          new RedfishConnectionError(
            'FW_ERR_TLS_PIN',
            'CONNECT',
            url,
            `certificate fingerprint ${seen ?? '(none)'} does not match the pinned ${pin}`,
          ),
          null,
        );
        return;
      }
      callback(null, socket);
    });
  };
}

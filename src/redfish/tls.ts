/**
 * TLS policy for one BMC, turned into an undici connector. Verification is on by default; a
 * per-host CA replaces the system store; a pinned sha256 fingerprint accepts exactly that leaf
 * certificate (BMCs ship self-signed ones) and nothing else; `insecure` is an explicit lab switch.
 */
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import { RedfishConnectionError } from '../errors.ts';

export interface TlsOptions {
  /** PEM text of the CA (or CAs) that signed the BMC certificate. */
  ca?: string;
  /** sha256 of the leaf certificate's DER, hex, colons optional. */
  fingerprint?: string;
  /** Accept any certificate. Labs only; logged as a warning by the caller. */
  insecure?: boolean;
}

/**
 * One SecureContext per distinct CA bundle. Passing `ca` to every tls.connect makes Node parse
 * the bundle and build a context per socket: a fleet sharing one CA paid that a thousand times.
 */
const contexts = new Map<string, SecureContext>();

function contextFor(ca: string): SecureContext {
  let ctx = contexts.get(ca);
  if (!ctx) {
    ctx = createSecureContext({ ca });
    contexts.set(ca, ctx);
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
    ...(policy.ca ? { secureContext: contextFor(policy.ca) } : {}),
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

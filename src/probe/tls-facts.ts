/**
 * The BMC's TLS as a client sees it: protocol, cipher and leaf certificate, read from a socket
 * opened with the same policy the Redfish transport uses (tls.ts): CA, pin, legacy, insecure.
 * Verification is judged here instead of refused, so the report can say why a BMC is not trusted.
 */
import { connect, type PeerCertificate } from 'node:tls';
import { RedfishConnectionError } from '../errors.ts';
import { LEGACY_TLS, normalizeFingerprint, type TlsOptions } from '../redfish/tls.ts';
import type { TlsFacts } from './model.ts';

/** Opens one TLS connection to the BMC, reads what it presents and closes it. */
export function readTlsFacts(bmc: string, policy: TlsOptions, timeoutMs = 10_000): Promise<TlsFacts> {
  const url = new URL(bmc);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      // SNI only for names (RFC 6066 forbids IP literals there).
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      ...(policy.ca ? { ca: policy.ca } : {}),
      ...(policy.legacy ? LEGACY_TLS : {}),
      timeout: timeoutMs,
    });
    const fail = (err: Error) => {
      socket.destroy();
      reject(new RedfishConnectionError('FW_ERR_TLS', 'CONNECT', url.origin, err.message, { cause: err }));
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const fingerprint = normalizeFingerprint(cert.fingerprint256 ?? '');
      const facts: TlsFacts = {
        protocol: socket.getProtocol() ?? '?',
        cipher: socket.getCipher()?.name ?? '?',
        subject: dn(cert.subject),
        issuer: dn(cert.issuer),
        validFrom: new Date(cert.valid_from).toISOString(),
        validTo: new Date(cert.valid_to).toISOString(),
        fingerprint256: fingerprint,
        trust: trustOf(policy, fingerprint, socket.authorized, socket.authorizationError),
      };
      socket.end();
      resolve(facts);
    });
  });
}

function trustOf(policy: TlsOptions, seen: string, authorized: boolean, error: unknown): string {
  if (policy.fingerprint) {
    return normalizeFingerprint(policy.fingerprint) === seen
      ? 'pinned fingerprint matches'
      : 'pinned fingerprint DOES NOT match: requests will be refused';
  }
  const chain = authorized
    ? `chain verified${policy.ca ? ' by the configured CA' : ' by the system CAs'}`
    : `chain NOT verified (${reason(error)})`;
  return policy.insecure ? `${chain}; verification disabled (insecure)` : chain;
}

function dn(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/** authorizationError is typed Error but Node hands over the OpenSSL code string. */
function reason(error: unknown): string {
  if (typeof error === 'string') return error;
  const e = error as { code?: string; message?: string } | null;
  return e?.code ?? e?.message ?? 'unknown';
}

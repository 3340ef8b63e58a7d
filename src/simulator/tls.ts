/**
 * Certificates for simulated BMCs: one EC P-256 CA per fleet and one leaf certificate it signs for
 * 127.0.0.1 / localhost / ::1 (and the listen host), shared by every BMC of the fleet. Real BMCs
 * each have their own self-signed certificate; one shared leaf keeps 1000-BMC fleets fast to start
 * while still exercising verification against a pinned CA or a fingerprint.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface SimTlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** Lowercase hex sha256 of the leaf certificate DER, no colons. */
  fingerprint256: string;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/** Creates a fleet CA and a leaf certificate for `host` (plus the loopback names). */
export async function createTlsMaterial(host = '127.0.0.1'): Promise<SimTlsMaterial> {
  const notAfterDate = new Date(Date.now() + TEN_YEARS_MS);
  const ca = await generate([{ name: 'commonName', value: 'firmwarden simulator CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const ips = new Set(['127.0.0.1', '::1']);
  const dns = new Set(['localhost']);
  if (isIP(host) !== 0) ips.add(host);
  else dns.add(host);
  const leaf = await generate([{ name: 'commonName', value: 'firmwarden-simulated-bmc' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...[...dns].map((value) => ({ type: 2 as const, value })),
          ...[...ips].map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return {
    caPem: ca.cert,
    certPem: leaf.cert,
    keyPem: leaf.private,
    fingerprint256: fingerprintOf(leaf.cert),
  };
}

/** sha256 fingerprint of a PEM certificate: lowercase hex, no colons. */
export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replaceAll(':', '').toLowerCase();
}

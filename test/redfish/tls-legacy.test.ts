/**
 * Old BMCs (iDRAC 7/8, iLO 4 on old firmware) speak only TLS 1.0/1.1. Loopback HTTPS servers
 * limited to TLS 1.0, to TLS 1.1, and to TLS 1.0 with only AES128-SHA (RSA key exchange, no
 * forward secrecy) stand in for them: refused by default, read with the explicit `legacy` opt-in,
 * which never turns certificate verification off. 3DES and RC4 suites cannot be tested: Node's
 * OpenSSL is built without them, so no opt-in can reach a BMC offering nothing else.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient } from '../../src/redfish/client.ts';
import type { TlsOptions } from '../../src/redfish/tls.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const PROFILES = {
  'TLS 1.0': { version: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0', keyType: 'ec' },
  'TLS 1.1': { version: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0', keyType: 'ec' },
  'TLS 1.0, AES128-SHA only': { version: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0', keyType: 'rsa' },
} as const;
type Profile = keyof typeof PROFILES;
const servers = new Map<Profile, { server: Server; url: string; certPem: string; fingerprint: string }>();

beforeAll(async () => {
  for (const [profile, { version, ciphers, keyType }] of Object.entries(PROFILES)) {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'idrac-old' }], {
      keyType,
      ...(keyType === 'rsa' ? { keySize: 2048 } : {}),
      days: 2,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    } as never);
    const fingerprint = createHash('sha256').update(new X509Certificate(pems.cert).raw).digest('hex');
    // OpenSSL 3 (Node 24) serves TLS 1.0/1.1 only at security level 0, as old BMCs need it.
    const server = createServer(
      { key: pems.private, cert: pems.cert, minVersion: version, maxVersion: version, ciphers },
      (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ RedfishVersion: '1.0.2' }));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    servers.set(profile as Profile, { server, url, certPem: pems.cert, fingerprint });
  }
});
afterAll(() =>
  Promise.all([...servers.values()].map(({ server }) => new Promise<void>((r) => server.close(() => r())))),
);

type TlsOf = (bmc: { certPem: string; fingerprint: string }) => TlsOptions;

function client(profile: Profile, tls: TlsOf) {
  const log = captureLogger();
  const bmc = servers.get(profile) as NonNullable<ReturnType<typeof servers.get>>;
  const c = new RedfishClient(
    {
      url: bmc.url,
      tls: tls(bmc),
      retry: { attempts: 1 },
      credentials: { username: 'root', password: 'S3cret-pw' },
    },
    { clock: fakeClock(), logger: log.logger },
  );
  return { c, log };
}

describe.each(Object.keys(PROFILES) as Profile[])('a BMC limited to %s', (profile) => {
  it('is refused by default with FW_ERR_TLS, even with its CA', async () => {
    const { c } = client(profile, (b) => ({ ca: b.certPem }));
    const err = await c.root().catch((e) => e);
    expect(err.code).toBe('FW_ERR_TLS');
    await c.close();
  });

  it.each<[string, TlsOf]>([
    ['its CA', (b) => ({ ca: b.certPem, legacy: true })],
    ['a pinned fingerprint', (b) => ({ fingerprint: b.fingerprint, legacy: true })],
  ])('is read with the legacy opt-in and %s, with a warning', async (_name, tls) => {
    const { c, log } = client(profile, tls);
    expect((await c.root()).RedfishVersion).toBe('1.0.2');
    await c.close();
    expect(log.lines()).toContain('legacy TLS allowed');
    expect(log.lines()).not.toContain('S3cret-pw');
  });

  it('still verifies the certificate under the legacy opt-in', async () => {
    const { c } = client(profile, () => ({ legacy: true }));
    const err = await c.root().catch((e) => e);
    expect(err.code).toBe('FW_ERR_TLS');
    expect(err.cause?.code ?? err.message).toMatch(/SELF_SIGNED|CERT/);
    await c.close();
  });
});

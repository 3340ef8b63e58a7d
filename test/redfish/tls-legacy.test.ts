/**
 * Old BMCs (iDRAC 7/8, iLO 4 on old firmware) speak only TLS 1.0/1.1. Two loopback HTTPS servers
 * limited to TLS 1.0 and to TLS 1.1 stand in for them: refused by default, read with the explicit
 * `legacy` opt-in, which never turns certificate verification off.
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

const VERSIONS = ['TLSv1', 'TLSv1.1'] as const;
const servers = new Map<string, { server: Server; url: string }>();
let certPem: string;
let fingerprint: string;

beforeAll(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'idrac-old' }], {
    keyType: 'ec',
    days: 2,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  } as never);
  certPem = pems.cert;
  fingerprint = createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
  for (const version of VERSIONS) {
    // OpenSSL 3 (Node 24) serves TLS 1.0/1.1 only at security level 0, as old BMCs need it.
    const server = createServer(
      {
        key: pems.private,
        cert: pems.cert,
        minVersion: version,
        maxVersion: version,
        ciphers: 'DEFAULT:@SECLEVEL=0',
      },
      (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ RedfishVersion: '1.0.2' }));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.set(version, { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` });
  }
});
afterAll(() =>
  Promise.all([...servers.values()].map(({ server }) => new Promise<void>((r) => server.close(() => r())))),
);

function client(version: string, tls: (() => TlsOptions) | TlsOptions) {
  const log = captureLogger();
  const c = new RedfishClient(
    {
      url: servers.get(version)?.url as string,
      tls: typeof tls === 'function' ? tls() : tls,
      retry: { attempts: 1 },
      credentials: { username: 'root', password: 'S3cret-pw' },
    },
    { clock: fakeClock(), logger: log.logger },
  );
  return { c, log };
}

describe.each(VERSIONS)('a BMC limited to %s', (version) => {
  it('is refused by default with FW_ERR_TLS, even with its CA', async () => {
    const { c } = client(version, () => ({ ca: certPem }));
    const err = await c.root().catch((e) => e);
    expect(err.code).toBe('FW_ERR_TLS');
    await c.close();
  });

  it.each([
    ['its CA', () => ({ ca: certPem, legacy: true })],
    ['a pinned fingerprint', () => ({ fingerprint, legacy: true })],
  ])('is read with the legacy opt-in and %s, with a warning', async (_name, tls) => {
    const { c, log } = client(version, tls);
    expect((await c.root()).RedfishVersion).toBe('1.0.2');
    await c.close();
    expect(log.lines()).toContain('legacy TLS allowed');
    expect(log.lines()).not.toContain('S3cret-pw');
  });

  it('still verifies the certificate under the legacy opt-in', async () => {
    const { c } = client(version, { legacy: true });
    const err = await c.root().catch((e) => e);
    expect(err.code).toBe('FW_ERR_TLS');
    expect(err.cause?.code ?? err.message).toMatch(/SELF_SIGNED|CERT/);
    await c.close();
  });
});

import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient } from '../../src/redfish/client.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

let server: Server;
let url: string;
let certPem: string;
let fingerprint: string;
let requestsSeen = 0;

beforeAll(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'bmc-test' }], {
    keyType: 'ec',
    days: 2,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  } as never);
  certPem = pems.cert;
  fingerprint = createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
  server = createServer({ key: pems.private, cert: pems.cert }, (_req, res) => {
    requestsSeen++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ RedfishVersion: '1.17.0' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function client(tls: ConstructorParameters<typeof RedfishClient>[0]['tls']) {
  return new RedfishClient(
    { url, tls, retry: { attempts: 1 } },
    { clock: fakeClock(), logger: captureLogger().logger },
  );
}

describe('TLS policy', () => {
  it('verifies certificates by default: a self-signed BMC is refused', async () => {
    const c = client({});
    const err = await c.root().catch((e) => e);
    expect(err.code).toBe('FW_ERR_TLS');
    await c.close();
  });

  it('accepts the BMC when its CA is given', async () => {
    const c = client({ ca: certPem });
    expect((await c.root()).RedfishVersion).toBe('1.17.0');
    await c.close();
  });

  it.each([
    ['plain hex', () => fingerprint],
    ['colon-separated upper case', () => fingerprint.toUpperCase().match(/../g)?.join(':') ?? ''],
  ])('accepts a pinned fingerprint (%s) without any CA', async (_name, fp) => {
    const c = client({ fingerprint: fp() });
    expect((await c.root()).RedfishVersion).toBe('1.17.0');
    await c.close();
  });

  it('refuses a pinned fingerprint mismatch before sending any request', async () => {
    const before = requestsSeen;
    const c = client({ fingerprint: 'ab'.repeat(32) });
    const err = await c.root().catch((e) => e);
    expect(err.code).toBe('FW_ERR_TLS_PIN');
    expect(err.message).toContain(fingerprint);
    expect(requestsSeen).toBe(before);
    await c.close();
  });

  it('accepts anything with the explicit insecure switch, and warns', async () => {
    const log = captureLogger();
    const c = new RedfishClient({ url, tls: { insecure: true } }, { clock: fakeClock(), logger: log.logger });
    expect((await c.root()).RedfishVersion).toBe('1.17.0');
    expect(log.lines()).toContain('TLS verification disabled');
    await c.close();
  });

  it('refuses plain http unless allowHttp is set', () => {
    expect(
      () =>
        new RedfishClient(
          { url: 'http://127.0.0.1:1' },
          { clock: fakeClock(), logger: captureLogger().logger },
        ),
    ).toThrow(expect.objectContaining({ code: 'FW_ERR_CONFIG' }));
  });
});

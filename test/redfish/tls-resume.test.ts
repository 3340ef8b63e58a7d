/**
 * TLS session resumption across clients (#17): a new client to a BMC resumes the session an
 * earlier client made, under the same trust settings only, and a fingerprint pin still guards a
 * resumed connection (which carries no certificate).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedfishClient } from '../../src/redfish/client.ts';
import type { TlsOptions } from '../../src/redfish/tls.ts';
import { TlsSessionCache, tlsSessions } from '../../src/redfish/tls-sessions.ts';
import { type SimBmc, startSimulatedBmc } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

let bmc: SimBmc;
let ca: string;
let pin: string;

beforeAll(async () => {
  bmc = await startSimulatedBmc({ vendor: 'openbmc', tls: true, port: 0 });
  ca = bmc.caPem ?? '';
  pin = bmc.certFingerprint256 ?? '';
  expect(ca).toContain('BEGIN CERTIFICATE');
});
afterAll(() => bmc.close());
beforeEach(() => tlsSessions.clear());

/** One client, one request (one connection), closed: what a sweep does per BMC. */
async function visit(tls: TlsOptions): Promise<{ resumed: number; full: number }> {
  const before = tlsSessions.stats();
  const client = new RedfishClient(
    { url: bmc.url, tls, retry: { attempts: 1 } },
    { clock: fakeClock(), logger: captureLogger().logger },
  );
  try {
    expect((await client.root()).RedfishVersion).toBeTruthy();
  } finally {
    await client.close();
  }
  const after = tlsSessions.stats();
  return { resumed: after.resumed - before.resumed, full: after.full - before.full };
}

describe('TLS session resumption across clients', () => {
  it('a second client to the same BMC resumes the first one session (CA verified)', async () => {
    expect(await visit({ ca })).toEqual({ resumed: 0, full: 1 });
    expect(await visit({ ca })).toEqual({ resumed: 1, full: 0 });
    expect(await visit({ ca })).toEqual({ resumed: 1, full: 0 });
  });

  it('a pinned client resumes too, and the pin check passes on the resumed connection', async () => {
    expect(await visit({ fingerprint: pin })).toEqual({ resumed: 0, full: 1 });
    expect(await visit({ fingerprint: pin })).toEqual({ resumed: 1, full: 0 });
  });

  it('different trust settings never share a session', async () => {
    expect(await visit({ ca })).toEqual({ resumed: 0, full: 1 });
    expect(await visit({ insecure: true })).toEqual({ resumed: 0, full: 1 });
    expect(await visit({ fingerprint: pin })).toEqual({ resumed: 0, full: 1 });
    expect(await visit({ ca, legacy: true })).toEqual({ resumed: 0, full: 1 });
    expect(await visit({ ca, fingerprint: pin })).toEqual({ resumed: 0, full: 1 });
    // Each of them cached its own; the first still resumes.
    expect(tlsSessions.stats().size).toBe(5);
    expect(await visit({ ca })).toEqual({ resumed: 1, full: 0 });
  });

  it('a wrong pin is refused on a resumed connection, before any request', async () => {
    await visit({ fingerprint: pin });
    const wrong = 'ab'.repeat(32);
    // Plant the good pin's session under the wrong pin's key, as a cache mix-up would: the BMC
    // resumes it, and the check must still run against the certificate the session rests on.
    const [good] = tlsSessions.keys();
    const entry = good ? tlsSessions.get(good) : undefined;
    if (!good || !entry) throw new Error('no session cached');
    const planted = good.replace(`pin=${pin}`, `pin=${wrong}`);
    expect(planted).not.toBe(good);
    tlsSessions.set(planted, entry);

    const before = { ...tlsSessions.stats(), requests: bmc.stats.requests };
    const client = new RedfishClient(
      { url: bmc.url, tls: { fingerprint: wrong }, retry: { attempts: 1 } },
      { clock: fakeClock(), logger: captureLogger().logger },
    );
    const err = await client.root().catch((e) => e);
    await client.close();
    expect(err.code).toBe('FW_ERR_TLS_PIN');
    expect(err.message).toContain(`${pin} does not match the pinned ${wrong} (resumed TLS session)`);
    expect(tlsSessions.stats().resumed).toBe(before.resumed + 1);
    expect(bmc.stats.requests).toBe(before.requests);
    // The offending session is dropped: the next try is a full handshake, refused as before.
    expect(tlsSessions.keys()).not.toContain(planted);
  });
});

describe('TlsSessionCache', () => {
  const entry = (n: number) => ({ session: Buffer.from([n]), fingerprint256: undefined });

  it('is bounded and drops the least recently used session first', () => {
    const cache = new TlsSessionCache(2);
    cache.set('a', entry(1));
    cache.set('b', entry(2));
    cache.get('a');
    cache.set('c', entry(3));
    expect(cache.keys()).toEqual(['a', 'c']);
    cache.set('a', entry(4));
    expect(cache.get('a')?.session[0]).toBe(4);
    expect(cache.stats().size).toBe(2);
  });

  it('holds nothing when sized 0 and refuses a bad size', () => {
    const cache = new TlsSessionCache(0);
    cache.set('a', entry(1));
    expect(cache.get('a')).toBeUndefined();
    expect(() => new TlsSessionCache(-1)).toThrow(/integer >= 0/);
  });
});

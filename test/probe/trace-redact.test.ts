/**
 * What `probe --record` writes holds no secret: the trace files of a recorded probe against every
 * simulator profile are grepped for the password, every token and session id the wire carried,
 * and the user name; unit cases cover Basic auth, cookies and escaped passwords.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/deps.ts';
import { probeFleet } from '../../src/probe/probe-fleet.ts';
import { probeServer } from '../../src/probe/probe-server.ts';
import { readTrace } from '../../src/probe/trace.ts';
import { REDACTED, TraceRedactor } from '../../src/probe/trace-redact.ts';
import type { RedfishExchange } from '../../src/redfish/exchange.ts';
import { type SimFleet, startSimulatedFleet } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { simServer } from './helpers.ts';

const deps = defaultDeps({ logger: captureLogger('error').logger });
let fleet: SimFleet;

beforeAll(async () => {
  // A user name that is not a common word, so finding it in a trace means it leaked.
  fleet = await startSimulatedFleet({
    count: 6,
    seed: 5,
    username: 'opsuser-7731',
    password: 'pw"with\\quote-9',
  });
});
afterAll(() => fleet?.close());

describe('probe --record redaction', () => {
  it('writes a trace per server with no password, token, session id or user name in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-probe-rec-'));
    const seen: RedfishExchange[] = [];
    // The same run, watched on the wire: every secret the BMCs handed out is collected.
    const servers = fleet.bmcs.map((b) => simServer(b));
    const probe = await probeFleet(servers, deps, { recordDir: dir });
    expect(probe.failed).toBe(0);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.trace.json'));
    expect(files).toHaveLength(6);
    // Tokens and session ids of a second, watched probe (tokens differ per login, ids may repeat).
    for (const s of servers) await probeServer(s, deps, { recorder: (ex) => seen.push(ex) });
    const secrets = new Set<string>(['opsuser-7731', 'pw"with\\quote-9', JSON.stringify('pw"with\\quote-9')]);
    for (const ex of seen) {
      const token = ex.responseHeaders['x-auth-token'];
      if (token) secrets.add(token);
      const loc = /\/Sessions\/([^/?#]+)$/.exec(ex.responseHeaders['location'] ?? '')?.[1];
      if (loc && ex.method === 'POST') secrets.add(`/Sessions/${loc}`);
    }
    expect([...secrets].some((s) => s.includes('/Sessions/'))).toBe(true);
    for (const f of files) {
      const text = await readFile(join(dir, f), 'utf8');
      for (const s of secrets) expect(text, `${f} holds ${s}`).not.toContain(s);
      expect(text).not.toMatch(/"x-auth-token":\s*"(?!<redacted>)/);
      const trace = await readTrace(join(dir, f));
      const login = trace.exchanges.find((e) => e.method === 'POST' && /Sessions\/?$/.test(e.path));
      expect(login?.requestBody).toEqual({ UserName: REDACTED, Password: REDACTED });
      const logout = trace.exchanges.find((e) => e.method === 'DELETE');
      expect(logout?.path).toMatch(/\/Sessions\/session-1\/?$/);
    }
  });
});

function exchange(p: Partial<RedfishExchange>): RedfishExchange {
  return {
    method: 'GET',
    uri: '/redfish/v1/',
    requestHeaders: {},
    status: 200,
    responseHeaders: {},
    responseText: '',
    ...p,
  };
}

describe('TraceRedactor', () => {
  it.each([
    [
      'Basic auth header and its base64 anywhere',
      { username: 'root', password: 'calvin-1' },
      exchange({
        requestHeaders: { authorization: `Basic ${Buffer.from('root:calvin-1').toString('base64')}` },
        responseText: JSON.stringify({ Echo: Buffer.from('root:calvin-1').toString('base64') }),
      }),
      [Buffer.from('root:calvin-1').toString('base64'), 'calvin-1'],
    ],
    [
      'cookies and a CSRF token',
      undefined,
      exchange({
        requestHeaders: { cookie: 'sessionKey=abcdef0123456789; other=1' },
        responseHeaders: {
          'set-cookie': 'sessionKey=abcdef0123456789; Path=/',
          'x-csrf-token': 'csrf-99887766',
        },
        responseText: JSON.stringify({ Oem: { Hpe: { Echo: 'abcdef0123456789', Csrf: 'csrf-99887766' } } }),
      }),
      ['abcdef0123456789', 'csrf-99887766'],
    ],
    [
      'session ids in paths, Location and the Session body',
      undefined,
      exchange({
        method: 'POST',
        uri: '/redfish/v1/SessionService/Sessions',
        status: 201,
        responseHeaders: {
          location: '/redfish/v1/SessionService/Sessions/Zq81xK',
          'x-auth-token': 'tok-55aa66bb',
        },
        responseText: JSON.stringify({
          '@odata.id': '/redfish/v1/SessionService/Sessions/Zq81xK',
          Id: 'Zq81xK',
        }),
      }),
      ['Zq81xK', 'tok-55aa66bb'],
    ],
    [
      'a password with a quote, as JSON escapes it',
      { username: 'u', password: 'a"b\\c-secret' },
      exchange({ method: 'POST', requestJson: { Password: 'x', Note: 'a"b\\c-secret' } }),
      ['a"b\\c-secret', 'a\\"b\\\\c-secret'],
    ],
  ])('%s', (_name, creds, ex, secrets) => {
    const r = new TraceRedactor(creds);
    const text = r.sweep(JSON.stringify(r.exchange(ex)));
    for (const s of secrets) expect(text).not.toContain(s);
  });

  it('keeps what a replay needs: paths, statuses, and the same session name for one id', () => {
    const r = new TraceRedactor();
    const a = r.exchange(
      exchange({
        method: 'POST',
        status: 201,
        responseHeaders: { location: '/redfish/v1/SessionService/Sessions/77' },
      }),
    );
    const b = r.exchange(
      exchange({ method: 'DELETE', uri: '/redfish/v1/SessionService/Sessions/77', status: 204 }),
    );
    expect(a.responseHeaders['location']).toBe('/redfish/v1/SessionService/Sessions/session-1');
    expect(b.path).toBe('/redfish/v1/SessionService/Sessions/session-1');
    expect(b.status).toBe(204);
  });
});

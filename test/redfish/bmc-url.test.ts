import { describe, expect, it } from 'vitest';
import { hasUserinfo, redactUrl } from '../../src/redfish/bmc-url.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

describe('BMC URLs with user info', () => {
  it.each([
    ['https://admin:S3cret-pw@10.0.0.17', true],
    ['https://admin@10.0.0.17:443/redfish/v1', true],
    ['https://:S3cret-pw@bmc-17', true],
    ['https://admin:S3cret-pw@', true],
    ['https://10.0.0.17', false],
    ['https://bmc-17.example/redfish/v1?user=a@b', false],
    ['not a url', false],
  ])('%s: %s', (url, expected) => {
    expect(hasUserinfo(url)).toBe(expected);
  });

  it('redacts user info in text', () => {
    expect(redactUrl('https://admin:S3cret-pw@10.0.0.17/x')).toBe('https://***@10.0.0.17/x');
  });

  it('are refused by the client without echoing the password', () => {
    const make = () =>
      new RedfishClient(
        { url: 'https://admin:S3cret-pw@127.0.0.1:1', name: 'bmc-17' },
        { clock: fakeClock(), logger: captureLogger().logger },
      );
    expect(make).toThrow(expect.objectContaining({ code: 'FW_ERR_CONFIG' }));
    expect(make).toThrow(/^bmc-17: bmc URL: a user name or password in the URL is refused/);
    expect(make).not.toThrow(/S3cret-pw/);
    // Unnamed, a client is named by its URL: redacted too.
    const unnamed = () =>
      new RedfishClient(
        { url: 'https://admin:S3cret-pw@127.0.0.1:1' },
        { clock: fakeClock(), logger: captureLogger().logger },
      );
    expect(unnamed).toThrow(/^https:\/\/\*\*\*@127\.0\.0\.1:1: bmc URL/);
    expect(unnamed).not.toThrow(/S3cret-pw/);
  });
});

describe('BMC URL warnings', () => {
  it('warns once per BMC and run about plain http, insecure and legacy TLS, however many clients', async () => {
    const log = captureLogger();
    const deps = { clock: fakeClock(), logger: log.logger };
    const clients = [1, 2, 3].flatMap(() => [
      new RedfishClient({ url: 'http://127.0.0.1:1', name: 'a', allowHttp: true }, deps),
      new RedfishClient({ url: 'http://127.0.0.1:2', name: 'b', allowHttp: true }, deps),
      new RedfishClient(
        { url: 'https://127.0.0.1:3', name: 'c', tls: { insecure: true, legacy: true } },
        deps,
      ),
    ]);
    await Promise.all(clients.map((c) => c.close()));
    const warnings = log
      .lines()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; server: string; msg: string })
      .filter((l) => l.level === 40)
      .map((l) => `${l.server} ${l.msg.split(':')[0]}`);
    expect(warnings).toEqual([
      'a plain http',
      'b plain http',
      'c TLS verification disabled (insecure)',
      'c legacy TLS allowed (tls.legacy)',
    ]);
    // Another run (another logger) is warned again.
    const again = captureLogger();
    const other = new RedfishClient(
      { url: 'http://127.0.0.1:1', allowHttp: true },
      { clock: fakeClock(), logger: again.logger },
    );
    await other.close();
    expect(again.lines()).toContain('plain http');
  });
});

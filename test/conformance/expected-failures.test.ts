/**
 * conformance/expected-failures.yaml and how the conformance run reads it: the checked-in file
 * parses, every failure must match an entry, and an entry that no longer fails is reported.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../../scripts/conformance/dmtf-tools.ts';
import {
  clientException,
  compareWithExceptions,
  loadExpectedFailures,
  type ProtocolException,
} from '../../scripts/conformance/exceptions.ts';

const HTTPS_ONLY: ProtocolException = {
  assertion: 'SEC_SESSION_CREATE_HTTPS_ONLY',
  profiles: ['generic', 'dell'],
  reason: 'the test set-up serves plain http only',
  source: 'DSP0266',
};

describe('expected failures', () => {
  it('the checked-in file parses and gives every entry a reason and a source', async () => {
    const file = await loadExpectedFailures(join(CONFORMANCE_DIR, 'expected-failures.yaml'));
    expect(file.protocol.length).toBeGreaterThan(0);
    for (const e of [...file.protocol, ...file.client]) {
      expect(e.reason.length).toBeGreaterThan(20);
      expect(e.source.length).toBeGreaterThan(4);
    }
    expect(clientException('hpe', 'rf_update.py simple', file.client)).toBeDefined();
    expect(clientException('generic', 'rf_update.py simple', file.client)).toBeUndefined();
  });

  it('a failure no entry names is unexpected; one on another profile too', () => {
    const fail = {
      assertion: 'SEC_SESSION_CREATE_HTTPS_ONLY',
      uri: '/redfish/v1/SessionService/Sessions',
      message: '',
    };
    const other = { assertion: 'RESP_HEADERS_ALLOW_GET_OR_HEAD', uri: '/redfish/v1/', message: 'missing' };
    const dell = compareWithExceptions('dell', [fail, other], [HTTPS_ONLY]);
    expect(dell.excepted).toEqual([fail]);
    expect(dell.unexpected).toEqual([other]);
    expect(compareWithExceptions('hpe', [fail], [HTTPS_ONLY]).unexpected).toEqual([fail]);
  });

  it('an entry that no longer fails on a profile it names is stale', () => {
    expect(compareWithExceptions('generic', [], [HTTPS_ONLY]).stale).toEqual([HTTPS_ONLY]);
    expect(compareWithExceptions('hpe', [], [HTTPS_ONLY]).stale).toEqual([]);
  });

  it('a uri pattern narrows an entry', () => {
    const narrow = { ...HTTPS_ONLY, uri: '^/redfish/v1/Systems' };
    const fail = { assertion: narrow.assertion, uri: '/redfish/v1/SessionService/Sessions', message: '' };
    expect(compareWithExceptions('dell', [fail], [narrow]).unexpected).toEqual([fail]);
  });

  it('a malformed entry is refused naming its place', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-expected-'));
    try {
      const path = join(dir, 'bad.yaml');
      await writeFile(
        path,
        'protocol:\n  - assertion: X_Y\n    profiles: [acme]\n    reason: r\n    source: s\n',
      );
      await expect(loadExpectedFailures(path)).rejects.toThrow(/bad\.yaml: protocol\.0\./);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

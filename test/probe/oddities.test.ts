/**
 * What `probe` calls odd, and what it says about TLS, on services that really are odd: a recorded
 * trace edited the way real services differ (no TaskService link, SimpleUpdate without ActionInfo,
 * a Members@odata.count that disagrees) and replayed; TLS read against a simulated BMC under
 * policies that do and do not trust it.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/deps.ts';
import { probeServer } from '../../src/probe/probe-server.ts';
import { startReplayServer } from '../../src/probe/replay-server.ts';
import { readTlsFacts } from '../../src/probe/tls-facts.ts';
import { readTrace, type Trace } from '../../src/probe/trace.ts';
import { type SimBmc, startSimulatedBmc } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { replayServer } from './helpers.ts';

const deps = defaultDeps({ logger: captureLogger('error').logger });
const TRACE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../conformance/traces/sim-generic/sim-generic.trace.json',
);

/** Edits the recorded answers of one path. */
function edit(trace: Trace, path: string, change: (body: Record<string, unknown>) => void): void {
  const hits = trace.exchanges.filter((e) => e.method === 'GET' && e.path === path);
  expect(hits.length, path).toBeGreaterThan(0);
  for (const e of hits) change(e.responseBody as Record<string, unknown>);
}

async function probeOf(trace: Trace) {
  const replay = await startReplayServer(trace);
  try {
    return await probeServer(replayServer(replay.url, 'odd'), deps);
  } finally {
    await replay.close();
  }
}

describe('probe oddities', () => {
  it('the recorded generic profile has none', async () => {
    expect((await probeOf(await readTrace(TRACE))).oddities).toEqual([]);
  });

  it('names a missing TaskService, a SimpleUpdate without ActionInfo and a count that disagrees', async () => {
    const trace = await readTrace(TRACE);
    edit(trace, '/redfish/v1/', (root) => {
      delete root['Tasks'];
    });
    edit(trace, '/redfish/v1/UpdateService', (us) => {
      const actions = us['Actions'] as Record<string, Record<string, unknown>>;
      delete actions['#UpdateService.SimpleUpdate']?.['@Redfish.ActionInfo'];
    });
    edit(trace, '/redfish/v1/UpdateService/FirmwareInventory', (col) => {
      // The count is the total over all pages (this collection has two).
      col['Members@odata.count'] = 99;
    });
    const report = await probeOf(trace);
    expect(report.oddities).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no TaskService linked/),
        expect.stringMatching(/^SimpleUpdate has no @Redfish\.ActionInfo/),
        '/redfish/v1/UpdateService/FirmwareInventory: Members@odata.count says 99, Members lists 6',
      ]),
    );
    expect(report.update?.simpleUpdate?.actionInfo).toBe(false);
    expect(report.follow[0]).toMatch(/links no TaskService/);
  });

  it('reports a disabled UpdateService as an error of its section and still lists the components', async () => {
    const trace = await readTrace(TRACE);
    edit(trace, '/redfish/v1/UpdateService', (us) => {
      us['ServiceEnabled'] = false;
    });
    const report = await probeOf(trace);
    expect(report.errors).toEqual([
      expect.objectContaining({ section: 'update', code: 'FW_ERR_UNSUPPORTED' }),
    ]);
    expect(report.update).toBeUndefined();
    expect(report.components.length).toBeGreaterThan(0);
    expect(report.components.every((c) => c.method === undefined)).toBe(true);
  });
});

describe('probe TLS facts', () => {
  let bmc: SimBmc;
  beforeAll(async () => {
    bmc = await startSimulatedBmc({ vendor: 'generic' });
  });
  afterAll(() => bmc?.close());

  it.each([
    ['the BMC CA', () => ({ ca: bmc.caPem as string }), /^chain verified by the configured CA$/],
    [
      'the right pin',
      () => ({ fingerprint: bmc.certFingerprint256 as string }),
      /^pinned fingerprint matches$/,
    ],
    ['a wrong pin', () => ({ fingerprint: 'ab'.repeat(32) }), /DOES NOT match/],
    ['the system CAs only', () => ({}), /^chain NOT verified \(\w+/],
    ['insecure', () => ({ insecure: true }), /verification disabled \(insecure\)$/],
  ])('with %s: says how the certificate is trusted', async (_name, policy, trust) => {
    const facts = await readTlsFacts(bmc.url, policy());
    expect(facts.trust).toMatch(trust);
    expect(facts.fingerprint256).toBe(bmc.certFingerprint256);
    expect(facts.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(facts.subject).toMatch(/CN=/);
    expect(Date.parse(facts.validTo)).toBeGreaterThan(Date.now());
  });
});

/**
 * Conformance corpus: every trace under traces/<name>/ (simulator profiles, DMTF mockups) is
 * replayed, and `probe` and `inventory` must give the reports recorded from the live service,
 * answering every request from the trace. After a change to what they read or report, re-record:
 *   node test/conformance/record-traces.ts --mockup dmtf-public-tower=DIR \
 *     --mockup dmtf-public-rackmount1=bench/fixtures/dmtf-public-rackmount1   (see README.md)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/deps.ts';
import { scanOne } from '../../src/inventory/sweep.ts';
import { probeServer } from '../../src/probe/probe-server.ts';
import { startReplayServer } from '../../src/probe/replay-server.ts';
import { readTrace } from '../../src/probe/trace.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { comparableInventory, comparableProbe, replayServer } from '../probe/helpers.ts';

const TRACES = join(dirname(fileURLToPath(import.meta.url)), 'traces');
const NAMES = readdirSync(TRACES).sort();
const deps = defaultDeps({ logger: captureLogger('error').logger });
const RERECORD = 'recorded report differs: if the change is intended, re-record (test/conformance/README.md)';

describe('conformance traces', () => {
  it('ship the six simulator profiles and the DMTF public-tower and public-rackmount1 mockups', () => {
    for (const v of ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc']) {
      expect(NAMES).toContain(`sim-${v}`);
    }
    expect(NAMES).toContain('dmtf-public-tower');
    expect(NAMES).toContain('dmtf-public-rackmount1');
  });

  it.each(NAMES)('%s: probe and inventory from the replay match the live reports', async (name) => {
    const dir = join(TRACES, name);
    const file = readdirSync(dir).find((f) => f.endsWith('.trace.json'));
    expect(file, `${dir} holds no *.trace.json`).toBeDefined();
    const trace = await readTrace(join(dir, file as string));
    const expected = {
      probe: JSON.parse(readFileSync(join(dir, 'probe.json'), 'utf8')),
      inventory: JSON.parse(readFileSync(join(dir, 'inventory.json'), 'utf8')),
    };
    const replay = await startReplayServer(trace);
    try {
      const server = replayServer(replay.url, name);
      const probe = await probeServer(server, deps);
      const inventory = await scanOne(server, deps);
      expect(replay.unmatched, 'requests the trace does not answer').toEqual([]);
      expect(comparableProbe(probe), RERECORD).toEqual(expected.probe);
      expect(comparableInventory(inventory), RERECORD).toEqual(expected.inventory);
    } finally {
      await replay.close();
    }
  });
});

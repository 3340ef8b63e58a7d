/**
 * Record, then replay: a probe recorded against each simulator profile, replayed from its trace,
 * gives the same report — and so does `inventory` — with every request answered from the trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/deps.ts';
import { scanOne } from '../../src/inventory/sweep.ts';
import { probeServer } from '../../src/probe/probe-server.ts';
import { startReplayServer } from '../../src/probe/replay-server.ts';
import { TraceSchema } from '../../src/probe/trace.ts';
import { TraceRecorder } from '../../src/probe/trace-recorder.ts';
import { SIM_VENDORS, type SimBmc, startSimulatedBmc } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { comparableInventory, comparableProbe, replayServer, simServer } from './helpers.ts';

const deps = defaultDeps({ logger: captureLogger('error').logger });
const bmcs = new Map<string, SimBmc>();

beforeAll(async () => {
  for (const vendor of SIM_VENDORS) bmcs.set(vendor, await startSimulatedBmc({ vendor, seed: 3 }));
});
afterAll(async () => {
  await Promise.all([...bmcs.values()].map((b) => b.close()));
});

describe('probe record and replay', () => {
  it.each(SIM_VENDORS)('%s: the replay gives the live report, for probe and inventory', async (vendor) => {
    const bmc = bmcs.get(vendor) as SimBmc;
    const live = simServer(bmc, `sim-${vendor}`);
    const recorder = new TraceRecorder(live.name, live.client.credentials, deps.clock);
    const liveReport = await probeServer(live, deps, { recorder: recorder.record });
    const liveInventory = await scanOne(live, deps);
    expect(liveReport.errors).toEqual([]);
    expect(liveReport.components.length).toBeGreaterThan(0);

    const trace = TraceSchema.parse(JSON.parse(recorder.text()));
    const replay = await startReplayServer(trace);
    try {
      const offline = replayServer(replay.url, live.name);
      const replayReport = await probeServer(offline, deps);
      const replayInventory = await scanOne(offline, deps);
      expect(replay.unmatched).toEqual([]);
      expect(comparableProbe(replayReport)).toEqual(comparableProbe(liveReport));
      expect(replayInventory.error).toBeUndefined();
      expect(comparableInventory(replayInventory)).toEqual(comparableInventory(liveInventory));
    } finally {
      await replay.close();
    }
  });

  it('a replay answers a request the trace does not hold with 404 naming it', async () => {
    const replay = await startReplayServer({
      firmwardenTrace: 1,
      server: 'empty',
      recordedAt: new Date(0).toISOString(),
      redacted: [],
      exchanges: [],
    });
    try {
      const res = await fetch(`${replay.url}/redfish/v1/`);
      expect(res.status).toBe(404);
      expect(JSON.stringify(await res.json())).toContain('GET /redfish/v1/');
      expect(replay.unmatched).toEqual(['GET /redfish/v1/']);
    } finally {
      await replay.close();
    }
  });
});

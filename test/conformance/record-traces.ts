/**
 * Re-records the conformance traces under test/conformance/traces/: one per simulator profile and,
 * given `--mockup NAME=DIR`, one per DMTF mockup directory. Each folder gets the redacted trace of
 * a probe and the probe and inventory reports of the live run, which traces.test.ts must reproduce
 * from the trace alone. Run after a change to what probe or inventory read or report:
 *   node test/conformance/record-traces.ts [--mockup dmtf-public-tower=/path/to/public-tower]
 *     [--mockup dmtf-public-rackmount1=bench/fixtures/dmtf-public-rackmount1]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDeps } from '../../src/deps.ts';
import type { ResolvedServer } from '../../src/fleet/load.ts';
import { scanOne } from '../../src/inventory/sweep.ts';
import { createLogger } from '../../src/log.ts';
import { probeServer } from '../../src/probe/probe-server.ts';
import { TraceRecorder } from '../../src/probe/trace-recorder.ts';
import { SIM_VENDORS, startSimulatedBmc } from '../../src/simulator/index.ts';
import { comparableInventory, comparableProbe, replayServer, simServer } from '../probe/helpers.ts';
import { startMockupServer } from './mockup-server.ts';

const TRACES = join(dirname(fileURLToPath(import.meta.url)), 'traces');
const deps = defaultDeps({ logger: createLogger({ level: 'warn' }) });

async function record(name: string, server: ResolvedServer): Promise<void> {
  const dir = join(TRACES, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const recorder = new TraceRecorder(name, server.client.credentials, deps.clock);
  const probe = await probeServer({ ...server, name }, deps, { recorder: recorder.record });
  const inventory = await scanOne({ ...server, name }, deps);
  if (inventory.error) throw new Error(`${name}: inventory failed: ${inventory.error.message}`);
  await recorder.write(dir);
  await writeFile(join(dir, 'probe.json'), `${JSON.stringify(comparableProbe(probe), null, 2)}\n`);
  await writeFile(
    join(dir, 'inventory.json'),
    `${JSON.stringify(comparableInventory(inventory), null, 2)}\n`,
  );
  process.stdout.write(`${name}: ${recorder.size} exchanges, ${probe.components.length} components\n`);
}

const { values } = parseArgs({ options: { mockup: { type: 'string', multiple: true } } });
for (const vendor of SIM_VENDORS) {
  const bmc = await startSimulatedBmc({ vendor });
  try {
    await record(`sim-${vendor}`, simServer(bmc));
  } finally {
    await bmc.close();
  }
}
for (const spec of values.mockup ?? []) {
  const [name, dir] = spec.split('=');
  if (!name || !dir) throw new Error(`--mockup expects NAME=DIR, got ${spec}`);
  const mockup = await startMockupServer(dir);
  try {
    // A mockup is plain http and takes any credentials, like DMTF's mockup server.
    await record(name, replayServer(mockup.url, name));
  } finally {
    await mockup.close();
  }
}

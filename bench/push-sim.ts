/**
 * Child process of bench/push.ts: starts N simulated BMCs of one vendor (fast timing), writes their
 * fleet file and prints one `ready {json}` line: the fleet file, the BIOS image header the
 * simulator accepts (taken from writeSimulatedCatalog, so it matches the way the simulated catalog
 * builds it) and MaxImageSizeBytes. Then answers `stats` lines on stdin with `stats {json}` (this
 * process's CPU and peak RSS, bytes uploaded and fetched, each BMC's BIOS member now) and
 * exits when stdin ends or on SIGTERM, so it never outlives the benchmark.
 *
 *   node bench/push-sim.ts --count 20 --vendor generic --dir /tmp/x [--http]
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startSimulatedFleet, writeSimulatedCatalog } from '../src/simulator/index.ts';
import { SimulatedBmc } from '../src/simulator/simulated-bmc.ts';
import { activeComponents } from '../src/simulator/update/components.ts';
import { VendorSchema } from '../src/vocab.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20' },
    vendor: { type: 'string', default: 'generic' },
    dir: { type: 'string' },
    http: { type: 'boolean', default: false },
  },
});
if (!values.dir) throw new Error('push-sim: --dir is required');
const vendor = VendorSchema.parse(values.vendor);
const fleet = await startSimulatedFleet({
  count: Number(values.count),
  vendors: [vendor],
  timing: 'fast',
  tls: !values.http,
});
let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  void fleet.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

const { fleetFile } = await fleet.writeFleetFile(join(values.dir, 'fleet.yaml'));
// A tiny catalog only to learn the BIOS image header; the benchmark writes the big images itself.
const probe = await writeSimulatedCatalog({
  fleet,
  dir: join(values.dir, 'probe'),
  components: ['bios'],
  imageSize: 16,
});
const bios = probe.entries[0];
if (bios === undefined) throw new Error(`push-sim: no updateable BIOS on a ${vendor} BMC`);
const bmcs = fleet.bmcs.filter((b): b is SimulatedBmc => b instanceof SimulatedBmc);
/** Each BMC's running BIOS member now (Dell and OpenBMC Ids change with the version installed). */
function targets(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of bmcs) {
    const c = activeComponents(b).find((x) => x.kind === 'bios' && x.updateable);
    if (c) out[b.name] = c.path;
  }
  return out;
}
const us = bmcs[0]?.tree.get('/redfish/v1/UpdateService');
const max = us?.['MaxImageSizeBytes'];
const ready = {
  fleetFile,
  image: { vendor, match: bios.imageMatch, version: bios.version, name: bios.name },
  ...(typeof max === 'number' ? { maxImageSizeBytes: max } : {}),
};
process.stdout.write(`ready ${JSON.stringify(ready)}\n`);

function stats() {
  const cpu = process.cpuUsage();
  let uploadBytes = 0;
  let uploadsRefused = 0;
  let fetchBytes = 0;
  let fetchErrors = 0;
  for (const b of fleet.bmcs) {
    for (const u of b.stats.imageUploads) {
      uploadBytes += u.bytes;
      if (u.refused !== undefined) uploadsRefused++;
    }
    for (const f of b.stats.imageFetches) {
      fetchBytes += f.bytes;
      if (f.error !== undefined) fetchErrors++;
    }
  }
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    uploadBytes,
    uploadsRefused,
    fetchBytes,
    fetchErrors,
    targets: targets(),
  };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'stats') process.stdout.write(`stats ${JSON.stringify(stats())}\n`);
});
// The parent went away (or closed our stdin): stop serving.
lines.on('close', stop);

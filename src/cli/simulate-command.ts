/**
 * `firmwarden simulate`: stand up a simulated fleet of Redfish BMCs on loopback, write a fleet
 * file the other commands accept, and serve until stopped (Ctrl-C / SIGTERM).
 */
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { startSimulatedFleet, writeSimulatedCatalog } from '../simulator/index.ts';
import { type Vendor, VendorSchema } from '../vocab.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { SIMULATE_HELP } from './command-help.ts';

export async function simulateCommand(
  argv: string[],
  deps: Deps,
  out: NodeJS.WritableStream,
): Promise<number> {
  const { values } = parse('simulate', argv, {
    count: { type: 'string' },
    out: { type: 'string' },
    vendors: { type: 'string' },
    latency: { type: 'string' },
    http: { type: 'boolean' },
    seed: { type: 'string' },
    'admin-port': { type: 'string' },
    timing: { type: 'string' },
    'catalog-dir': { type: 'string' },
    generations: { type: 'string' },
  });
  if (values.timing && values.timing !== 'fast' && values.timing !== 'realistic') {
    throw new ConfigError('firmwarden simulate', '--timing must be fast or realistic');
  }
  if (!values.out) throw new ConfigError('firmwarden simulate', `--out FILE is required\n\n${SIMULATE_HELP}`);
  const count = intFlag('simulate', 'count', values.count, 8);
  if (count < 1) throw new ConfigError('firmwarden simulate', '--count must be at least 1');
  const vendors = values.vendors?.split(',').map((v) => {
    const r = VendorSchema.safeParse(v.trim());
    if (!r.success)
      throw new ConfigError('firmwarden simulate', `--vendors: unknown vendor ${JSON.stringify(v)}`);
    return r.data as Vendor;
  });
  const generations = values.generations?.split(',').map((pair) => {
    const [vendor, generation] = pair.split('=').map((x) => x.trim());
    const r = VendorSchema.safeParse(vendor);
    if (!r.success || !generation) {
      throw new ConfigError(
        'firmwarden simulate',
        `--generations: expected vendor=generation, got ${JSON.stringify(pair)}`,
      );
    }
    return [r.data, generation] as const;
  });
  const adminPort =
    values['admin-port'] === undefined
      ? undefined
      : intFlag('simulate', 'admin-port', values['admin-port'], 0);
  const fleet = await startSimulatedFleet({
    count,
    ...(vendors ? { vendors } : {}),
    latencyMs: intFlag('simulate', 'latency', values.latency, 0),
    tls: !values.http,
    ...(values.timing ? { timing: values.timing as 'fast' | 'realistic' } : {}),
    ...(values.seed ? { seed: intFlag('simulate', 'seed', values.seed, 1) } : {}),
    ...(adminPort !== undefined ? { adminPort } : {}),
    ...(generations ? { generations: Object.fromEntries(generations) } : {}),
  });
  const files = await fleet.writeFleetFile(values.out);
  out.write(
    `simulating ${fleet.bmcs.length} BMCs; fleet file ${files.fleetFile}` +
      `${fleet.adminUrl ? `; admin ${fleet.adminUrl}` : ''}\n`,
  );
  if (values['catalog-dir']) {
    const catalog = await writeSimulatedCatalog({ fleet, dir: values['catalog-dir'] });
    out.write(`catalog ${catalog.catalogFile} (${catalog.entries.length} entries)\n`);
  }
  // stdout said so already; the log line is for whoever waits on it in a script.
  deps.logger.debug({ count, fleetFile: files.fleetFile }, 'simulator ready');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await fleet.close();
  return EXIT.ok;
}

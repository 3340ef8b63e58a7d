/**
 * A fleet of simulated BMCs in one process: vendors round-robin, one CA and one leaf certificate
 * for all of them, per-BMC data variations from one seed, an optional admin endpoint.
 */
import { ConfigError } from '../errors.ts';
import type { FleetFile } from '../fleet/schema.ts';
import { type AdminServer, startAdminServer } from './admin-server.ts';
import { SIM_DEFAULTS } from './defaults.ts';
import { buildFleetDocument, writeFleetDocument } from './fleet-document.ts';
import { FleetAvailability } from './power/availability.ts';
import { SIM_VENDORS } from './profiles/registry.ts';
import { SimulatedBmc } from './simulated-bmc.ts';
import { randomPassword } from './start-bmc.ts';
import { createTlsMaterial, type SimTlsMaterial } from './tls.ts';
import type { SimBmc, SimFleet, SimFleetOptions } from './types.ts';

const SOURCE = 'simulator options';

function validate(opts: SimFleetOptions): void {
  if (!Number.isInteger(opts.count) || opts.count < 0) {
    throw new ConfigError(SOURCE, `count must be a non-negative integer, got ${opts.count}`);
  }
  if (opts.vendors !== undefined) {
    if (opts.vendors.length === 0) throw new ConfigError(SOURCE, 'vendors must name at least one vendor');
    const unknown = opts.vendors.filter((v) => !SIM_VENDORS.includes(v));
    if (unknown.length > 0) {
      throw new ConfigError(
        SOURCE,
        `unknown vendors ${unknown.join(', ')}; expected ${SIM_VENDORS.join(', ')}`,
      );
    }
  }
  if (opts.basePort !== undefined && opts.basePort !== 0 && opts.basePort + opts.count - 1 > 65535) {
    throw new ConfigError(SOURCE, `basePort ${opts.basePort} leaves no room for ${opts.count} BMCs`);
  }
}

/** Starts `count` simulated BMCs, each on its own port; resolves once all listen. */
export async function startSimulatedFleet(opts: SimFleetOptions): Promise<SimFleet> {
  validate(opts);
  const vendors = opts.vendors ?? SIM_VENDORS;
  const useTls = opts.tls ?? SIM_DEFAULTS.tls;
  const host = opts.host ?? SIM_DEFAULTS.host;
  const basePort = opts.basePort ?? SIM_DEFAULTS.basePort;
  const prefix = opts.namePrefix ?? SIM_DEFAULTS.namePrefix;
  const username = opts.username ?? SIM_DEFAULTS.username;
  const password = opts.password ?? randomPassword();
  const seed = opts.seed ?? SIM_DEFAULTS.seed;
  const width = Math.max(4, String(opts.count).length);
  const material: SimTlsMaterial | undefined = useTls ? await createTlsMaterial(host) : undefined;

  const bmcs = Array.from({ length: opts.count }, (_, i) => {
    const vendor = vendors[i % vendors.length] as SimBmc['vendor'];
    const generation = opts.generations?.[vendor];
    return new SimulatedBmc({
      vendor,
      ...(generation === undefined ? {} : { generation }),
      name: `${prefix}${String(i + 1).padStart(width, '0')}`,
      username,
      password,
      seed,
      index: i,
      latencyMs: opts.latencyMs ?? SIM_DEFAULTS.latencyMs,
      ...(opts.timing === undefined ? {} : { timing: opts.timing }),
      ...(opts.imageFetch === undefined ? {} : { imageFetch: opts.imageFetch }),
    });
  });
  const availability = new FleetAvailability();
  for (const b of bmcs) availability.track(b.availabilityTracker);
  let admin: AdminServer | undefined;
  try {
    await Promise.all(
      bmcs.map((b, i) =>
        b.listen({ host, port: basePort === 0 ? 0 : basePort + i, ...(material ? { tls: material } : {}) }),
      ),
    );
    if (opts.adminPort !== undefined) {
      admin = await startAdminServer(bmcs, opts.adminPort, undefined, { availability });
    }
  } catch (err) {
    await Promise.all(bmcs.map((b) => b.close()));
    throw err;
  }

  const byName = new Map(bmcs.map((b) => [b.name, b] as const));
  const docInput = {
    bmcs,
    username,
    tls: useTls,
    ...(material ? { fingerprint256: material.fingerprint256 } : {}),
  };
  return {
    bmcs,
    ...(material ? { caPem: material.caPem } : {}),
    ...(admin ? { adminUrl: admin.url } : {}),
    availability,
    bmc(name: string): SimBmc {
      const b = byName.get(name);
      if (b === undefined) throw new ConfigError(SOURCE, `no simulated BMC named "${name}"`);
      return b;
    },
    fleetDocument(o: { caFile?: string; passwordFile: string }): FleetFile {
      return buildFleetDocument(docInput, o);
    },
    writeFleetFile(path: string) {
      return writeFleetDocument(
        { ...docInput, password, ...(material ? { caPem: material.caPem } : {}) },
        path,
      );
    },
    async close(): Promise<void> {
      await Promise.all([...bmcs.map((b) => b.close()), admin?.close()]);
    },
  };
}

/**
 * Picks the driver for a BMC: the fleet file's hint when given, else what the service root says,
 * else (services whose root names no vendor, like bmcweb) what the first Manager says.
 */
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { ManagerSchema, type ServiceRoot } from '../redfish/models/index.ts';
import type { Vendor } from '../vocab.ts';
import { dell } from './dell/index.ts';
import { generic } from './generic/index.ts';
import { hpe } from './hpe/index.ts';
import { lenovo } from './lenovo/index.ts';
import { openbmc } from './openbmc/index.ts';
import { supermicro } from './supermicro/index.ts';
import type { VendorDriver } from './types.ts';

/** Every driver; generic last because it matches everything. */
export const DRIVERS: readonly VendorDriver[] = [dell, hpe, lenovo, supermicro, openbmc, generic];

/** The driver for a vendor name. */
export function vendorDriver(vendor: Vendor): VendorDriver {
  return DRIVERS.find((v) => v.vendor === vendor) ?? generic;
}

/** Detects the driver from the service root alone; a fleet-file hint wins when given. */
export function detectVendor(root: ServiceRoot, hint?: Vendor): VendorDriver {
  if (hint) return vendorDriver(hint);
  return DRIVERS.find((v) => v.matches(root)) ?? generic;
}

/**
 * Detects the driver, reading the first Manager when the root names no known vendor (one more
 * request, only for such services). A Manager that cannot be read leaves the generic driver.
 */
export async function detectDriver(
  client: RedfishClient,
  root: ServiceRoot,
  hint?: Vendor,
): Promise<VendorDriver> {
  const byRoot = detectVendor(root, hint);
  if (byRoot !== generic || hint || !root.Managers) return byRoot;
  const probes = DRIVERS.filter((d) => d.matchesManager);
  const manager = await readMembers(client, root.Managers['@odata.id'], ManagerSchema)
    .then((m) => m[0])
    .catch(() => undefined);
  if (!manager) return generic;
  return probes.find((d) => d.matchesManager?.(manager)) ?? generic;
}

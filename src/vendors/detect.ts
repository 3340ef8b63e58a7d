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
 * What a root's Managers said, per root object: a client reads its root once until the BMC may
 * have restarted (RedfishClient.forgetService), so a new root object is a new service to detect,
 * and a scan, probe or awaitBmc poll on the same client does not read the Managers again.
 */
const byManager = new WeakMap<ServiceRoot, Promise<VendorDriver>>();

/**
 * Detects the driver, reading the first Manager when the root names no known vendor (two more
 * requests, collection and member, only for such services, once per root read). A Manager that
 * cannot be read leaves the generic driver, and is asked again next time.
 */
export function detectDriver(client: RedfishClient, root: ServiceRoot, hint?: Vendor): Promise<VendorDriver> {
  const byRoot = detectVendor(root, hint);
  const managers = root.Managers;
  if (byRoot !== generic || hint || !managers) return Promise.resolve(byRoot);
  let detected = byManager.get(root);
  if (detected === undefined) {
    detected = readMembers(client, managers['@odata.id'], ManagerSchema).then(
      (members) => {
        const manager = members[0];
        return (manager && DRIVERS.find((d) => d.matchesManager?.(manager))) ?? generic;
      },
      () => {
        // Unreadable: generic this time, not remembered, so the next detection reads it again.
        byManager.delete(root);
        return generic;
      },
    );
    byManager.set(root, detected);
  }
  return detected;
}

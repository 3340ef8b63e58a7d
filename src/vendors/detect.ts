/** Picks the vendor module for a BMC from its service root, or from the fleet file's hint. */
import type { ServiceRoot } from '../redfish/models/index.ts';
import type { Vendor } from '../vocab.ts';
import { dell } from './dell.ts';
import { generic, openbmc, supermicro } from './generic.ts';
import { hpe } from './hpe.ts';
import { lenovo } from './lenovo.ts';
import type { VendorQuirks } from './types.ts';

/** Every vendor module; generic last because it matches everything. */
export const VENDORS: readonly VendorQuirks[] = [dell, hpe, lenovo, supermicro, openbmc, generic];

/** The module for a vendor name. */
export function vendorQuirks(vendor: Vendor): VendorQuirks {
  return VENDORS.find((v) => v.vendor === vendor) ?? generic;
}

/** Detects the vendor from the service root; a fleet-file hint wins when given. */
export function detectVendor(root: ServiceRoot, hint?: Vendor): VendorQuirks {
  if (hint) return vendorQuirks(hint);
  return VENDORS.find((v) => v.matches(root)) ?? generic;
}

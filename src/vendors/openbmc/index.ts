/**
 * OpenBMC (bmcweb) driver. Inventory Ids are image hashes; the inactive bank reports
 * Status.State StandbySpare (generic reading). Detection and the update flow follow bmcweb's
 * own handlers, each departure named where it is handled.
 */
import { generic } from '../generic/index.ts';
import type { VendorDriver } from '../types.ts';

export const openbmc = {
  ...generic,
  vendor: 'openbmc',
  // Some OpenBMC builds (and the Redfish mockups built from them) name OpenBMC in the root.
  matches: (root) => /openbmc/i.test(root.Vendor ?? '') || root.Oem?.['OpenBMC'] !== undefined,
  // bmcweb's ServiceRoot has neither Vendor nor Oem (redfish-core/lib/service_root.hpp); its
  // Manager does: Model "OpenBmc", Name "OpenBmc Manager", Oem.OpenBmc (redfish-core/lib/managers.hpp).
  matchesManager: (m) =>
    /^openbmc$/i.test(String(m['Model'] ?? '')) ||
    /^openbmc manager$/i.test(m.Name ?? '') ||
    (m['Oem'] as Record<string, unknown> | undefined)?.['OpenBmc'] !== undefined,
} satisfies VendorDriver;

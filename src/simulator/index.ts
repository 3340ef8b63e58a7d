export { startAdminServer } from './admin-server.ts';
export { type InstalledCatalogOptions, writeInstalledCatalog } from './catalog/installed-catalog.ts';
export type {
  SimCatalogComponent,
  SimulatedCatalog,
  SimulatedCatalogEntry,
  SimulatedCatalogOptions,
} from './catalog/simulated-catalog.ts';
export { writeSimulatedCatalog } from './catalog/simulated-catalog.ts';
export { SimFaultsPatchSchema } from './faults.ts';
export { startSimulatedFleet } from './fleet.ts';
export { CA_FILE, PASSWORD_FILE, simLabels } from './fleet-document.ts';
export {
  buildSimImage,
  type SimImageHeader,
  type SimImageSpec,
  verifySimImage,
  writeSimImage,
} from './image-format.ts';
export { PROFILES, SIM_VENDORS } from './profiles/registry.ts';
export type { SimAuth, SimHandler, SimRequest, SimResponse } from './sim-http.ts';
export { SimulatedBmc } from './simulated-bmc.ts';
export { startSimulatedBmc } from './start-bmc.ts';
export { GARBLED_VERSION } from './storage/corruption.ts';
export {
  SIM_CORRUPTION_KINDS,
  SimCorruptionRequestSchema,
  SimStorageFaultsPatchSchema,
} from './storage/storage-faults.ts';
export type { StoragePolicy, VolumeCreateStyle } from './storage/storage-policy.ts';
export { FAST_TIMING, REALISTIC_TIMING, type SimTimingOption } from './timing.ts';
export type {
  SimAvailabilityInterval,
  SimBmc,
  SimBmcOptions,
  SimCorruption,
  SimCorruptionKind,
  SimFaults,
  SimFleet,
  SimFleetAvailability,
  SimFleetOptions,
  SimHostAvailability,
  SimImageFetch,
  SimImageFetchOptions,
  SimImageUpload,
  SimStats,
  SimStorageFaults,
  SimTiming,
  SimUnavailableReason,
  SimUpdateFaultFlags,
  SimUpdateFaults,
  SimUpdateRecord,
  SimVendor,
  SimVolumeCreateStyle,
} from './types.ts';
export { SimUpdateFaultsPatchSchema } from './update/update-faults.ts';

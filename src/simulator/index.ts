export { startAdminServer } from './admin-server.ts';
export { SimFaultsPatchSchema } from './faults.ts';
export { startSimulatedFleet } from './fleet.ts';
export { CA_FILE, PASSWORD_FILE, simLabels } from './fleet-document.ts';
export { PROFILES, SIM_VENDORS } from './profiles/registry.ts';
export type { SimAuth, SimHandler, SimRequest, SimResponse } from './sim-http.ts';
export { SimulatedBmc } from './simulated-bmc.ts';
export { startSimulatedBmc } from './start-bmc.ts';
export type {
  SimBmc,
  SimBmcOptions,
  SimFaults,
  SimFleet,
  SimFleetOptions,
  SimStats,
  SimVendor,
} from './types.ts';

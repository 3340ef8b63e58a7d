/**
 * LastResetTime on ComputerSystem and Manager: when the host or the BMC last came out of a reset.
 * bmcweb and iDRAC report both; other profiles leave them out, as their BMCs do, and firmwarden
 * then cannot observe resets it did not make. Profiles start at a fixed time (repeatable output);
 * the simulator stamps the wall clock when a reset ends.
 */
export const BOOTED_AT = '2026-11-01T00:00:00Z';

/** Stamps `LastResetTime` now, only on a resource that reports it. */
export function stampLastReset(resource: Record<string, unknown>): void {
  if ('LastResetTime' in resource) resource['LastResetTime'] = new Date().toISOString();
}

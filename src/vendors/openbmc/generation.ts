/**
 * OpenBMC is one code base (bmcweb) rather than hardware generations; what varies is the release,
 * which bmcweb reports as the Manager's FirmwareVersion: the running BMC image's version string
 * ("2.14.0-dev-1066-g5d3a29a8c", redfish-core/lib/managers.hpp populateFirmwareInformation).
 */
import type { GenerationFacts, GenerationReading } from '../types.ts';

/** "bmcweb, OpenBMC 2.14" from the Manager's FirmwareVersion; plain "bmcweb" without one. */
export function bmcwebGeneration({ manager }: GenerationFacts): GenerationReading {
  const firmware = manager?.FirmwareVersion ?? '';
  const release = /^v?(\d+\.\d+)/.exec(firmware)?.[1];
  return release
    ? { name: `bmcweb, OpenBMC ${release}`, from: `Manager FirmwareVersion ${firmware}` }
    : { name: 'bmcweb', from: 'the service is bmcweb; its Manager states no release' };
}

/**
 * iDRAC generation from the Manager. iDRAC names its server generation in Manager.Model ("13G
 * Monolithic", "14G Monolithic", "17G Monolithic"); Wikimedia's spicerack reads the generation the
 * same way (spicerack/redfish.py RedfishDell.generation, tests/unit/test_redfish.py MODEL_RESPONSE).
 * Dell pairs them: 12G iDRAC 7, 13G iDRAC 8, 14G-16G iDRAC 9, 17G iDRAC 10. Without a model, the
 * firmware line tells iDRAC 7/8 (2.x) from iDRAC 9 (3.00-7.x); iDRAC 10 restarted at 1.x
 * (test/fixtures/vendors/dell/manager.idrac.embedded.1.json: 17G, 1.20.50.52), so 1.x alone is
 * not read as a generation.
 */
import type { GenerationFacts, GenerationReading } from '../types.ts';

const BY_SERVER_GENERATION: Record<number, string> = {
  12: 'iDRAC 7',
  13: 'iDRAC 8',
  14: 'iDRAC 9',
  15: 'iDRAC 9',
  16: 'iDRAC 9',
  17: 'iDRAC 10',
};

/** The iDRAC generation, from Manager.Model, else from the Manager's firmware line. */
export function idracGeneration({ manager }: GenerationFacts): GenerationReading | undefined {
  const model = manager?.Model ?? '';
  const server = /^(\d+)G\b/.exec(model)?.[1];
  const byModel = server === undefined ? undefined : BY_SERVER_GENERATION[Number(server)];
  if (byModel) return { name: byModel, from: `Manager Model "${model}"` };
  const firmware = manager?.FirmwareVersion ?? '';
  const major = Number(/^(\d+)\./.exec(firmware)?.[1]);
  const byFirmware = major === 2 ? 'iDRAC 7/8' : major >= 3 && major <= 7 ? 'iDRAC 9' : undefined;
  return byFirmware ? { name: byFirmware, from: `Manager FirmwareVersion ${firmware}` } : undefined;
}

/**
 * HPE iLO 5/6 driver. Identity: numeric Ids, Oem.Hpe.Targets GUIDs and DeviceClass, the redundant
 * System ROM bank (identity.ts). Update flow: DMTF with iLO's departures, each named where handled.
 */
import { generic } from '../generic/index.ts';
import type { VendorDriver } from '../types.ts';
import { isHpe, readHpeMember } from './identity.ts';

export const hpe = {
  ...generic,
  vendor: 'hpe',
  matches: isHpe,
  readMember: readHpeMember,
} satisfies VendorDriver;

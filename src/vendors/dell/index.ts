/**
 * Dell iDRAC 8/9 driver. Identity: Installed-/Previous-/Available- Ids, ComponentID, FQDD, PCI
 * ids (identity.ts). Update flow: DMTF with Dell's departures, each named where it is handled.
 */
import { generic } from '../generic/index.ts';
import type { VendorDriver } from '../types.ts';
import { dellSystemId, isDell, readDellMember } from './identity.ts';

export const dell = {
  ...generic,
  vendor: 'dell',
  matches: isDell,
  readMember: readDellMember,
  systemId: dellSystemId,
} satisfies VendorDriver;

/**
 * Lenovo XClarity Controller driver. Identity: -Primary/-Backup banks (identity.ts). Update flow:
 * DMTF with XCC's departures, each named where handled.
 */
import { generic } from '../generic/index.ts';
import { dmtfIdentity } from '../identity.ts';
import type { VendorDriver } from '../types.ts';
import { isLenovo, readLenovoMember } from './identity.ts';

export const lenovo = {
  ...generic,
  vendor: 'lenovo',
  matches: isLenovo,
  readMember: readLenovoMember,
  // XCC's SoftwareId is the build id of what is installed ("TEI3E4D"): it changes with every
  // release, so it names a version, not a component.
  catalogIdentity: (c) => dmtfIdentity(c, { softwareIdIsBuild: true }),
} satisfies VendorDriver;

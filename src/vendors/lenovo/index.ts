/**
 * Lenovo XClarity Controller driver. Identity: -Primary/-Backup banks (identity.ts). Update flow:
 * DMTF with XCC's departures, each named where handled.
 */
import { generic } from '../generic/index.ts';
import type { VendorDriver } from '../types.ts';
import { isLenovo, readLenovoMember } from './identity.ts';

export const lenovo = {
  ...generic,
  vendor: 'lenovo',
  matches: isLenovo,
  readMember: readLenovoMember,
} satisfies VendorDriver;

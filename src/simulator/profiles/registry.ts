/** The vendor profiles by vendor name. */
import type { SimVendor } from '../types.ts';
import { dellProfile } from './dell.ts';
import { genericProfile } from './generic.ts';
import { hpeProfile, hpeProfileFor } from './hpe.ts';
import { lenovoProfile } from './lenovo.ts';
import { openbmcProfile } from './openbmc.ts';
import type { VendorProfile } from './profile.ts';
import { supermicroProfile } from './supermicro.ts';

export const PROFILES: Readonly<Record<SimVendor, VendorProfile>> = {
  generic: genericProfile,
  dell: dellProfile,
  hpe: hpeProfile,
  lenovo: lenovoProfile,
  supermicro: supermicroProfile,
  openbmc: openbmcProfile,
};

/** Every vendor the simulator imitates, in fleet round-robin order. */
export const SIM_VENDORS: readonly SimVendor[] = [
  'generic',
  'dell',
  'hpe',
  'lenovo',
  'supermicro',
  'openbmc',
];

/** Generations a vendor's profile comes in besides its default (hpe.ts names the sources). */
const GENERATIONS: Partial<Record<SimVendor, (generation: string) => VendorProfile | undefined>> = {
  hpe: hpeProfileFor,
};

export function profileFor(vendor: SimVendor, generation?: string): VendorProfile {
  const p = PROFILES[vendor];
  if (p === undefined) throw new Error(`unknown simulator vendor "${vendor}"`);
  if (generation === undefined) return p;
  const g = GENERATIONS[vendor]?.(generation);
  if (g === undefined) throw new Error(`unknown ${vendor} generation "${generation}"`);
  return g;
}

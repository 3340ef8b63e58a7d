/** The vendor profiles by vendor name. */
import type { SimVendor } from '../types.ts';
import { dellProfile } from './dell.ts';
import { genericProfile } from './generic.ts';
import { hpeProfile } from './hpe.ts';
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

/** The profile of a vendor, in one of its firmware generations (default: the reference one). */
export function profileFor(vendor: SimVendor, generation?: string): VendorProfile {
  const p = PROFILES[vendor];
  if (p === undefined) throw new Error(`unknown simulator vendor "${vendor}"`);
  if (generation === undefined || generation === p.generation) return p;
  const derive = p.generations?.[generation];
  if (derive === undefined) {
    const known = [p.generation, ...Object.keys(p.generations ?? {})].filter(Boolean);
    throw new Error(`unknown ${vendor} generation "${generation}"; expected one of ${known.join(', ')}`);
  }
  return { ...derive(p), generation };
}

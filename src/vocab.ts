/**
 * The domain vocabulary in one place (bmclib constants/constants.go). Each value's comment says
 * which Redfish values fold into it. Unknown Redfish values are errors, never guesses.
 */
import { z } from 'zod';

/** BMC families firmwarden knows the quirks of (src/vendors). */
export const Vendor = {
  /** DMTF-conformant service with no known quirks (DMTF mockups, unknown vendors). */
  generic: 'generic',
  /** Dell iDRAC 8/9 (Oem.Dell, Installed-/Previous-/Available- inventory Ids). */
  dell: 'dell',
  /** HPE iLO 5/6 (Oem.Hpe, numeric Ids with trailing slashes). */
  hpe: 'hpe',
  /** Lenovo XClarity Controller (BMC-Primary / BMC-Backup). */
  lenovo: 'lenovo',
  /** Supermicro X11+/H12+ BMC. */
  supermicro: 'supermicro',
  /** OpenBMC bmcweb (hashed Ids, StandbySpare backup bank). */
  openbmc: 'openbmc',
} as const;
export type Vendor = (typeof Vendor)[keyof typeof Vendor];
export const VendorSchema = z.enum(Object.values(Vendor) as [Vendor, ...Vendor[]]);

/** What a firmware inventory member is, derived from Id/Name/RelatedItem and vendor hints. */
export const ComponentKind = {
  /** The BMC itself (iDRAC, iLO, XCC, bmcweb). */
  bmc: 'bmc',
  /** System BIOS / UEFI / System ROM. */
  bios: 'bios',
  /** Network adapters (NIC, CNA, HBA ports that report as NIC). */
  nic: 'nic',
  /** RAID / storage controllers (PERC, Smart Array, MegaRAID). */
  storage: 'storage',
  /** Physical drives (HDD, SSD, NVMe). */
  drive: 'drive',
  /** Power supplies. */
  psu: 'psu',
  /** CPLD, SPLD, FPGA, backplane and other programmable logic. */
  cpld: 'cpld',
  /** Lifecycle controller, OS collector, driver packs, management apps. */
  management: 'management',
  /** Anything else the vendor reports (GPU, TPM, ME, etc.). */
  other: 'other',
} as const;
export type ComponentKind = (typeof ComponentKind)[keyof typeof ComponentKind];
export const ComponentKindSchema = z.enum(
  Object.values(ComponentKind) as [ComponentKind, ...ComponentKind[]],
);

/** Which copy of a component's firmware an inventory member describes. */
export const ComponentSlot = {
  /** The running image (Dell Installed-, Lenovo *-Primary, OpenBMC Status.State Enabled). */
  active: 'active',
  /** The inactive bank (Lenovo *-Backup, OpenBMC StandbySpare, Dell Previous- rollback). */
  backup: 'backup',
  /** Downloaded but not yet applied (Dell Available-, SoftwareInventory.Staged). */
  staged: 'staged',
} as const;
export type ComponentSlot = (typeof ComponentSlot)[keyof typeof ComponentSlot];

/**
 * Which ComponentKind a Dell SoftwareComponent updates. Dell's Category value is coarse (the 11G
 * catalog files SAS backplanes, SAS expanders and the iDRAC6 all under "ES" = ESM firmware), so
 * the package name refines it first. Category values and names below are the ones seen in
 * fixtures/catalogs/dell-poweredge-11g-Catalog.xml (2017) plus newer ones Dell documents.
 */
import { ComponentKind } from '../vocab.ts';

/** Name patterns, checked in order before the category. */
const BY_NAME: [RegExp, ComponentKind][] = [
  [/\bidrac|\bbmc\b|remote access controller/i, ComponentKind.bmc],
  [/\bbios\b/i, ComponentKind.bios],
  [/\bcpld\b|backplane|expander|\bsep\b|\bemm\b|programmable logic/i, ComponentKind.cpld],
  [/power supply|\bpsu\b/i, ComponentKind.psu],
  // Converged adapters filed under Fibre Channel ("Emulex OneConnect ... 10GbE NIC").
  [/\bnic\b|\bndc\b|ethernet|\d+gbe\b/i, ComponentKind.nic],
  [/lifecycle controller|os collector|\bism\b/i, ComponentKind.management],
];

/** Dell Category@value → kind. */
const BY_CATEGORY: Record<string, ComponentKind> = {
  /** BIOS */
  BI: ComponentKind.bios,
  /** Network Firmware */
  NI: ComponentKind.nic,
  /** Fibre Channel Firmware (HBAs) */
  FC: ComponentKind.storage,
  /** SAS RAID Firmware (PERC) */
  SF: ComponentKind.storage,
  /** SAS Non-RAID Firmware (SAS HBAs) */
  SE: ComponentKind.storage,
  /** Storage controllers in newer catalogs */
  SC: ComponentKind.storage,
  /** SAS Drive Firmware */
  AS: ComponentKind.drive,
  /** Serial ATA Firmware (drives) */
  SA: ComponentKind.drive,
  /** Tape Drives Firmware */
  TH: ComponentKind.drive,
  /** Express Flash PCIe SSD Firmware (category value is the display text in 11G) */
  'Express Flash PCIe SSD': ComponentKind.drive,
  /** ESM Firmware: embedded server management (BMC) unless the name says backplane/expander */
  ES: ComponentKind.bmc,
  'iDRAC with Lifecycle Controller': ComponentKind.bmc,
  'Lifecycle Controller (Legacy)': ComponentKind.management,
  /** Systems Management applications */
  SM: ComponentKind.management,
  /** Diagnostics Application */
  DI: ComponentKind.management,
  /** Power supplies in newer catalogs */
  PS: ComponentKind.psu,
};

/** The kind of a Dell package from its ComponentType, Category and English name. */
export function dellKind(componentType: string, category: string | undefined, name: string): ComponentKind {
  if (componentType === 'BIOS') return ComponentKind.bios;
  for (const [pattern, kind] of BY_NAME) if (pattern.test(name)) return kind;
  if (category !== undefined) {
    const kind = BY_CATEGORY[category];
    if (kind !== undefined) return kind;
  }
  return ComponentKind.other;
}

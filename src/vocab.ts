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

/** When an update takes effect: Redfish @Redfish.OperationApplyTime values, unchanged. */
export const ApplyTime = {
  /** Install and activate now (the BMC may reset itself for a BMC image). */
  Immediate: 'Immediate',
  /** Stage now, activate at the next host reset. */
  OnReset: 'OnReset',
  /** Apply when the BMC's maintenance window (@Redfish.MaintenanceWindow) opens. */
  AtMaintenanceWindowStart: 'AtMaintenanceWindowStart',
  /** Stage now, activate at a host reset inside the maintenance window. */
  InMaintenanceWindowOnReset: 'InMaintenanceWindowOnReset',
  /** Hold until UpdateService.StartUpdate is posted. */
  OnStartUpdateRequest: 'OnStartUpdateRequest',
  /** Activate when the target device itself resets. */
  OnTargetReset: 'OnTargetReset',
} as const;
export type ApplyTime = (typeof ApplyTime)[keyof typeof ApplyTime];
export const ApplyTimeSchema = z.enum(Object.values(ApplyTime) as [ApplyTime, ...ApplyTime[]]);

/** How an image reaches the BMC. */
export const UpdateMethod = {
  /** MultipartHttpPushUri: firmwarden POSTs UpdateParameters + UpdateFile. */
  multipart: 'multipart',
  /** UpdateService.SimpleUpdate: the BMC pulls ImageURI from firmwarden's image server. */
  simple: 'simple',
  /** HttpPushUri (deprecated): raw octet-stream POST, apply time via HttpPushUriOptions. */
  httpPush: 'http-push',
} as const;
export type UpdateMethod = (typeof UpdateMethod)[keyof typeof UpdateMethod];
export const UpdateMethodSchema = z.enum(Object.values(UpdateMethod) as [UpdateMethod, ...UpdateMethod[]]);

/**
 * Where a Redfish task stands. Every TaskState of Task.v1_8_0 folds into one of these; a value
 * not listed is an error (FW_ERR_TASK_STATE_UNKNOWN), never a guess.
 */
export const TaskPhase = {
  /** New, Starting, Running, Pending, Stopping, Cancelling, Service, Suspended, Interrupted. */
  active: 'active',
  /** Completed (with TaskStatus OK or Warning). */
  completed: 'completed',
  /** Exception, Killed, Cancelled, or Completed with TaskStatus Critical. */
  failed: 'failed',
} as const;
export type TaskPhase = (typeof TaskPhase)[keyof typeof TaskPhase];

const TASK_STATES: Record<string, TaskPhase> = {
  New: 'active',
  Starting: 'active',
  Running: 'active',
  Pending: 'active',
  Stopping: 'active',
  Cancelling: 'active',
  Service: 'active',
  Suspended: 'active',
  Interrupted: 'active',
  Completed: 'completed',
  Exception: 'failed',
  Killed: 'failed',
  Cancelled: 'failed',
};

/** The phase of a TaskState, or undefined for a state Redfish does not define. */
export function taskPhase(state: string, taskStatus?: string | null): TaskPhase | undefined {
  const phase = TASK_STATES[state];
  if (phase === 'completed' && taskStatus === 'Critical') return 'failed';
  return phase;
}

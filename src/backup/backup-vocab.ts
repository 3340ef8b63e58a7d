/**
 * The backup slice's vocabulary: how a server can keep a copy of its embedded images, what state a
 * copy is in, and what kind of corruption an inspection found. Each value's comment says which
 * Redfish facts fold into it.
 */

/** Where a server's embedded images are kept besides the flash they run from. */
export const BackupMechanism = {
  /** firmwarden's slice: a RAID volume the BMC offers as an update target (Stage into it, read back by ImageDataURI). */
  slice: 'slice',
  /** The BMC keeps the other image bank: OpenBMC Status.State StandbySpare, Lenovo XCC *-Backup. */
  backupBank: 'backup-bank',
  /** Dell iDRAC Previous-<ComponentID>-<Version>__<FQDD> rollback members. */
  rollback: 'rollback',
  /** HPE iLO System Recovery Set (UpdateService Oem.Hpe.InstallSets member with IsRecovery). */
  recoverySet: 'recovery-set',
  /** The BMC keeps nothing firmwarden can use: its own verified image store only. */
  storeOnly: 'store-only',
} as const;
export type BackupMechanism = (typeof BackupMechanism)[keyof typeof BackupMechanism];

/** The state of one copy (in the slice, or in firmwarden's image store). */
export const CopyState = {
  /** Present, and its digest is the catalog's. */
  ok: 'ok',
  /** Was missing, stale or bad; made now and verified. */
  created: 'created',
  /** Not there (and not made: status only, or no source to make it from). */
  missing: 'missing',
  /** There, but its digest differs from the catalog's: never used. */
  corrupt: 'corrupt',
  /** No catalog entry at the installed version: nothing to verify a copy against. */
  unverifiable: 'unverifiable',
} as const;
export type CopyState = (typeof CopyState)[keyof typeof CopyState];

/** What an inspection could say about one installed image. */
export const IntegrityState = {
  /** A digest read back or an SPDM measurement was compared, and nothing was found. */
  ok: 'ok',
  /** Something was found (health, state, version, digest, measurement). */
  corrupt: 'corrupt',
  /**
   * Nothing found, but only Status and Version were there to go by: no image read back against
   * a catalog digest (no ImageDataURI, or no catalog entry at this version) and no SPDM
   * measurement with a baseline. Neither healthy nor corrupt: firmwarden cannot tell.
   */
  notCheckable: 'not-checkable',
} as const;
export type IntegrityState = (typeof IntegrityState)[keyof typeof IntegrityState];

/** A fact an inspection went by. */
export const IntegritySignal = {
  /** Status.Health / Status.State of the inventory member. */
  status: 'status',
  /** The Version string (empty or garbled flash shows there). */
  version: 'version',
  /** The image read back through ImageDataURI, against the catalog digest. */
  digest: 'digest',
  /** The SPDM MutableFirmware measurement, against the baseline of the same version. */
  measurement: 'measurement',
} as const;
export type IntegritySignal = (typeof IntegritySignal)[keyof typeof IntegritySignal];

/** The integrity verdict of one image, with the signals it rests on and, when not checkable, why. */
export interface Integrity {
  state: IntegrityState;
  signals: IntegritySignal[];
  /** Why the image could not be checked (not-checkable only). */
  reason?: string;
}

/** What an integrity inspection saw. */
export const FindingKind = {
  /** Status.Health Critical on the inventory member. */
  health: 'health',
  /** Status.State UnavailableOffline (or Absent) on the inventory member. */
  state: 'state',
  /** Version empty, or not readable as a version (erased flash reads 0xFF, NULs). */
  version: 'version',
  /** The image read back through ImageDataURI has another digest than the catalog's. */
  digest: 'digest',
  /** The SPDM MutableFirmware measurement (ComponentIntegrity) differs from the recorded baseline. */
  measurement: 'measurement',
  /** The slice copy of the image reads back with another digest than the catalog's. */
  sliceCopy: 'slice-copy',
} as const;
export type FindingKind = (typeof FindingKind)[keyof typeof FindingKind];

/** One thing an inspection found, in words a user acts on. */
export interface Finding {
  kind: FindingKind;
  /** Component name as the BMC reports it. */
  component: string;
  /** Inventory member URI. */
  uri: string;
  /** What was seen, e.g. `Status.Health "Critical"`. */
  seen: string;
  /** What it should have been, when known. */
  expected?: string;
  /** One sentence: component, what was seen, what was expected. */
  detail: string;
}

/** The component's own image is damaged (a slice-copy finding concerns the copy, not the component). */
export function isComponentFinding(f: Finding): boolean {
  return f.kind !== FindingKind.sliceCopy;
}

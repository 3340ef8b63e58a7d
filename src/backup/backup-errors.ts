/** Errors of the backup slice, each with a stable code (tests and callers branch on it). */
import { FirmwardenError } from '../errors.ts';

export const BackupErrorCode = {
  /** No Storage with a RAID controller (SupportedRAIDTypes) and drives. */
  noController: 'FW_ERR_BACKUP_NO_CONTROLLER',
  /** The controller's drives have no room for the slice. */
  noCapacity: 'FW_ERR_BACKUP_NO_CAPACITY',
  /** The BMC refused to create the volume, or does not allow it at all. */
  volume: 'FW_ERR_BACKUP_VOLUME',
  /** A copy's digest is not the catalog's: it is never used. */
  copyCorrupt: 'FW_ERR_BACKUP_COPY_CORRUPT',
  /** Nothing verified to restore from (no good slice copy, no store copy). */
  noSource: 'FW_ERR_BACKUP_NO_SOURCE',
  /** A restore was delivered but the component is not healthy at the expected version. */
  restoreFailed: 'FW_ERR_BACKUP_RESTORE_FAILED',
  /** An image could not be read back through ImageDataURI. */
  imageData: 'FW_ERR_BACKUP_IMAGE_DATA',
} as const;
export type BackupErrorCode = (typeof BackupErrorCode)[keyof typeof BackupErrorCode];

/** A backup-slice failure; the message names the server. */
export class BackupError extends FirmwardenError {
  readonly server: string;
  constructor(code: BackupErrorCode, server: string, message: string, options?: { cause?: unknown }) {
    super(code, `${server}: ${message}`, options);
    this.name = 'BackupError';
    this.server = server;
  }
}

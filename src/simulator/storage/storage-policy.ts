/**
 * How a vendor's BMC handles RAID volumes and the backup slice: the behaviour behind its Storage
 * resources. Each profile fills one; the storage module reads it instead of the vendor name.
 */
import type { ApplyTime } from '../../vocab.ts';

/**
 * How POST on a Volumes collection answers (Volume.v1_10, DSP0266 §12.2):
 * - created: 201 Created + Location of the new volume (DMTF mockups, Supermicro X12);
 * - task: 202 Accepted + a task that creates it (iDRAC 9 job, XCC);
 * - deferred: 202 + a task that stays Pending until the next host reset (iLO 5 Smart Array
 *   configuration is applied by the option ROM at boot);
 * - unsupported: volumes cannot be created over Redfish (bmcweb has no Volumes POST): 405.
 */
export type VolumeCreateStyle = 'created' | 'task' | 'deferred' | 'unsupported';

export interface StoragePolicy {
  volumeCreate: VolumeCreateStyle;
  /** Values of the Volumes collection's @Redfish.OperationApplyTimeSupport; absent: not announced. */
  volumeApplyTimes?: readonly ApplyTime[];
  /**
   * firmwarden's reference slice path (DESIGN.md "Storage"): volumes are accepted as update
   * targets with Stage, the staged image shows as a SoftwareInventory member with ImageDataURI,
   * and SimpleUpdate may name that member as ImageURI. The SimpleUpdate ActionInfo lists each
   * Volumes collection (and each volume) among the allowed Targets to say so.
   */
  slicePath: boolean;
  /** Installed FirmwareInventory members carry ImageDataURI (SoftwareInventory 1.13). */
  imageData: boolean;
  /** /redfish/v1/ComponentIntegrity with SPDM MutableFirmware measurements of BMC and BIOS. */
  componentIntegrity: boolean;
  /** UpdateService Oem.Hpe.InstallSets holds a "System Recovery Set" (iLO 5 2.x). */
  recoverySet?: boolean;
}

/** No volume creation and no slice path: what a BMC without storage management offers. */
export const NO_STORAGE_MANAGEMENT: StoragePolicy = {
  volumeCreate: 'unsupported',
  slicePath: false,
  imageData: false,
  componentIntegrity: false,
};

/**
 * HPE iLO 5/6 driver. Identity: numeric Ids, Oem.Hpe.Targets GUIDs and DeviceClass, the redundant
 * System ROM bank (identity.ts). Update flow: DMTF with iLO's departures, each named where handled:
 * - HttpPushUri is iLO's /cgi-bin/uploadFile form; a .fwpkg goes through the iLO Repository and
 *   the Update Task Queue (upload-file.ts);
 * - an update with no task (that form, and SimpleUpdate before iLO 5 2.30) is followed in
 *   UpdateService Oem.Hpe.State until Complete or Error (flash-state.ts). iLO's own image makes
 *   iLO reset itself after Complete; anything else iLO flashed runs after the next host reset,
 *   also when a task said only Completed (afterTask).
 */
import { generic } from '../generic/index.ts';
import { dmtfIdentity } from '../identity.ts';
import type { VendorDriver } from '../types.ts';
import { clearIloTaskQueue, iloFlashing } from './clear-queue.ts';
import { iloGeneration } from './generation.ts';
import { isHpe, readHpeMember } from './identity.ts';
import { afterIloTask, deliverToIlo, followIlo } from './upload-file.ts';

export const hpe = {
  ...generic,
  vendor: 'hpe',
  matches: isHpe,
  generation: iloGeneration,
  readMember: readHpeMember,
  deliver: deliverToIlo,
  followUntracked: followIlo,
  afterTask: afterIloTask,
  clearJobQueue: clearIloTaskQueue,
  writingOutsideTasks: iloFlashing,
  // fwrepo packages name the devices they flash by DeviceClass and Targets GUIDs (Oem.Hpe).
  catalogIdentity: (c) => {
    const dc = c.identity.hpeDeviceClass;
    if (dc !== undefined) return { key: `dc:${dc}`, text: `DeviceClass ${dc}` };
    const targets = c.identity.hpeTargets;
    if (targets?.length) {
      const sorted = [...targets].sort();
      return { key: `tg:${sorted.join(',')}`, text: `Targets ${sorted.join(', ')}` };
    }
    return dmtfIdentity(c);
  },
  // An fwrepo package names the devices it flashes by Targets GUIDs: a component reporting none
  // cannot be shown to be one of them.
  catalogMatch: { ...generic.catalogMatch, requiresHpeTargets: true },
} satisfies VendorDriver;

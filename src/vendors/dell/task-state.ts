/**
 * iDRAC task states outside DMTF's TaskState list. iDRAC 9 7.x ends a real-time update (NIC/PLDM
 * devices that flash live, CPLD) in TaskState `UserIntervention` at PercentComplete 100: the image
 * is written but runs only after a reset the iDRAC leaves to the user. Messages[0] says which:
 * "reboot" (a host reset activates it) or "virtual A/C cycle" (only a virtual A/C power cycle
 * does; the job-service follow-up reports it). Source: iDRAC-Redfish-Scripting commit 39b5239
 * (Sep 2023, "Add support to handle NIC realtime update") in DeviceFirmwareSimpleUpdateREDFISH.py,
 * DeviceFirmwareMultipartUploadREDFISH.py and FirmwareUpdateLocalRepoREDFISH.py (JobState
 * UserIntervention in Oem.Dell and in the Jobs resource). iDRAC 8 has no such state.
 */
import type { Task } from '../../redfish/models/index.ts';
import type { TaskVerdict } from '../types.ts';

/** The taskState hook: UserIntervention is staged (a reset must activate the image). */
export function dellTaskState(state: string, _task: Task): TaskVerdict | undefined {
  return state === 'UserIntervention' ? 'staged' : undefined;
}

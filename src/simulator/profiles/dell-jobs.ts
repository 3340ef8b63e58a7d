/**
 * iDRAC's Lifecycle Controller job queue, Managers/iDRAC.Embedded.1/Jobs (iDRAC 8 2.40+ and 9):
 * one DellJob per update, named by the JID_ of its Task. The queue outlives the Task: iDRAC
 * deletes finished tasks (within seconds on some releases) while the job keeps its final state,
 * which is why Dell's scripts read Managers/iDRAC.Embedded.1/Jobs/<JID> for the final result
 * (iDRAC-Redfish-Scripting DeviceFirmwareSimpleUpdateREDFISH.py loop_check_final_job_status).
 * The payload follows the DellJob sample in Dell's OpenManage Ansible idrac_firmware docs
 * (#DellJob.v1_0_1.DellJob: JobState, JobType, Message, MessageArgs, MessageId, PercentComplete,
 * StartTime "TIME_NOW", CompletionTime).
 */
import type { Json } from '../resource-tree.ts';
import type { SimTask } from '../tasks/task-service.ts';
import { ROOT } from './common.ts';

export const DELL_JOBS = `${ROOT}/Managers/iDRAC.Embedded.1/Jobs`;

/**
 * Lifecycle Controller message ids by JobState (RED001 "Job completed successfully." as in Dell's
 * sample; the others are the same registry's download/schedule/failure entries).
 */
const MESSAGE_IDS: Record<string, string> = {
  New: 'JCP000',
  Downloading: 'RED003',
  Downloaded: 'RED002',
  Scheduled: 'JCP001',
  Running: 'RED004',
  Completed: 'RED001',
  UserIntervention: 'RED001',
  Failed: 'RED007',
};

/** The DellJob a task's Oem.Dell job view stands for, as GET on the Jobs member answers it. */
export function dellJobBody(task: SimTask): Json {
  const view = task.dell ?? { jobState: 'New', message: 'Task successfully scheduled.' };
  return {
    '@odata.context': `${ROOT}/$metadata#DellJob.DellJob`,
    '@odata.id': `${DELL_JOBS}/${task.id}`,
    '@odata.type': '#DellJob.v1_0_1.DellJob',
    CompletionTime: task.finished ? (task.endTime ?? null) : null,
    Description: 'Job Instance',
    EndTime: 'TIME_NA',
    Id: task.id,
    JobState: view.jobState,
    JobType: 'FirmwareUpdate',
    Message: view.message,
    MessageArgs: [],
    MessageId: MESSAGE_IDS[view.jobState] ?? 'RED004',
    Name: task.name,
    PercentComplete: task.percent,
    StartTime: 'TIME_NOW',
    TargetSettingsURI: null,
  };
}

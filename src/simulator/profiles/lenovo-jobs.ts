/**
 * XCC's JobService jobs behind a firmware update task (XClarity Controller 2). The update task
 * ends `Completed` once the image is downloaded and verified; the flash itself goes on in a
 * JobService job the task names in a message argument, and only that job says when the flash is
 * done: python-redfish-lenovo examples/update_firmware.py (commit 2e5de5f "Added job_monitor
 * functionality", 2024) takes the first task message whose first MessageArg is a ".../Jobs/..." URI
 * and polls it (JobState Pending/Running, then Completed with PercentComplete 100, or Exception /
 * Cancelled) before calling the update done.
 * Which MessageId XCC uses for that message is not public; the simulator sends DMTF's
 * JobEvent.1.0.JobStarted with the job's URI as its argument.
 */
import { renderMessage, type SimMessage } from '../redfish-errors.ts';
import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimTask } from '../tasks/task-service.ts';
import type { FlashJob, UpdateJob } from '../update/update-job.ts';
import { addCollection, link, ROOT } from './common.ts';
import type { BmcBuilder } from './profile.ts';

export const JOB_SERVICE = `${ROOT}/JobService`;
const JOBS = `${JOB_SERVICE}/Jobs`;
const FINAL = new Set(['Completed', 'Exception', 'Cancelled']);

/** JobService and its Jobs collection, linked from the service root. */
export function addJobService(b: BmcBuilder): void {
  b.tree.put(JOB_SERVICE, {
    '@odata.type': '#JobService.v1_0_2.JobService',
    Id: 'JobService',
    Name: 'Job Service',
    ServiceEnabled: true,
    Status: { State: 'Enabled', Health: 'OK' },
    Jobs: link(JOBS),
  });
  addCollection(b, JOBS, 'JobCollection', 'Job Collection');
  b.tree.update(ROOT, (root) => {
    root['JobService'] = link(JOB_SERVICE);
  });
}

/** Ends the update's task (Completed, naming the new job) and carries the flash on in the job. */
export function handOverToJob(host: SimHost, job: UpdateJob): void {
  if (!host.tree.has(JOBS)) return;
  const id = String(host.tree.members(JOBS).length + 1);
  const path = `${JOBS}/${id}`;
  const style = host.profile.messages;
  const messages: SimMessage[] = [];
  const body: Json = {
    '@odata.id': path,
    '@odata.type': '#Job.v1_0_2.Job',
    Id: id,
    Name: `Firmware update ${job.record.image.name}`,
    JobState: 'Pending',
    JobStatus: 'OK',
    PercentComplete: 0,
    StartTime: new Date().toISOString(),
    Messages: [],
  };
  host.tree.addMember(JOBS, path, body);
  const flash: FlashJob = {
    update(change, message) {
      host.tree.update(path, (b) => {
        if (FINAL.has(String(b['JobState']))) return;
        if (message) messages.push(message);
        const state: SimTask['state'] | undefined = change.state;
        if (state === 'Completed') Object.assign(b, { JobState: 'Completed', PercentComplete: 100 });
        else if (state === 'Exception') Object.assign(b, { JobState: 'Exception', JobStatus: 'Critical' });
        else if (message || change.percent !== undefined) b['JobState'] = 'Running';
        if (change.percent !== undefined && state !== 'Completed') b['PercentComplete'] = change.percent;
        if (FINAL.has(String(b['JobState']))) b['EndTime'] = new Date().toISOString();
        b['Messages'] = messages.map((m) => renderMessage(style, m));
      });
    },
  };
  job.flash = flash;
  host.tasks.update(
    job.task,
    { state: 'Completed' },
    {
      MessageId: 'JobEvent.1.0.JobStarted',
      Message: `The job with Id '${path}' has started.`,
      MessageArgs: [path],
      Severity: 'OK',
      Resolution: 'None.',
    },
  );
}

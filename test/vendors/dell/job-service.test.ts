/**
 * The Dell driver's job-queue follow-up on recorded DellJob payloads: JobState verdicts, the job
 * URI a Task URI names, and what afterTask makes of a vanished or staged task.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RedfishHttpError } from '../../../src/errors.ts';
import type { TaskOutcome } from '../../../src/redfish/task-monitor.ts';
import {
  DellJobSchema,
  followJob,
  jobUri,
  jobVerdict,
  needsAcCycle,
} from '../../../src/vendors/dell/job-service.ts';
import type { FlowContext, InstallTarget } from '../../../src/vendors/types.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/vendors/dell/${name}`, import.meta.url), 'utf8'));

const JID = 'JID_844222726048';
const TASK = `/redfish/v1/TaskService/Tasks/${JID}`;
const JOB = `/redfish/v1/Managers/iDRAC.Embedded.1/Jobs/${JID}`;
const TARGET: InstallTarget = {
  uri: '/redfish/v1/UpdateService/FirmwareInventory/Installed-159-1.0__BIOS.Setup.1-1',
  id: 'Installed-159-1.0__BIOS.Setup.1-1',
  name: 'BIOS',
  kind: 'bios',
  from: '1.0',
  to: '1.1',
};

/** A flow context whose client answers GETs from a list of bodies per URI (404 when none left). */
function context(answers: Record<string, unknown[]>) {
  const reads: string[] = [];
  const lines: string[] = [];
  let now = 0;
  const client = {
    async get(uri: string, schema: { parse(v: unknown): unknown }) {
      reads.push(uri);
      const queue = answers[uri] ?? [];
      const body = queue.length > 1 ? queue.shift() : queue[0];
      if (body === undefined) throw new RedfishHttpError({ method: 'GET', uri, status: 404 });
      return schema.parse(body);
    },
  };
  const ctx = {
    client,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    },
    timeouts: { taskMs: 10_000, pollMs: 1_000, bmcRebootMs: 60_000 },
    emit: (step: string) => lines.push(step),
  } as unknown as FlowContext;
  return { ctx, reads, lines };
}

const outcome = (o: TaskOutcome['outcome'], extra: Partial<TaskOutcome> = {}): TaskOutcome => ({
  outcome: o,
  messages: [],
  polls: 3,
  taskUri: TASK,
  ...extra,
});

const job = (JobState: string, Message: string, MessageId = 'RED001') => ({
  ...fixture('job-repository-update-completed.json'),
  JobState,
  Message,
  MessageId,
});

describe('DellJob payloads', () => {
  it('parses the job queue member and the completed sample', () => {
    const member = DellJobSchema.parse(fixture('job-collection-expanded.json').Members[0]);
    expect(member).toMatchObject({ Id: 'RID_878460711202', JobState: 'Running', MessageId: 'RED030' });
    expect(jobVerdict(member)).toBe('running');
    const done = DellJobSchema.parse(fixture('job-repository-update-completed.json'));
    expect(jobVerdict(done)).toBe('completed');
  });

  it.each([
    ['Scheduled', 'staged'],
    ['PendingActivation', 'staged'],
    ['RebootPending', 'staged'],
    ['UserIntervention', 'staged'],
    ['Completed', 'completed'],
    ['RebootCompleted', 'completed'],
    ['Failed', 'failed'],
    ['CompletedWithErrors', 'failed'],
    ['RebootFailed', 'failed'],
    ['Downloading', 'running'],
    ['Unknown', 'running'],
  ])('JobState %s → %s', (state, verdict) => {
    expect(jobVerdict({ Id: JID, JobState: state })).toBe(verdict);
  });

  it('finds the job a Task URI names', () => {
    expect(jobUri(TASK)).toBe(JOB);
    expect(jobUri(`${TASK}/`)).toBe(JOB);
    expect(jobUri('/redfish/v1/TaskService/TaskMonitors/7')).toBeUndefined();
    expect(jobUri(undefined)).toBeUndefined();
  });

  it('tells a virtual A/C cycle from a reboot', () => {
    expect(needsAcCycle({ Message: 'A virtual A/C power cycle is required.' })).toBe(true);
    expect(needsAcCycle({ Message: 'A server reboot is required.' })).toBe(false);
  });
});

describe('afterTask: the job queue after the task', () => {
  it('a vanished task whose job completed: completed, with the job message', async () => {
    const { ctx, reads } = context({ [JOB]: [fixture('job-repository-update-completed.json')] });
    const after = await followJob(ctx, outcome('gone'), TARGET);
    expect(after).toMatchObject({ outcome: 'completed', state: 'Completed', percent: 100 });
    expect(after.messages.at(-1)).toEqual({ id: 'RED001', text: 'Job completed successfully.' });
    expect(reads).toEqual([JOB]);
  });

  it('a vanished task whose job still runs is followed to its end', async () => {
    const { ctx, reads } = context({
      [JOB]: [
        job('Running', 'Installing.', 'RED004'),
        job('Failed', 'Unable to apply the update.', 'RED007'),
      ],
    });
    const after = await followJob(ctx, outcome('gone'), TARGET);
    expect(after.outcome).toBe('failed');
    expect(after.messages.at(-1)?.text).toBe('Unable to apply the update.');
    expect(reads).toHaveLength(2);
  });

  it('falls back to the DMTF JobService where the Manager has no job queue (iDRAC 10)', async () => {
    const dmtf = `/redfish/v1/JobService/Jobs/${JID}`;
    const { ctx, reads } = context({ [dmtf]: [fixture('job-repository-update-completed.json')] });
    expect((await followJob(ctx, outcome('gone'), TARGET)).outcome).toBe('completed');
    expect(reads).toEqual([JOB, dmtf]);
  });

  it('a vanished task with no job left: the inventory decides (gone)', async () => {
    const { ctx } = context({});
    expect((await followJob(ctx, outcome('gone'), TARGET)).outcome).toBe('gone');
  });

  it('a staged task whose job failed fails; a Scheduled one stays staged', async () => {
    const failed = context({ [JOB]: [job('Failed', 'Job failed.', 'RED007')] });
    expect((await followJob(failed.ctx, outcome('staged'), TARGET)).outcome).toBe('failed');
    const scheduled = context({ [JOB]: [job('Scheduled', 'Task successfully scheduled.', 'JCP001')] });
    expect((await followJob(scheduled.ctx, outcome('staged'), TARGET)).outcome).toBe('staged');
  });

  it('says so when the image waits for a virtual A/C cycle', async () => {
    const { ctx, lines } = context({
      [JOB]: [job('UserIntervention', 'A virtual A/C power cycle is required for the new firmware.')],
    });
    expect((await followJob(ctx, outcome('staged'), TARGET)).outcome).toBe('staged');
    expect(lines.join('\n')).toMatch(/virtual A\/C power cycle.*ExtendedReset/);
  });

  it('leaves completed and failed tasks, and tasks that name no job, alone', async () => {
    const { ctx, reads } = context({ [JOB]: [job('Failed', 'x')] });
    expect((await followJob(ctx, outcome('completed'), TARGET)).outcome).toBe('completed');
    expect(
      (await followJob(ctx, outcome('gone', { taskUri: '/redfish/v1/TaskService/TaskMonitors/1' }), TARGET))
        .outcome,
    ).toBe('gone');
    expect(reads).toEqual([]);
  });
});

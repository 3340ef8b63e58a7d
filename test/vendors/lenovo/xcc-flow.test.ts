import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TaskSchema } from '../../../src/redfish/models/index.ts';
import type { TaskProgress } from '../../../src/redfish/task-monitor.ts';
import { lenovo, type VendorDriver } from '../../../src/vendors/index.ts';
import { jobOfTask, jobVerdict, XccJobSchema } from '../../../src/vendors/lenovo/job-service.ts';

const task = TaskSchema.parse(
  JSON.parse(readFileSync(new URL('../../fixtures/vendors/lenovo/task.1.json', import.meta.url), 'utf8')),
);

describe('XCC task states', () => {
  const driver: VendorDriver = lenovo;
  it.each(['Verifying', 'Downloading', 'Downloading 45%', 'Update in progress'])(
    '%s is progress',
    (state) => {
      expect(driver.taskState?.(state, task)).toBe('active');
    },
  );

  it.each(['Completed', 'Running', 'Exception', 'Verified', 'Flashing'])(
    '%s is left to DMTF (unknown stays unknown)',
    (state) => {
      expect(driver.taskState?.(state, task)).toBeUndefined();
    },
  );
});

describe('the JobService job a finished task names', () => {
  it('none in an XCC task that names no job (bmclib fixture): the task outcome stands', () => {
    const progress: TaskProgress = {
      messages: (task.Messages ?? []).map((m) => ({
        id: String(m.MessageId),
        ...(m.Message ? { text: m.Message } : {}),
      })),
    };
    expect(jobOfTask(progress)).toBeUndefined();
  });

  it('the first message whose first argument is a Jobs URI (python-redfish-lenovo task_monitor)', () => {
    const progress: TaskProgress = {
      messages: [
        { id: 'TaskStarted', args: ['e809efa4-0e8f-48fc-86d9-6d4c5b0d2da0'] },
        { id: 'JobStarted', args: ['/redfish/v1/JobService/Jobs/7'] },
        { id: 'JobStarted', args: ['/redfish/v1/JobService/Jobs/8'] },
      ],
    };
    expect(jobOfTask(progress)).toBe('/redfish/v1/JobService/Jobs/7');
  });

  it('an absolute Jobs URI counts; text mentioning Jobs does not', () => {
    const msg = (arg: string) => ({ messages: [{ id: 'JobStarted', args: [arg] }] });
    expect(jobOfTask(msg('https://10.0.0.5/redfish/v1/JobService/Jobs/2'))).toBe(
      'https://10.0.0.5/redfish/v1/JobService/Jobs/2',
    );
    expect(jobOfTask(msg('Jobs are queued'))).toBeUndefined();
  });
});

describe('how a job ends (job_monitor: Completed at 100 % is success)', () => {
  // Written from DMTF Job.v1_0 and python-redfish-lenovo's job_monitor, not recorded from an XCC.
  const job = (extra: Record<string, unknown>) => XccJobSchema.parse({ JobState: 'Running', ...extra });

  it('running states are not an end', () => {
    expect(jobVerdict(job({ JobState: 'Pending' }))).toBeUndefined();
    expect(jobVerdict(job({ JobState: 'Running', PercentComplete: 60 }))).toBeUndefined();
  });

  it('Completed at 100 % is done; Completed short of 100 % is a failed flash', () => {
    expect(jobVerdict(job({ JobState: 'Completed', PercentComplete: 100 }))).toBe('completed');
    expect(jobVerdict(job({ JobState: 'Completed', PercentComplete: 80 }))).toBe('failed');
  });

  it('Exception and Cancelled fail; an image awaiting a reset is staged', () => {
    expect(jobVerdict(job({ JobState: 'Exception' }))).toBe('failed');
    expect(jobVerdict(job({ JobState: 'Cancelled' }))).toBe('failed');
    const staged = job({
      JobState: 'Completed',
      PercentComplete: 100,
      Messages: [{ MessageId: 'Update.1.0.AwaitToActivate', MessageArgs: ['x', 'y'] }],
    });
    expect(jobVerdict(staged)).toBe('staged');
  });

  it('a JobState nobody defines is an error naming it', () => {
    expect(() => jobVerdict(job({ JobState: 'Flashing' }))).toThrow(/unknown JobState "Flashing"/);
  });
});

/**
 * Following an XCC JobService job with a scripted BMC and a fake clock: deadlines, a BMC away
 * restarting, a job that vanishes, progress. Job bodies are written from DMTF Job.v1_0 and
 * python-redfish-lenovo's job_monitor, not recorded from an XCC.
 */
import { describe, expect, it } from 'vitest';
import { RedfishConnectionError, RedfishHttpError } from '../../../src/errors.ts';
import type { TaskOutcome } from '../../../src/redfish/task-monitor.ts';
import { followJob } from '../../../src/vendors/lenovo/job-service.ts';
import type { FlowContext } from '../../../src/vendors/types.ts';

type Step = Record<string, unknown> | Error;
const JOB = '/redfish/v1/JobService/Jobs/3';
const task: TaskOutcome = { outcome: 'completed', state: 'Completed', messages: [], polls: 4 };

function scripted(steps: Step[], timeouts = { taskMs: 10_000, pollMs: 1_000, bmcRebootMs: 5_000 }) {
  let now = 0;
  const events: Array<{ step: string; percent?: number }> = [];
  const asked: string[] = [];
  const ctx = {
    client: {
      transport: { origin: 'https://bmc' },
      request: async (_m: string, uri: string) => {
        asked.push(uri);
        const step = steps.length > 1 ? steps.shift() : steps[0];
        if (step instanceof Error) throw step;
        return { status: 200, headers: {}, body: { '@odata.id': JOB, ...step }, uri };
      },
    },
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    },
    timeouts,
    emit: (step: string, extra?: { percent?: number }) => events.push({ step, ...extra }),
  } as unknown as FlowContext;
  return { ctx, events, asked, now: () => now };
}

describe('followJob', () => {
  it('polls an absolute job URI by its path until Completed at 100 %, emitting each change', async () => {
    const s = scripted([
      { JobState: 'Pending', PercentComplete: 0 },
      { JobState: 'Running', PercentComplete: 40 },
      { JobState: 'Running', PercentComplete: 40 },
      { JobState: 'Completed', PercentComplete: 100 },
    ]);
    const out = await followJob(s.ctx, `https://bmc${JOB}`, task);
    expect(out).toMatchObject({
      outcome: 'completed',
      state: 'Completed',
      percent: 100,
      taskUri: JOB,
      polls: 8,
    });
    expect(s.asked.every((u) => u === JOB)).toBe(true);
    expect(s.events.map((e) => [e.step, e.percent])).toEqual([
      [`task done; following the flash in ${JOB}`, undefined],
      ['job Pending', 0],
      ['job Running', 40],
      ['job Completed', 100],
    ]);
  });

  it("an Exception keeps the job's messages for the report", async () => {
    const s = scripted([
      {
        JobState: 'Exception',
        JobStatus: 'Critical',
        Messages: [{ MessageId: 'Update.1.0.ApplyFailed', Message: 'Installation of image failed.' }],
      },
    ]);
    const out = await followJob(s.ctx, JOB, task);
    expect(out.outcome).toBe('failed');
    expect(out.messages).toEqual([{ id: 'ApplyFailed', text: 'Installation of image failed.' }]);
  });

  it('gives up after the task deadline with FW_ERR_TASK_TIMEOUT naming the last state', async () => {
    const s = scripted([{ JobState: 'Running', PercentComplete: 10 }]);
    await expect(followJob(s.ctx, JOB, task)).rejects.toMatchObject({
      code: 'FW_ERR_TASK_TIMEOUT',
      message: expect.stringMatching(/Jobs\/3.*last: Running 10/),
    });
    expect(s.now()).toBeGreaterThan(10_000);
    expect(s.now()).toBeLessThan(12_500);
  });

  it('waits out a BMC that is away (refused, then 503) within the reboot allowance', async () => {
    const refused = new RedfishConnectionError('FW_ERR_CONNECTION_REFUSED', 'GET', JOB, 'ECONNREFUSED');
    const busy = new RedfishHttpError({ method: 'GET', uri: JOB, status: 503 });
    const s = scripted([refused, refused, busy, { JobState: 'Completed', PercentComplete: 100 }]);
    expect((await followJob(s.ctx, JOB, task)).outcome).toBe('completed');
  });

  it('a BMC away longer than the allowance is FW_ERR_BMC_UNREACHABLE', async () => {
    const refused = new RedfishConnectionError('FW_ERR_CONNECTION_REFUSED', 'GET', JOB, 'ECONNREFUSED');
    const s = scripted([refused]);
    await expect(followJob(s.ctx, JOB, task)).rejects.toMatchObject({ code: 'FW_ERR_BMC_UNREACHABLE' });
  });

  it('a job that is gone leaves the verdict to the inventory', async () => {
    const s = scripted([new RedfishHttpError({ method: 'GET', uri: JOB, status: 404 })]);
    expect((await followJob(s.ctx, JOB, task)).outcome).toBe('gone');
  });
});

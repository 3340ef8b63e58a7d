/**
 * The simulator's XCC 2 on the wire: the update task goes Downloading → Verifying → Completed with
 * a message naming a JobService job; the job (Pending/Running → Completed at 100 %) does the flash.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedBmc } from '../../../src/simulator/index.ts';
import { type Caller, createCaller } from '../../simulator/helpers.ts';
import { pushBios, Session } from '../../simulator/update-helpers.ts';

let caller: Caller;
beforeAll(() => {
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
});

/** Polls `uri` every 20 ms until `field` is final; the distinct values seen, in order. */
async function watch(
  s: Session,
  uri: string,
  field: string,
): Promise<{ seen: string[]; last: Record<string, unknown> }> {
  const seen: string[] = [];
  for (let i = 0; i < 500; i++) {
    const body = (await s.call(uri)).json;
    const v = String(body[field]);
    if (seen.at(-1) !== v) seen.push(v);
    if (['Completed', 'Exception', 'Cancelled'].includes(v)) return { seen, last: body };
    await sleep(20);
  }
  throw new Error(`${uri} never ended (${seen.join(' → ')})`);
}

describe('simulated XCC 2', () => {
  it('task in XCC states, then the JobService job carries the flash', async () => {
    const timing = { transferMs: 200, verifyMs: 200, installMs: 300 };
    const bmc = await startSimulatedBmc({
      vendor: 'lenovo',
      tls: false,
      seed: 3,
      generation: 'xcc2',
      timing,
    });
    try {
      const s = new Session(caller, bmc);
      await s.login();
      const r = await pushBios(s);
      expect(r.status).toBe(202);
      const taskUri = r.json['@odata.id'] as string;
      expect(taskUri).toMatch(/\/TaskService\/Tasks\/[0-9a-f-]{36}$/);
      const task = await watch(s, taskUri, 'TaskState');
      expect(task.seen).toEqual(expect.arrayContaining(['Downloading', 'Verifying', 'Completed']));
      expect(task.seen).not.toContain('Running');
      const messages = task.last['Messages'] as Array<{ MessageArgs: string[] }>;
      const jobUri = messages
        .map((m) => m.MessageArgs[0])
        .find((a) => a?.includes('/JobService/Jobs/')) as string;
      expect(jobUri).toBe('/redfish/v1/JobService/Jobs/1');
      const job = await watch(s, jobUri, 'JobState');
      expect(job.seen).toContain('Running');
      expect(job.last).toMatchObject({ JobState: 'Completed', PercentComplete: 100 });
      expect((await s.call('/redfish/v1')).json.JobService).toEqual({
        '@odata.id': '/redfish/v1/JobService',
      });
    } finally {
      await bmc.close();
    }
  });
});

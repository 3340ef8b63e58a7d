/**
 * The simulator's Supermicro generations on the wire: X11's 202 without Location naming its task
 * only in the body; X12's verify task that ends Completed without flashing, and StartUpdate's 202
 * with the task that does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimBmc, startSimulatedBmc } from '../../../src/simulator/index.ts';
import { type Caller, createCaller } from '../../simulator/helpers.ts';
import { pushBios, Session, versions, waitFor } from '../../simulator/update-helpers.ts';

let caller: Caller;
beforeAll(() => {
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
});

async function own(generation: string): Promise<{ bmc: SimBmc; s: Session }> {
  const bmc = await startSimulatedBmc({ vendor: 'supermicro', tls: false, seed: 7, generation });
  const s = new Session(caller, bmc);
  await s.login();
  return { bmc, s };
}

const done = (state: unknown) => state === 'Completed' || state === 'Exception';

describe('simulated Supermicro generations', () => {
  it('x11: 202 without Location; the Accepted body names an existing task', async () => {
    const { bmc, s } = await own('x11');
    try {
      const r = await pushBios(s);
      expect(r.status).toBe(202);
      expect(r.headers.get('location')).toBeNull();
      const task = r.json.Accepted['@Message.ExtendedInfo'][0].MessageArgs[0] as string;
      expect(task).toMatch(/^\/redfish\/v1\/TaskService\/Tasks\/\d+$/);
      const end = await waitFor('the task to end', async () => {
        const t = (await s.call(task)).json;
        return done(t.TaskState) && t;
      });
      expect(end.TaskState).toBe('Completed');
    } finally {
      await bmc.close();
    }
  });

  it('x12: the upload is only verified; StartUpdate answers 202 with the "BIOS Update" task that flashes', async () => {
    const { bmc, s } = await own('x12');
    try {
      const before = await versions(s);
      const r = await pushBios(s, { Targets: ['/redfish/v1/Systems/1/Bios'] });
      const verifyUri = r.json.Accepted['@Message.ExtendedInfo'][0].MessageArgs[0] as string;
      const verify = await waitFor('the verify task to end', async () => {
        const t = (await s.call(verifyUri)).json;
        return done(t.TaskState) && t;
      });
      expect([verify.Name, verify.TaskState, verify.TaskStatus]).toEqual(['BIOS Verify', 'Completed', 'OK']);
      expect(await versions(s)).toEqual(before);
      const started = await s.call('/redfish/v1/UpdateService/Actions/UpdateService.StartUpdate', {
        method: 'POST',
        body: {},
      });
      expect(started.status).toBe(202);
      const updateUri = started.json.Accepted['@Message.ExtendedInfo'][0].MessageArgs[0] as string;
      expect(updateUri).not.toBe(verifyUri);
      const update = await waitFor('the update task to end', async () => {
        const t = (await s.call(updateUri)).json;
        return done(t.TaskState) && t;
      });
      expect([update.Name, update.TaskState]).toEqual(['BIOS Update', 'Completed']);
      expect(await versions(s)).not.toEqual(before);
    } finally {
      await bmc.close();
    }
  });

  it('an unknown generation is refused naming the known ones', async () => {
    await expect(startSimulatedBmc({ vendor: 'supermicro', tls: false, generation: 'x9' })).rejects.toThrow(
      /unknown supermicro generation "x9"; expected one of x11, x12/,
    );
  });
});

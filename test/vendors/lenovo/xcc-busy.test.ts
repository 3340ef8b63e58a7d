/**
 * XCC 2 ends its update task before the flash, which goes on in a JobService job: the busy check
 * that guards every reset (executor/bmc-busy.ts) must see that job, not only the task list.
 * Against the simulated XCC 2 over loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../../src/deps.ts';
import { assertNotWriting, bmcWriting, writingTasks } from '../../../src/executor/bmc-busy.ts';
import { RedfishClient } from '../../../src/redfish/client.ts';
import { startSimulatedBmc } from '../../../src/simulator/index.ts';
import { lenovo } from '../../../src/vendors/lenovo/index.ts';
import type { ActionContext } from '../../../src/vendors/types.ts';
import { captureLogger } from '../../helpers/capture-logger.ts';
import { type Caller, createCaller } from '../../simulator/helpers.ts';
import { pushBios, Session, waitFor } from '../../simulator/update-helpers.ts';

const deps = defaultDeps({ logger: captureLogger('error').logger });
let caller: Caller;
beforeAll(() => {
  caller = createCaller();
});
afterAll(() => caller.close());

describe('XCC 2 busy check', () => {
  it('a flash carried on in a JobService job after the task completed counts as writing', async () => {
    // A long flash: the job stays Pending/Running for seconds after the task ended.
    const bmc = await startSimulatedBmc({
      vendor: 'lenovo',
      tls: false,
      seed: 5,
      generation: 'xcc2',
      timing: { transferMs: 50, verifyMs: 50, installMs: 5_000 },
    });
    const client = new RedfishClient(
      { url: bmc.url, allowHttp: true, credentials: { username: bmc.username, password: bmc.password } },
      deps,
    );
    try {
      const s = new Session(caller, bmc);
      await s.login();
      const r = await pushBios(s);
      expect(r.status).toBe(202);
      const taskUri = r.json['@odata.id'] as string;
      await waitFor(
        'the task to complete',
        async () => (await s.call(taskUri)).json['TaskState'] === 'Completed',
      );
      const ctx: ActionContext = { client, clock: deps.clock };
      // The task list says idle...
      expect(await writingTasks(client, lenovo)).toEqual([]);
      // ...the job does not.
      expect(await bmcWriting(ctx, lenovo)).toMatch(
        /^JobService job \/redfish\/v1\/JobService\/Jobs\/1 is (Pending|Running)/,
      );
      await expect(assertNotWriting('xcc-1', ctx, lenovo)).rejects.toMatchObject({ code: 'FW_ERR_BMC_BUSY' });
      await waitFor(
        'the flash to end',
        async () => (await s.call('/redfish/v1/JobService/Jobs/1')).json['JobState'] === 'Completed',
        15_000,
      );
      expect(await bmcWriting(ctx, lenovo)).toBeUndefined();
    } finally {
      await client.close();
      await bmc.close();
    }
  }, 30_000);
});

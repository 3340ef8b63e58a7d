/**
 * Clearing iDRAC's job queue (src/vendors/dell/job-queue.ts) against the simulated iDRAC 9 over
 * loopback: DellJobService.DeleteJobQueue JID_CLEARALL empties the Jobs collection, a scheduled
 * update no longer runs at the next host reset, and a job still running is kept while the rest go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../../src/deps.ts';
import { RedfishClient } from '../../../src/redfish/client.ts';
import { type SimBmc, startSimulatedBmc } from '../../../src/simulator/index.ts';
import { dell } from '../../../src/vendors/dell/index.ts';
import type { ActionContext } from '../../../src/vendors/types.ts';
import { captureLogger } from '../../helpers/capture-logger.ts';
import { type Caller, createCaller } from '../../simulator/helpers.ts';
import { pushBios, resetHost, Session, waitFor, waitPower } from '../../simulator/update-helpers.ts';

const JOBS = '/redfish/v1/Managers/iDRAC.Embedded.1/Jobs';
const deps = defaultDeps({ logger: captureLogger('error').logger });
let caller: Caller;

beforeAll(() => {
  caller = createCaller();
});
afterAll(() => caller.close());

async function idrac(seed: number) {
  const bmc = await startSimulatedBmc({ vendor: 'dell', tls: false, seed });
  const s = new Session(caller, bmc);
  await s.login();
  const client = new RedfishClient(
    { url: bmc.url, allowHttp: true, credentials: { username: bmc.username, password: bmc.password } },
    deps,
  );
  const ctx: ActionContext = { client, clock: deps.clock };
  const jobs = async () =>
    ((await s.call(JOBS)).json.Members as Array<{ '@odata.id': string }>).map((m) => m['@odata.id']);
  const close = async () => {
    await client.close();
    await bmc.close();
  };
  return { bmc, s, ctx, jobs, close };
}

/** Pushes a BIOS image and waits until iDRAC holds its job Scheduled for the next host reset. */
async function scheduled(bmc: SimBmc, s: Session): Promise<void> {
  expect((await pushBios(s)).status).toBe(202);
  await waitFor('the job to be scheduled', () => bmc.updateHistory.at(-1)?.outcome === 'staged');
}

describe('iDRAC job queue', () => {
  it('JID_CLEARALL empties the queue; the scheduled update does not run at the next host reset', async () => {
    const t = await idrac(31);
    try {
      await scheduled(t.bmc, t.s);
      // A failed job left in the queue too.
      t.bmc.setUpdateFaults({ nextUpdateOnly: { verificationFailed: true } });
      expect((await pushBios(t.s)).status).toBe(202);
      await waitFor('the job to fail', () => t.bmc.updateHistory.at(-1)?.outcome === 'failed');
      const before = await t.jobs();
      expect(before).toHaveLength(2);

      const cleared = await dell.clearJobQueue?.(t.ctx);
      expect(cleared).toMatchObject({ how: 'DellJobService.DeleteJobQueue JID_CLEARALL', kept: [] });
      expect(cleared?.removed.map((id) => `${JOBS}/${id}`).sort()).toEqual([...before].sort());
      expect(await t.jobs()).toEqual([]);
      expect((await t.s.call('/redfish/v1/TaskService/Tasks')).json.Members).toEqual([]);

      const bios = t.bmc.updateHistory[0];
      expect(bios?.outcome).toBe('cancelled');
      expect((await resetHost(t.s, 'ForceRestart')).status).toBeLessThan(300);
      await waitPower(t.s, 'On');
      expect(t.bmc.updateHistory[0]?.outcome).toBe('cancelled');
    } finally {
      await t.close();
    }
  });

  it('keeps a job still running and deletes the others one by one', async () => {
    const t = await idrac(32);
    try {
      await scheduled(t.bmc, t.s);
      t.bmc.setUpdateFaults({ nextUpdateOnly: { taskStuck: true } });
      expect((await pushBios(t.s, { '@Redfish.OperationApplyTime': 'Immediate' })).status).toBe(202);
      await waitFor('the job to run', () => t.bmc.updateHistory.at(-1)?.outcome === 'running');
      const running = t.bmc.updateHistory.at(-1)?.taskId as string;

      const cleared = await dell.clearJobQueue?.(t.ctx);
      expect(cleared?.how).toMatch(/per job/);
      expect(cleared?.kept).toEqual([running]);
      expect(cleared?.removed).toEqual([t.bmc.updateHistory[0]?.taskId]);
      expect(await t.jobs()).toEqual([`${JOBS}/${running}`]);
    } finally {
      await t.close();
    }
  });
});

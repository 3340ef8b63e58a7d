/**
 * Clearing iLO's Update Task Queue (src/vendors/hpe/clear-queue.ts) against the simulated iLO 5
 * over loopback: a Complete item, one in Exception (which stalls the queue) and one Pending for an
 * agent that never comes are all deleted, leaving the queue empty; an item InProgress is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../../src/deps.ts';
import { RedfishClient } from '../../../src/redfish/client.ts';
import { startSimulatedBmc } from '../../../src/simulator/index.ts';
import { hpe } from '../../../src/vendors/hpe/index.ts';
import type { ActionContext } from '../../../src/vendors/types.ts';
import { captureLogger } from '../../helpers/capture-logger.ts';
import { type Body, type Caller, createCaller } from '../../simulator/helpers.ts';
import { Session, waitFor } from '../../simulator/update-helpers.ts';

const QUEUE = '/redfish/v1/UpdateService/UpdateTaskQueue';
const deps = defaultDeps({ logger: captureLogger('error').logger });
let caller: Caller;

beforeAll(() => {
  caller = createCaller();
});
afterAll(() => caller.close());

async function ilo(seed: number) {
  const bmc = await startSimulatedBmc({ vendor: 'hpe', tls: false, seed });
  const s = new Session(caller, bmc);
  await s.login();
  const client = new RedfishClient(
    { url: bmc.url, allowHttp: true, credentials: { username: bmc.username, password: bmc.password } },
    deps,
  );
  const ctx: ActionContext = { client, clock: deps.clock };
  const repo = (await s.call('/redfish/v1/UpdateService/ComponentRepository/')).json.Members as Body[];
  const packages = await Promise.all(repo.map(async (m) => (await s.call(m['@odata.id'])).json));
  // A System ROM package: iLO flashes it without resetting itself (it runs after the host reset).
  const rom = packages.find((p) => p.Activates === 'AfterReboot')?.Filename as string;
  const items = async () =>
    ((await s.call(QUEUE)).json.Members as Body[]).map((m) => m['@odata.id'] as string);
  const state = async (uri: string) => (await s.call(uri)).json.State as string;
  let n = 0;
  const enqueue = async (agents: string[] = ['Bmc']) => {
    const r = await s.call(QUEUE, {
      method: 'POST',
      body: { Name: `clear-test-${++n}`, Filename: rom, Command: 'ApplyUpdate', UpdatableBy: agents },
    });
    expect(r.status).toBe(201);
    return r.json['@odata.id'] as string;
  };
  const close = async () => {
    await client.close();
    await bmc.close();
  };
  return { bmc, ctx, items, state, enqueue, close };
}

describe("iLO's Update Task Queue", () => {
  it('deletes Complete, Exception and stalled Pending items: the queue is empty', async () => {
    const t = await ilo(41);
    try {
      const done = await t.enqueue();
      await waitFor('the item to complete', async () => (await t.state(done)) === 'Complete');
      t.bmc.setUpdateFaults({ nextUpdateOnly: { applyFailed: true } });
      const failed = await t.enqueue();
      await waitFor('the item to fail', async () => (await t.state(failed)) === 'Exception');
      // An item for the host's UEFI agent waits for a boot nothing here plays: Pending forever.
      const waiting = await t.enqueue(['Uefi']);
      expect(await t.state(waiting)).toBe('Pending');
      expect(await t.items()).toHaveLength(3);

      const cleared = await hpe.clearJobQueue?.(t.ctx);
      expect(cleared?.kept).toEqual([]);
      expect(cleared?.removed).toHaveLength(3);
      expect(await t.items()).toEqual([]);
      expect(await hpe.writingOutsideTasks?.(t.ctx)).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('keeps an item InProgress: a flash under way is never cut short', async () => {
    const t = await ilo(42);
    try {
      const done = await t.enqueue();
      await waitFor('the item to complete', async () => (await t.state(done)) === 'Complete');
      t.bmc.setUpdateFaults({ nextUpdateOnly: { taskStuck: true } });
      const flashing = await t.enqueue();
      await waitFor('the item to run', async () => (await t.state(flashing)) === 'InProgress');

      const cleared = await hpe.clearJobQueue?.(t.ctx);
      expect(cleared?.kept).toEqual([flashing]);
      expect(cleared?.removed).toEqual([done]);
      expect(await t.items()).toEqual([flashing]);
      // What a reset check sees besides Tasks: iLO says it is flashing.
      expect(await hpe.writingOutsideTasks?.(t.ctx)).toMatch(/^UpdateService Oem\.Hpe\.State is \w+/);
    } finally {
      await t.close();
    }
  });
});

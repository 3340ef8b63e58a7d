/**
 * What counts as "the BMC is still writing" before a reset (src/executor/bmc-busy.ts): DMTF running
 * states; not Pending (an image staged for the very reset asked for); a family's own states as its
 * driver reads them, and a state nobody knows counts as writing. HTTP mocked with nock.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bmcWriting, writingTasks } from '../../src/executor/bmc-busy.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { dell } from '../../src/vendors/dell/index.ts';
import { generic } from '../../src/vendors/generic/index.ts';
import { lenovo } from '../../src/vendors/lenovo/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const BMC = 'https://bmc-busy.example.test';
const TASKS = '/redfish/v1/TaskService/Tasks';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function serve(states: string[]) {
  const scope = nock(BMC)
    .get('/redfish/v1/')
    .reply(200, {
      '@odata.id': '/redfish/v1/',
      Id: 'RootService',
      Tasks: { '@odata.id': '/redfish/v1/TaskService' },
    })
    .get(TASKS)
    .reply(200, { '@odata.id': TASKS, Members: states.map((_, i) => ({ '@odata.id': `${TASKS}/${i}` })) });
  states.forEach((TaskState, i) => {
    scope.get(`${TASKS}/${i}`).reply(200, { '@odata.id': `${TASKS}/${i}`, Id: String(i), TaskState });
  });
  const clock = fakeClock();
  const client = new RedfishClient(
    { url: BMC, retry: { attempts: 1 } },
    { clock, logger: captureLogger().logger },
  );
  return { client, clock };
}

describe('the BMC is still writing', () => {
  it.each([
    ['a Running task', ['Completed', 'Running'], generic, /task .*\/1 is Running/],
    ['a Pending (staged) task only', ['Pending', 'Completed'], generic, undefined],
    ["XCC's Downloading, read as active by its driver", ['Downloading'], lenovo, /is Downloading/],
    ["iDRAC's UserIntervention: done, waiting for a reset", ['UserIntervention'], dell, undefined],
    ['a state no driver knows', ['Flashing'], generic, /is Flashing/],
  ])('%s', async (_name, states, driver, expected) => {
    const { client, clock } = serve(states);
    const what = await bmcWriting({ client, clock }, driver);
    if (expected === undefined) expect(what).toBeUndefined();
    else expect(what).toMatch(expected);
  });

  it('without a driver (resume waits on it) only the DMTF running states count', async () => {
    const { client } = serve(['Flashing', 'Starting']);
    expect((await writingTasks(client)).map((t) => t.TaskState)).toEqual(['Starting']);
  });
});

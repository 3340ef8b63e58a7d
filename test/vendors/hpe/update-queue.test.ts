/**
 * iLO's Update Task Queue (src/vendors/hpe/update-queue.ts) against HPE's documented queue item
 * (test/fixtures/vendors/hpe/update-task-queue-item.json) on a fake clock: hex item Ids, the item
 * followed by its State, and a queue stalled by an item in Exception refused before queueing.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient } from '../../../src/redfish/client.ts';
import { assertQueueFlows, enqueue, followQueueItem } from '../../../src/vendors/hpe/update-queue.ts';
import { captureLogger } from '../../helpers/capture-logger.ts';
import { fakeClock } from '../../helpers/fake-clock.ts';

const ILO = 'https://ilo-queue2.example.test';
const QUEUE = '/redfish/v1/UpdateService/UpdateTaskQueue';
const DOC = JSON.parse(
  readFileSync(new URL('../../fixtures/vendors/hpe/update-task-queue-item.json', import.meta.url), 'utf8'),
);
const ITEM = DOC['@odata.id'] as string;
const LIMITS = { timeoutMs: 60_000, pollMs: 1_000, unreachableMs: 20_000 };
const at = (State: string, extra: Record<string, unknown> = {}) => ({ ...DOC, State, ...extra });

function setup() {
  const clock = fakeClock();
  const client = new RedfishClient(
    { url: ILO, retry: { attempts: 1 } },
    { clock, logger: captureLogger().logger },
  );
  return { clock, client };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Update Task Queue', () => {
  it('enqueue posts ApplyUpdate for iLO ("Bmc") and takes the item from the 201 body', async () => {
    let sent: unknown;
    nock(ILO)
      .post(QUEUE, (b) => {
        sent = b;
        return true;
      })
      .reply(201, DOC);
    const { client } = setup();
    expect(await enqueue(client, QUEUE, { name: 'MyTask', filename: DOC.Filename })).toBe(ITEM);
    expect(sent).toEqual({
      Name: 'MyTask',
      Filename: DOC.Filename,
      Command: 'ApplyUpdate',
      UpdatableBy: ['Bmc'],
    });
  });

  it('follows the documented item Pending → InProgress → Complete', async () => {
    nock(ILO)
      .get(ITEM)
      .reply(200, at('Pending'))
      .get(ITEM)
      .reply(200, at('InProgress'))
      .get(ITEM)
      .reply(200, at('Complete'));
    const { client, clock } = setup();
    const seen: string[] = [];
    expect(
      await followQueueItem(client, ITEM, { afterReboot: true }, clock, LIMITS, (s) => seen.push(s)),
    ).toBe('staged');
    expect(seen).toEqual(['Pending', 'InProgress', 'Complete']);
  });

  it('Exception ends it with iLO’s MessageId', async () => {
    nock(ILO)
      .get(ITEM)
      .reply(200, at('Exception', { Result: { MessageId: 'iLO.2.25.UpdateFailed' } }));
    const { client, clock } = setup();
    await expect(followQueueItem(client, ITEM, { afterReboot: false }, clock, LIMITS)).rejects.toMatchObject({
      taskState: 'Exception',
      messages: [{ MessageId: 'iLO.2.25.UpdateFailed' }],
    });
  });

  it('a queue stalled by an Exception item is refused, naming it; a flowing one is not', async () => {
    nock(ILO)
      .get('/redfish/v1/')
      .times(2)
      .reply(200, { '@odata.id': '/redfish/v1/', Id: 'RootService', Name: 'HPE RESTful Root Service' })
      .get(QUEUE)
      .reply(200, { Members: [{ '@odata.id': ITEM }], 'Members@odata.count': 1 })
      .get(ITEM)
      .reply(200, at('Exception', { Result: { MessageId: 'iLO.2.25.UpdateFailed' } }))
      .get(QUEUE)
      .reply(200, { Members: [{ '@odata.id': ITEM }], 'Members@odata.count': 1 })
      .get(ITEM)
      .reply(200, at('Complete'));
    const { client } = setup();
    await expect(assertQueueFlows(client, QUEUE)).rejects.toThrow(
      /stalled by "MyTask" in Exception \(iLO\.2\.25\.UpdateFailed\)/,
    );
    await expect(assertQueueFlows(client, QUEUE)).resolves.toBeUndefined();
  });
});

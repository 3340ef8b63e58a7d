/**
 * Following an iLO Update Task Queue item (recovery-set.ts) against answers the simulator does not
 * give: a body without State, an item that never ends, iLO gone for good; and how a component
 * finds its package in the recovery set. The happy paths run against the simulator in
 * rollback-fallback.test.ts.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { followQueueItem, packageFor, type RecoverySet } from '../../src/backup/recovery-set.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const ILO = 'https://ilo-queue.example.test';
const ITEM = '/redfish/v1/UpdateService/UpdateTaskQueue/3/';
const ROM = {
  name: 'System ROM',
  filename: 'U30_2.76_02_09_2023.fwpkg',
  version: 'U30 v2.76 (02/09/2023)',
  targets: ['00000000-0000-0000-0000-000000000205'],
  afterReboot: true,
};
const ILO5 = {
  ...ROM,
  name: 'iLO 5',
  filename: 'ilo5_278.fwpkg',
  version: '2.78',
  afterReboot: false,
  targets: ['4764a662-b342-4fc7-9ce9-258c5d99e815'],
};
const LIMITS = { timeoutMs: 60_000, pollMs: 1_000, unreachableMs: 20_000 };

function setup(url = ILO) {
  const clock = fakeClock();
  const client = new RedfishClient(
    { url, allowHttp: url.startsWith('http:'), retry: { attempts: 1 } },
    { clock, logger: captureLogger().logger },
  );
  return { clock, client };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('followQueueItem', () => {
  it('Pending → InProgress → Complete: completed for iLO, staged for a ROM that activates after reboot', async () => {
    for (const [pkg, want] of [
      [ILO5, 'completed'],
      [ROM, 'staged'],
    ] as const) {
      nock(ILO)
        .get(ITEM)
        .reply(200, { State: 'Pending' })
        .get(ITEM)
        .reply(200, { State: 'InProgress' })
        .get(ITEM)
        .reply(200, { State: 'Complete', Result: { MessageId: 'Success' } });
      const { clock, client } = setup();
      expect(await followQueueItem(client, ITEM, pkg, clock, LIMITS)).toBe(want);
      expect(clock.sleeps).toEqual([1_000, 1_000]);
      await client.close();
    }
  });

  it('Exception names the item, its state and iLO’s MessageId', async () => {
    nock(ILO)
      .get(ITEM)
      .reply(200, { State: 'Exception', Result: { MessageId: 'iLO.2.14.UpdateFailed' } });
    const { clock, client } = setup();
    await expect(followQueueItem(client, ITEM, ROM, clock, LIMITS)).rejects.toThrow(
      /UpdateTaskQueue\/3\/?": ended Exception: iLO\.2\.14\.UpdateFailed/,
    );
    await client.close();
  });

  it('a body without State is refused at once, not waited on', async () => {
    nock(ILO).get(ITEM).reply(200, { Id: '3', Name: 'restore' });
    const { clock, client } = setup();
    await expect(followQueueItem(client, ITEM, ROM, clock, LIMITS)).rejects.toThrow(/State/);
    expect(clock.sleeps).toEqual([]);
    await client.close();
  });

  it('an item that never ends fails at the deadline, saying where it stood', async () => {
    nock(ILO).get(ITEM).times(100).reply(200, { State: 'Pending' });
    const { clock, client } = setup();
    await expect(followQueueItem(client, ITEM, ROM, clock, LIMITS)).rejects.toThrow(
      /still Pending after 60000 ms/,
    );
    await client.close();
  });

  it('iLO that stops answering is waited for until unreachableMs, then FW_ERR_BMC_UNREACHABLE', async () => {
    nock.enableNetConnect('127.0.0.1');
    // A port nothing listens on: every poll is a connection error.
    const { clock, client } = setup('http://127.0.0.1:9');
    await expect(followQueueItem(client, ITEM, ROM, clock, LIMITS)).rejects.toMatchObject({
      code: 'FW_ERR_BMC_UNREACHABLE',
    });
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(20);
    await client.close();
  });
});

describe('packageFor', () => {
  const set: RecoverySet = {
    uri: '/redfish/v1/UpdateService/InstallSets/1/',
    packages: [ILO5, { ...ROM, version: '?' }, ROM],
  };

  it('matches on a shared Targets GUID, whatever its case, and skips packages of unknown version', () => {
    expect(packageFor(set, ['00000000-0000-0000-0000-000000000205'.toUpperCase()])).toBe(ROM);
    expect(packageFor(set, ['4764A662-B342-4FC7-9CE9-258C5D99E815', 'other'])).toBe(ILO5);
  });

  it('no Targets, or none shared: no package (never a guess by name)', () => {
    expect(packageFor(set, undefined)).toBeUndefined();
    expect(packageFor(set, ['11111111-2222-3333-4444-555555555555'])).toBeUndefined();
  });
});

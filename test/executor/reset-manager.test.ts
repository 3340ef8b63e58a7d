/**
 * Manager.Reset picks GracefulRestart where the Manager offers it, else ForceRestart, reading the
 * allowed values inline or from the action's ActionInfo (bmcweb managers.hpp announces them in
 * ResetActionInfo). HTTP is mocked (nock): the shapes, not a simulator profile, are under test.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetManager } from '../../src/executor/host-reset.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const BMC = 'https://bmc-reset.example.test';
const MANAGER = '/redfish/v1/Managers/bmc';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function serve(action: Record<string, unknown>, infoValues?: string[]) {
  let sent: unknown;
  const scope = nock(BMC)
    .get('/redfish/v1/')
    .reply(200, {
      '@odata.id': '/redfish/v1/',
      Id: 'RootService',
      Managers: { '@odata.id': '/redfish/v1/Managers' },
    })
    .get('/redfish/v1/Managers')
    .reply(200, { '@odata.id': '/redfish/v1/Managers', Members: [{ '@odata.id': MANAGER }] })
    .get(MANAGER)
    .reply(200, {
      '@odata.id': MANAGER,
      Id: 'bmc',
      ManagerType: 'BMC',
      Actions: { '#Manager.Reset': { target: `${MANAGER}/Actions/Manager.Reset`, ...action } },
    })
    .post(`${MANAGER}/Actions/Manager.Reset`, (b) => {
      sent = b;
      return true;
    })
    .reply(204);
  if (infoValues)
    scope.get(`${MANAGER}/ResetActionInfo`).reply(200, {
      '@odata.id': `${MANAGER}/ResetActionInfo`,
      Id: 'ResetActionInfo',
      Parameters: [{ Name: 'ResetType', Required: true, DataType: 'String', AllowableValues: infoValues }],
    });
  return () => sent;
}

describe('resetManager', () => {
  it.each([
    [
      'inline, GracefulRestart offered',
      { 'ResetType@Redfish.AllowableValues': ['ForceRestart', 'GracefulRestart'] },
      undefined,
      'GracefulRestart',
    ],
    [
      'inline, ForceRestart only',
      { 'ResetType@Redfish.AllowableValues': ['ForceRestart'] },
      undefined,
      'ForceRestart',
    ],
    [
      'ActionInfo, ForceRestart only',
      { '@Redfish.ActionInfo': `${MANAGER}/ResetActionInfo` },
      ['ForceRestart'],
      'ForceRestart',
    ],
    ['nothing announced', {}, undefined, 'GracefulRestart'],
  ])('%s', async (_name, action, info, expected) => {
    const sent = serve(action, info);
    const client = new RedfishClient(
      { url: BMC, retry: { attempts: 1 } },
      { clock: fakeClock(), logger: captureLogger().logger },
    );
    const steps: string[] = [];
    expect(await resetManager(client, (s) => steps.push(s), 'on request')).toBe(expected);
    expect(sent()).toEqual({ ResetType: expected });
    expect(steps).toEqual([`Manager.Reset ${expected} on request`]);
  });
});

/** Resume after a crash: which images a BMC already holds for activation, named by URI or by name. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stagedTargets } from '../../src/executor/staged-tasks.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const BMC = 'https://bmc-staged.example.test';
const INV = '/redfish/v1/UpdateService/FirmwareInventory';
const members = [
  {
    uri: `${INV}/Installed-159-2.19.1__BIOS.Setup.1-1`,
    id: 'Installed-159-2.19.1__BIOS.Setup.1-1',
    name: 'BIOS',
  },
  {
    uri: `${INV}/Installed-25227-7.00__iDRAC.Embedded.1-1`,
    id: 'Installed-25227-7.00__iDRAC.Embedded.1-1',
    name: 'Integrated Dell Remote Access Controller',
  },
  { uri: `${INV}/NIC-1`, id: 'NIC-1', name: 'Broadcom NIC' },
  { uri: `${INV}/NIC-2`, id: 'NIC-2', name: 'Broadcom NIC' },
];
const awaiting = (id: string, args: string[]) => ({
  '@odata.id': `/redfish/v1/TaskService/Tasks/${id}`,
  Id: id,
  TaskState: 'Pending',
  Messages: [{ MessageId: 'Update.1.0.AwaitToActivate', MessageArgs: args }],
});

function serve(tasks: unknown[]) {
  nock(BMC)
    .get('/redfish/v1/')
    .reply(200, { '@odata.id': '/redfish/v1', Tasks: { '@odata.id': '/redfish/v1/TaskService' } })
    .get('/redfish/v1/TaskService/Tasks')
    .reply(200, { Members: tasks, 'Members@odata.count': tasks.length })
    .persist();
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('stagedTargets', () => {
  it('reads a component named by URI, or by its name (iDRAC writes the name), never an ambiguous one', async () => {
    serve([
      awaiting('JID_1', ['BIOS_T4VX2_WN64_2.20.0.EXE', 'BIOS']),
      awaiting('JID_2', ['idrac.d9', `${INV}/Installed-25227-7.00__iDRAC.Embedded.1-1`]),
      awaiting('JID_3', ['nic.bin', 'Broadcom NIC']),
    ]);
    const client = new RedfishClient(
      { url: BMC, retry: { attempts: 1 } },
      { clock: fakeClock(), logger: captureLogger().logger },
    );
    const staged = await stagedTargets(client, members);
    expect([...staged.entries()]).toEqual([
      [members[0]?.uri, '/redfish/v1/TaskService/Tasks/JID_1'],
      [members[1]?.uri, '/redfish/v1/TaskService/Tasks/JID_2'],
    ]);
  });
});

/**
 * Recognising an iDRAC and its generation from what it serves: iDRAC 9's root names Dell, iDRAC
 * 8's names nobody (its Manager does); iDRAC 8's UpdateService wants the inventory upload;
 * UserIntervention is a staged task.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManagerSchema, ServiceRootSchema, TaskSchema } from '../../../src/redfish/models/index.ts';
import { dell } from '../../../src/vendors/dell/index.ts';
import { wantsInventoryUpload } from '../../../src/vendors/dell/upload.ts';
import { detectVendor } from '../../../src/vendors/detect.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/vendors/dell/${name}`, import.meta.url), 'utf8'));

describe('which service is an iDRAC', () => {
  it('iDRAC 9: by its service root', () => {
    expect(detectVendor(ServiceRootSchema.parse(fixture('serviceroot.json'))).vendor).toBe('dell');
  });

  it('iDRAC 8 2.50: its root names no vendor, its Manager iDRAC.Embedded.1 does', () => {
    const root = ServiceRootSchema.parse(fixture('idrac8-2.50-serviceroot.json'));
    expect(detectVendor(root).vendor).toBe('generic');
    expect(dell.matchesManager(ManagerSchema.parse(fixture('manager.idrac.embedded.1.json')))).toBe(true);
    expect(
      dell.matchesManager(ManagerSchema.parse({ '@odata.id': '/redfish/v1/Managers/bmc', Id: 'bmc' })),
    ).toBe(false);
  });
});

describe('iDRAC upload form', () => {
  const inventory = { '@odata.id': '/redfish/v1/UpdateService/FirmwareInventory' };
  it.each([
    [
      'iDRAC 8: HttpPushUri is the inventory, no multipart',
      { FirmwareInventory: inventory, HttpPushUri: '/redfish/v1/UpdateService/FirmwareInventory' },
      true,
    ],
    [
      'iDRAC 9: the same HttpPushUri beside MultipartHttpPushUri (Dell scripts use the same form)',
      {
        FirmwareInventory: inventory,
        HttpPushUri: '/redfish/v1/UpdateService/FirmwareInventory/',
        MultipartHttpPushUri: '/redfish/v1/UpdateService/MultipartUpload',
      },
      true,
    ],
    [
      'DMTF push URI',
      { FirmwareInventory: inventory, HttpPushUri: '/redfish/v1/UpdateService/update' },
      false,
    ],
  ])('%s', (_name, us, expected) => {
    expect(wantsInventoryUpload(us)).toBe(expected);
  });
});

describe('task states beyond DMTF', () => {
  it('UserIntervention is staged; DMTF states are left to the generic rules', () => {
    const task = TaskSchema.parse({
      '@odata.id': '/redfish/v1/TaskService/Tasks/JID_1',
      Id: 'JID_1',
      TaskState: 'UserIntervention',
    });
    expect(dell.taskState('UserIntervention', task)).toBe('staged');
    expect(dell.taskState('Running', task)).toBeUndefined();
    expect(dell.taskState('Verifying', task)).toBeUndefined();
  });
});

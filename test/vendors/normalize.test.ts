import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeMember } from '../../src/inventory/scan.ts';
import { ServiceRootSchema, SoftwareInventorySchema } from '../../src/redfish/models/index.ts';
import { dell, detectVendor, hpe, lenovo } from '../../src/vendors/index.ts';

const fixture = (path: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/redfish/${path}`, import.meta.url), 'utf8'));
const members = (path: string) => (fixture(path) as unknown[]).map((m) => SoftwareInventorySchema.parse(m));

describe('vendor detection from the service root', () => {
  it.each([
    ['Dell iDRAC 9', '../vendors/dell/serviceroot.json', 'dell'],
    ['Lenovo XCC', 'lenovo-xcc/serviceroot.json', 'lenovo'],
  ])('%s', (_n, path, vendor) => {
    expect(detectVendor(ServiceRootSchema.parse(fixture(path))).vendor).toBe(vendor);
  });

  it('falls back to generic for a DMTF mockup and honours a fleet hint', () => {
    const root = ServiceRootSchema.parse({ RedfishVersion: '1.17.0', Vendor: 'Contoso' });
    expect(detectVendor(root).vendor).toBe('generic');
    expect(detectVendor(root, 'hpe').vendor).toBe('hpe');
  });
});

describe('Dell iDRAC 9 7.x inventory members', () => {
  const read = members('../vendors/dell/firmwareinventory-members.json').map((m) => normalizeMember(m, dell));
  const byId = (prefix: string) => read.find((c) => c.id.startsWith(prefix));

  it('marks Installed- as active and Previous- as a backup copy, never installed', () => {
    expect(byId('Installed-25227')?.slot).toBe('active');
    expect(byId('Previous-25227')?.slot).toBe('backup');
  });

  it.each([
    ['Installed-25227', 'bmc', '25227', 'iDRAC.Embedded.1-1'],
    ['Installed-159', 'bios', '159', 'BIOS.Setup.1-1'],
    ['Installed-108255', 'nic', '108255', 'NIC.Integrated.1-1'],
    ['Installed-101243', 'storage', '101243', 'RAID.SL.3-1'],
    ['Installed-0-00.1B.53', 'psu', undefined, 'PSU.Slot.1'],
  ])('%s → kind %s, ComponentID %s, FQDD %s', (prefix, kind, componentId, fqdd) => {
    const c = byId(prefix);
    expect(c?.kind).toBe(kind);
    expect(c?.identity.dellComponentId).toBe(componentId);
    expect(c?.identity.fqdd).toBe(fqdd);
  });

  it('drops SoftwareId "0" and identifies the device by PCI ids instead', () => {
    const mlx = byId('Installed-0-16.25.40.62');
    expect(mlx?.softwareId).toBeUndefined();
    expect(mlx?.identity.pci).toEqual({
      vendorId: '15b3',
      deviceId: '1017',
      subsystemVendorId: '15b3',
      subsystemId: '0020',
    });
  });

  it('reads SystemID 2300 as the catalog form 08FC', () => {
    const system = fixture('../vendors/dell/system.embedded.1.json');
    expect(dell.systemId(system)).toBe('08FC');
  });
});

describe('HPE iLO 5 inventory members', () => {
  const read = members('hpe-ilo/firmwareinventory-members.json').map((m) => normalizeMember(m, hpe));

  it('normalizes trailing-slash URIs and keeps Targets GUIDs and DeviceClass', () => {
    const ilo = read.find((c) => c.id === '1');
    expect(ilo?.uri).toBe('/redfish/v1/UpdateService/FirmwareInventory/1');
    expect(ilo?.kind).toBe('bmc');
    expect(ilo?.identity.hpeTargets).toEqual([
      '4764a662-b342-4fc7-9ce9-258c5d99e815',
      'c0bcf2b3-1a8d-4b8a-b4ee-2d0a6e3a9c0d',
    ]);
    expect(ilo?.identity.hpeDeviceClass).toBe('2f317b9d-c9e3-4d76-bff6-b9d0d085a952');
  });

  it('reads the redundant System ROM as the backup bank', () => {
    expect(read.find((c) => c.id === '2')).toMatchObject({ kind: 'bios', slot: 'active' });
    expect(read.find((c) => c.id === '3')).toMatchObject({ kind: 'bios', slot: 'backup' });
    expect(read.find((c) => c.id === '5')?.kind).toBe('cpld');
  });
});

describe('Lenovo XCC inventory members', () => {
  it('reads BMC-Primary as active and BMC-Backup as the backup bank', () => {
    const read = members('lenovo-xcc/firmwareinventory-members.json').map((m) => normalizeMember(m, lenovo));
    expect(read.map((c) => [c.id, c.kind, c.slot])).toEqual([
      ['BMC-Primary', 'bmc', 'active'],
      ['BMC-Backup', 'bmc', 'backup'],
    ]);
    expect(read[0]?.version).toBe('TEI3E4D-4.12');
  });
});

/**
 * The Dell profile is a PowerEdge R710 whose inventory matches the real 11G catalog: every
 * Installed- member is found by ComponentID (or PCI ids when iDRAC reports "0") among the
 * catalog's components for systemID 0235, and the reference BMC runs older versions than the
 * catalog ships, so a plan against that catalog has upgrades to make.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimBmc, startSimulatedBmc } from '../../src/simulator/index.ts';
import { type Body, type Caller, createCaller } from './helpers.ts';

interface CatalogDevice {
  componentId: string;
  version: string;
  pci?: string;
}

/** Devices of the catalog excerpt's components that support the R710 (systemID 0235). */
function r710Devices(): CatalogDevice[] {
  const xml = readFileSync(
    new URL('../fixtures/simulator/dell-11g-r710-catalog-excerpt.xml', import.meta.url),
    'utf8',
  );
  const out: CatalogDevice[] = [];
  for (const block of xml.match(/<SoftwareComponent\b[\s\S]*?<\/SoftwareComponent>/g) ?? []) {
    if (!block.includes('systemID="0235"')) continue;
    const version = /vendorVersion="([^"]+)"/.exec(block)?.[1] ?? '';
    for (const dev of block.match(/<Device\b[\s\S]*?<\/Device>/g) ?? []) {
      const componentId = /componentID="([^"]+)"/.exec(dev)?.[1] ?? '';
      const pci = /<PCIInfo ([^>]*)\/>/.exec(dev)?.[1];
      const attr = (name: string): string =>
        new RegExp(`${name}="([^"]+)"`).exec(pci ?? '')?.[1]?.toUpperCase() ?? '';
      out.push({
        componentId,
        version,
        ...(pci === undefined
          ? {}
          : {
              pci: [attr('vendorID'), attr('deviceID'), attr('subVendorID'), attr('subDeviceID')].join(':'),
            }),
      });
    }
  }
  return out;
}

let bmc: SimBmc;
let caller: Caller;
let token: string;

beforeAll(async () => {
  bmc = await startSimulatedBmc({ vendor: 'dell', tls: false });
  caller = createCaller();
  token = (await caller.login(bmc)).token;
});
afterAll(async () => {
  await caller.close();
  await bmc.close();
});

describe('dell profile: PowerEdge R710 against the 11G catalog', () => {
  it('identifies as a PowerEdge R710 with SystemID 0x0235 on iDRAC.Embedded.1 / System.Embedded.1', async () => {
    const system = (await caller.call(bmc, '/redfish/v1/Systems/System.Embedded.1', { token })).json;
    expect(system.Model).toBe('PowerEdge R710');
    expect(system.Manufacturer).toBe('Dell Inc.');
    expect(system.Oem.Dell.DellSystem.SystemID.toString(16).padStart(4, '0')).toBe('0235');
    const manager = (await caller.call(bmc, '/redfish/v1/Managers/iDRAC.Embedded.1', { token })).json;
    expect(manager.FirmwareVersion).toBe('1.98');
  });

  it('names members Installed-/Previous-<ComponentID>-<Version>__<FQDD>', async () => {
    const inv = (
      await caller.call(bmc, '/redfish/v1/UpdateService/FirmwareInventory?$expand=*($levels=1)', { token })
    ).json;
    for (const m of inv.Members) {
      expect(m.Id).toMatch(/^(Installed|Previous|Available)-\d+-.+__.+$/);
      expect(m.Id).toContain(`-${m.SoftwareId}-${m.Version}__`);
    }
    expect(inv.Members.some((m: { Id: string }) => m.Id.startsWith('Previous-20137-'))).toBe(true);
    const zero = inv.Members.filter((m: { SoftwareId: string }) => m.SoftwareId === '0');
    expect(zero.some((m: Body) => m.Oem.Dell.DellSoftwareInventory.VendorID === '8086')).toBe(true);
  });

  it('matches every installed component with a catalog entry, older than the catalog where it matters', async () => {
    const devices = r710Devices();
    const inv = (
      await caller.call(bmc, '/redfish/v1/UpdateService/FirmwareInventory?$expand=.($levels=1)', { token })
    ).json;
    const installed = inv.Members.filter((m: { Id: string }) => m.Id.startsWith('Installed-'));
    let unmatched = 0;
    let upgradable = 0;
    for (const m of installed) {
      const dsi = m.Oem.Dell.DellSoftwareInventory;
      const pci = dsi.VendorID
        ? [dsi.VendorID, dsi.DeviceID, dsi.SubVendorID, dsi.SubDeviceID].join(':')
        : undefined;
      const match = devices.find((d) =>
        m.SoftwareId !== '0' ? d.componentId === m.SoftwareId : pci !== undefined && d.pci === pci,
      );
      if (match === undefined) {
        unmatched++;
        expect(m.Id, 'only the PSUs (no ComponentID, no PCI ids) are unmatched').toMatch(/__PSU\.Slot\.\d$/);
        continue;
      }
      if (match.version !== m.Version) upgradable++;
    }
    expect(unmatched).toBe(2);
    expect(upgradable).toBeGreaterThanOrEqual(6);
    const byId = (id: string): string =>
      installed.find((m: { SoftwareId: string }) => m.SoftwareId === id).Version;
    expect([byId('159'), byId('20137'), byId('20602')]).toEqual(['6.1.0', '1.98', '12.10.3-0002']);
  });
});

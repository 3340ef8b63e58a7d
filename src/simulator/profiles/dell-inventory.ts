/**
 * The firmware of a simulated PowerEdge R710 (Dell SystemID 0x0235) as iDRAC lists it:
 * Installed-<ComponentID>-<Version>__<FQDD>, Previous- rollback copies, and on some BMCs an
 * Available- (staged) image. ComponentIDs and PCI ids are the ones in the real 11G catalog
 * (fixtures/catalogs/dell-poweredge-11g-Catalog.xml, December 2017); the first version of each
 * pool is the reference (older than the catalog), the last one where marked is the catalog's.
 */
import type { Json } from '../resource-tree.ts';

export interface DellPci {
  vendorId: string;
  deviceId: string;
  subVendorId: string;
  subDeviceId: string;
}

/** One firmware component type of the server; one inventory member per FQDD. */
export interface DellComponentSpec {
  /** Dell ComponentID as iDRAC reports it in SoftwareId ("0": iDRAC does not know it). */
  componentId: string;
  fqdds: readonly string[];
  /** %mac: a MAC per member; %i / %n: 0- / 1-based member index. */
  name: string;
  type: 'FRMW' | 'BIOS' | 'APAC';
  /** Vendor OUI of the adapter's MACs (for %mac). */
  oui?: string;
  /** [reference, ...variations]. */
  versions: readonly string[];
  /** Rollback copy iDRAC keeps (Previous- member). */
  previous?: string;
  /** Staged image shown as an Available- member on some BMCs. */
  available?: string;
  pci?: DellPci;
}

/** A component with this BMC's chosen version. */
export interface DellComponent extends DellComponentSpec {
  version: string;
}

export const R710_COMPONENTS: readonly DellComponentSpec[] = [
  {
    // catalog: iDRAC6 2.90 A00, ESM_Firmware_9GJYW_LN32_2.90_A00.BIN
    componentId: '20137',
    fqdds: ['iDRAC.Embedded.1-1'],
    name: 'Integrated Dell Remote Access Controller',
    type: 'FRMW',
    versions: ['1.98', '1.95', '2.80', '2.85', '2.90'],
    previous: '1.92',
    available: '2.90',
  },
  {
    // catalog: Server BIOS 11G 6.4.0, R710_BIOS_4HKX2_LN_6.4.0.BIN
    componentId: '159',
    fqdds: ['BIOS.Setup.1-1'],
    name: 'BIOS',
    type: 'BIOS',
    versions: ['6.1.0', '6.2.3', '6.3.0', '6.4.0'],
    previous: '6.0.7',
  },
  {
    // catalog: Dell Lifecycle Controller 1.7.5.4 A00
    componentId: '18980',
    fqdds: ['USC.Embedded.1:LC.Embedded.1'],
    name: 'Lifecycle Controller',
    type: 'APAC',
    versions: ['1.5.5.27', '1.5.2.9', '1.7.5.4'],
  },
  {
    // catalog: PERC H700 Integrated 12.10.7-0001 A13, PCI 1000:0079 1028:1F17
    componentId: '20602',
    fqdds: ['RAID.Integrated.1-1'],
    name: 'PERC H700 Integrated',
    type: 'FRMW',
    versions: ['12.10.3-0002', '12.10.1-0001', '12.10.6-0001', '12.10.7-0001'],
    pci: { vendorId: '1000', deviceId: '0079', subVendorId: '1028', subDeviceId: '1F17' },
  },
  {
    // catalog: BCM5709C Dual Port NIC without iSCSI Offload, 08.07.26 A00-00, PCI 14E4:1639 14E4:0907
    componentId: '13869',
    fqdds: ['NIC.Slot.1-1-1', 'NIC.Slot.1-2-1'],
    name: 'Broadcom NetXtreme II Gigabit Ethernet - %mac',
    type: 'FRMW',
    oui: '00:10:18',
    versions: ['7.10.18', '7.8.53', '7.12.19', '08.07.26'],
    pci: { vendorId: '14E4', deviceId: '1639', subVendorId: '14E4', subDeviceId: '0907' },
  },
  {
    // iDRAC reports SoftwareId "0" for this adapter; the catalog lists it as componentID 27477
    // (Intel Gigabit 2P I350-t Adapter, 16.5.20 A00), so it matches by PCI 8086:1521 8086:5002.
    componentId: '0',
    fqdds: ['NIC.Slot.2-1-1', 'NIC.Slot.2-2-1'],
    name: 'Intel(R) Gigabit 2P I350-t Adapter - %mac',
    type: 'FRMW',
    oui: 'a0:36:9f',
    versions: ['16.0.24', '15.0.28', '16.5.20'],
    pci: { vendorId: '8086', deviceId: '1521', subVendorId: '8086', subDeviceId: '5002' },
  },
  {
    // catalog: SAS Backplane Firmware 1.07 A00
    componentId: '11204',
    fqdds: ['Enclosure.Internal.0-1:RAID.Integrated.1-1'],
    name: 'Backplane 1 on Connector 0 of Integrated RAID Controller 1',
    type: 'FRMW',
    versions: ['1.07', '1.00'],
  },
  {
    // catalog: Seagate SAS ST973452SS and ST9146852SS, HT66 A06
    componentId: '20412',
    fqdds: [
      'Disk.Bay.0:Enclosure.Internal.0-1:RAID.Integrated.1-1',
      'Disk.Bay.1:Enclosure.Internal.0-1:RAID.Integrated.1-1',
    ],
    name: 'Disk %i in Backplane 1 of Integrated RAID Controller 1',
    type: 'FRMW',
    versions: ['HT64', 'HT62', 'HT66'],
  },
  {
    // Power supplies: SoftwareId "0" and no PCI ids (not matchable against a catalog).
    componentId: '0',
    fqdds: ['PSU.Slot.1', 'PSU.Slot.2'],
    name: 'PS%n Status',
    type: 'FRMW',
    versions: ['00.1B.53', '00.1B.54'],
  },
];

function member(
  prefix: 'Installed' | 'Previous' | 'Available',
  c: DellComponent,
  version: string,
  fqdd: string,
  name: string,
): Json & { Id: string } {
  const Id = `${prefix}-${c.componentId}-${version}__${fqdd}`;
  const pci =
    c.pci === undefined
      ? {}
      : {
          VendorID: c.pci.vendorId,
          DeviceID: c.pci.deviceId,
          SubVendorID: c.pci.subVendorId,
          SubDeviceID: c.pci.subDeviceId,
        };
  const identity = c.pci
    ? `DCIM:firmware:${c.pci.vendorId}:${c.pci.deviceId}:${c.pci.subVendorId}:${c.pci.subDeviceId}`
    : `DCIM:firmware:${c.componentId}`;
  return {
    '@odata.context': '/redfish/v1/$metadata#SoftwareInventory.SoftwareInventory',
    Id,
    Name: name,
    Description: 'Represents Firmware Inventory',
    SoftwareId: c.componentId,
    Version: version,
    Updateable: true,
    Status: { Health: 'OK', State: 'Enabled' },
    Oem: {
      Dell: {
        '@odata.type': '#DellOem.v1_1_0.DellOemResources',
        DellSoftwareInventory: {
          '@odata.type': '#DellSoftwareInventory.v1_0_0.DellSoftwareInventory',
          ComponentID: c.componentId,
          ComponentType: c.type,
          ElementName: name,
          FQDD: fqdd,
          IdentityInfoValue: [identity],
          Status: prefix === 'Installed' ? 'Installed' : 'AvailableForInstallation',
          VersionString: version,
          ...pci,
        },
      },
    },
  };
}

/**
 * Inventory members in iDRAC's order (Installed, then Previous, then Available); `nameFor` fills
 * a member's name template (MAC, index).
 */
export function dellMembers(
  components: readonly DellComponent[],
  withAvailable: boolean,
  nameFor: (component: DellComponent, index: number) => string,
): Array<Json & { Id: string }> {
  const installed: Array<Json & { Id: string }> = [];
  const previous: Array<Json & { Id: string }> = [];
  const available: Array<Json & { Id: string }> = [];
  for (const c of components) {
    c.fqdds.forEach((fqdd, i) => {
      const name = nameFor(c, i);
      installed.push(member('Installed', c, c.version, fqdd, name));
      if (c.previous !== undefined) previous.push(member('Previous', c, c.previous, fqdd, name));
      if (withAvailable && c.available !== undefined && c.available !== c.version) {
        available.push(member('Available', c, c.available, fqdd, name));
      }
    });
  }
  return [...installed, ...previous, ...available];
}

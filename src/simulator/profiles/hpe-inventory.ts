/**
 * iLO 5 FirmwareInventory members (numeric Ids), shaped on
 * fixtures/redfish/vendor-samples/hpe-ilo/firmwareinventory-members.json: versions carry build
 * dates ("2.96 Aug 17 2023", "U30 v2.90 (07/20/2023)") that are not their order, and Oem.Hpe
 * names the DeviceClass and Targets GUIDs HPE's fwrepo catalog matches on. GUIDs other than the
 * fixture's are stable simulator values, not HPE's.
 */
import type { Json } from '../resource-tree.ts';
import type { BmcBuilder } from './profile.ts';

interface HpeComponent {
  name: string;
  description?: string;
  versions: readonly string[];
  updateable: boolean;
  deviceClass?: string;
  deviceContext: string;
  targets?: readonly string[];
}

const COMPONENTS: readonly HpeComponent[] = [
  {
    name: 'iLO 5',
    description: 'SystemBMC',
    versions: ['2.78 Apr 28 2023', '2.72 Sep 04 2022', '2.96 Aug 17 2023'],
    updateable: true,
    deviceClass: '2f317b9d-c9e3-4d76-bff6-b9d0d085a952',
    deviceContext: 'System Board',
    targets: ['4764a662-b342-4fc7-9ce9-258c5d99e815', 'c0bcf2b3-1a8d-4b8a-b4ee-2d0a6e3a9c0d'],
  },
  {
    name: 'System ROM',
    description: 'SystemRomActive',
    versions: ['U30 v2.80 (10/16/2023)', 'U30 v2.76 (02/09/2023)', 'U30 v2.90 (07/20/2023)'],
    updateable: true,
    deviceClass: 'aa148d2e-6e09-453e-bc6f-63baa5f5ccc4',
    deviceContext: 'System Board',
    targets: ['00000000-0000-0000-0000-000000000205', '00000000-0000-0000-0000-000001553330'],
  },
  {
    name: 'Redundant System ROM',
    description: 'SystemRomBackup',
    versions: ['U30 v2.76 (02/09/2023)', 'U30 v2.72 (09/29/2022)'],
    updateable: false,
    deviceClass: 'aa148d2e-6e09-453e-bc6f-63baa5f5ccc4',
    deviceContext: 'System Board',
    targets: ['00000000-0000-0000-0000-000000000205'],
  },
  {
    name: 'Intelligent Platform Abstraction Data',
    versions: ['16.5.0 Build 53', '15.2.0 Build 41'],
    updateable: false,
    deviceContext: 'System Board',
  },
  {
    name: 'System Programmable Logic Device',
    versions: ['0x2F', '0x31'],
    updateable: false,
    deviceClass: 'b1ad439a-07dc-5ea0-b4fc-e7e3c4e4b6c8',
    deviceContext: 'System Board',
    targets: ['00000000-0000-0000-0000-000000000206'],
  },
  {
    name: 'Power Management Controller Firmware',
    versions: ['1.0.8', '1.0.9'],
    updateable: true,
    deviceClass: 'ba4d5fb2-8a46-5e1a-92ea-eb2a3c5e8e3b',
    deviceContext: 'System Board',
    targets: ['00000000-0000-0000-0000-000000000208'],
  },
  {
    name: 'Server Platform Services (SPS) Firmware',
    versions: ['4.1.4.804', '4.1.4.505'],
    updateable: false,
    deviceContext: 'System Board',
  },
  {
    name: 'HPE Smart Array P408i-a SR Gen10',
    versions: ['4.11', '3.53', '5.61'],
    updateable: true,
    deviceClass: 'a6b1a447-382a-5a4f-3b10-8b56c1ecb76f',
    deviceContext: 'Slot=0',
    targets: ['a6b1a447-382a-5a4f-3b10-8b56c1ecb76f', '0cd1c4a2-0e0b-4d28-9a2b-3dd8d3f5e7b1'],
  },
  {
    name: 'HPE Ethernet 1Gb 4-port 331i Adapter - NIC',
    versions: ['20.24.13', '20.14.54', '20.28.41'],
    updateable: true,
    deviceClass: 'fb9d4f8a-7f3a-4b36-8b4c-2ce0d4c1e7a2',
    deviceContext: 'Embedded LOM',
    targets: ['f6d4c1e3-3f52-4a3d-b8a9-1a3c5d7e9f02'],
  },
  {
    name: 'Power Supply Firmware',
    versions: ['1.00', '1.02'],
    updateable: false,
    deviceContext: 'Bay 1',
  },
];

/**
 * iLO 5 firmware before 2.30 (the HPE dev blog's iLO 5 2.18 era): SimpleUpdate answers 200 with no
 * task. Build dates are simulator values.
 */
const ILO5_EARLY = ['2.18 Apr 29 2020', '2.14 Jan 27 2020', '2.12 Dec 19 2019'] as const;

/**
 * iLO 6 on a ProLiant DL380 Gen11 (System ROM family U54): only iLO's name and the iLO/ROM versions
 * differ here; the other members stay those of the Gen10 sample. Build dates are simulator values.
 */
const ILO6 = ['1.59 Jun 26 2024', '1.55 Feb 28 2024', '1.62 Aug 22 2024'] as const;
const ROM_GEN11 = ['U54 v2.16 (03/01/2024)', 'U54 v2.12 (12/13/2023)', 'U54 v2.22 (06/20/2024)'] as const;
const BACKUP_GEN11 = ['U54 v2.12 (12/13/2023)', 'U54 v2.10 (10/19/2023)'] as const;

function forGeneration(c: HpeComponent, generation: 'ilo5' | 'ilo5-early' | 'ilo6'): HpeComponent {
  if (generation === 'ilo5-early' && c.description === 'SystemBMC') return { ...c, versions: ILO5_EARLY };
  if (generation !== 'ilo6') return c;
  if (c.description === 'SystemBMC') return { ...c, name: 'iLO 6', versions: ILO6 };
  if (c.description === 'SystemRomActive') return { ...c, versions: ROM_GEN11 };
  if (c.description === 'SystemRomBackup') return { ...c, versions: BACKUP_GEN11 };
  return c;
}

/** The BMC's FirmwareInventory members, Ids "1".."n"; versions vary per BMC. */
export function hpeInventory(
  b: BmcBuilder,
  generation: 'ilo5' | 'ilo5-early' | 'ilo6' = 'ilo5',
): Array<Json & { Id: string }> {
  const components = COMPONENTS.map((c) => forGeneration(c, generation));
  return components.map((c, i) => {
    const hpe: Json = {
      '@odata.type': '#HpeiLOSoftwareInventory.v2_0_0.HpeiLOSoftwareInventory',
      DeviceContext: c.deviceContext,
    };
    if (c.deviceClass !== undefined) hpe['DeviceClass'] = c.deviceClass;
    if (c.targets !== undefined) hpe['Targets'] = [...c.targets];
    return {
      Id: String(i + 1),
      Name: c.name,
      ...(c.description === undefined ? {} : { Description: c.description }),
      Version: b.variant(c.versions),
      Updateable: c.updateable,
      Status: { Health: 'OK', State: 'Enabled' },
      Oem: { Hpe: hpe },
    };
  });
}

/**
 * Dell iDRAC profile, iDRAC 9 by default with an `idrac8` generation. The Redfish surface follows
 * iDRAC 9 (fixtures test/fixtures/vendors/dell/*; UpdateService per generation in
 * dell-update-service.ts; job queue in dell-jobs.ts). The data is a PowerEdge R710 (11G,
 * SystemID 0x0235) whose ComponentIDs, PCI ids and versions come from the real 11G catalog
 * (fixtures/catalogs/dell-poweredge-11g-Catalog.xml), installed versions mostly older than the
 * catalog's so a plan has something to do. (A real R710 carries an iDRAC 6, which has no Redfish;
 * pairing its data with an iDRAC 8/9 surface is what lets a test plan against that real catalog.)
 * Session limit 8 with RAC0218 (iDRAC 8/9 documentation).
 */

import { SimHttpError } from '../redfish-errors.ts';
import type { Json } from '../resource-tree.ts';
import { dellJobId } from '../update/update-policy.ts';
import {
  addAccountService,
  addBios,
  addCollection,
  addFirmwareInventory,
  addServiceRoot,
  addSessionService,
  addSingleton,
  addStorage,
  addTaskService,
  addUpdateService,
  expandQuery,
  link,
  macAddress,
  ROOT,
  sasDrive,
} from './common.ts';
import { type DellComponent, dellMembers, R710_COMPONENTS } from './dell-inventory.ts';
import { addDellJobService, registerDellJobService } from './dell-job-service.ts';
import { DELL_JOBS, dellJobBody } from './dell-jobs.ts';
import { dellUpdateService, type IdracGeneration } from './dell-update-service.ts';
import { BOOTED_AT } from './last-reset.ts';
import type { BmcBuilder, VendorProfile } from './profile.ts';
import { randomHex } from './session-styles.ts';

const EXPAND = { expandAll: true, noLinks: true, links: true, levels: true, maxLevels: 1 };
const SYSTEM = `${ROOT}/Systems/System.Embedded.1`;
const MANAGER = `${ROOT}/Managers/iDRAC.Embedded.1`;
const CHASSIS = `${ROOT}/Chassis/System.Embedded.1`;
const ctx = (type: string): Json => ({ '@odata.context': `${ROOT}/$metadata#${type}` });

function build(b: BmcBuilder, generation: IdracGeneration): void {
  const serviceTag = b.rng.alnumUpper(7);
  const mac = macAddress(b, 'd0:8e:79');
  const components: DellComponent[] = R710_COMPONENTS.map((c) => ({ ...c, version: b.variant(c.versions) }));
  const versionOf = (id: string): string => components.find((c) => c.componentId === id)?.version ?? '';
  const idracVersion = versionOf('20137');
  const biosVersion = versionOf('159');
  const percVersion = versionOf('20602');

  const idrac9 = generation === 'idrac9';
  addServiceRoot(b, {
    // iDRAC 8 2.x serves ServiceRoot v1_0_2 (Redfish 1.0.2 on 2.5x, 1.4.0 on 2.86): no Vendor,
    // Product, Oem or ProtocolFeaturesSupported (iDRAC-Redfish-Scripting issue #6 payload,
    // idrac_exporter PR #137); only its Manager, iDRAC.Embedded.1, says what it is.
    type: idrac9 ? '#ServiceRoot.v1_6_0.ServiceRoot' : '#ServiceRoot.v1_0_2.ServiceRoot',
    redfishVersion: idrac9 ? '1.9.0' : '1.0.2',
    uuid: b.rng.uuid(),
    context: true,
    extra: {
      Description: 'Root Service',
      ...(idrac9 ? { Product: 'Integrated Dell Remote Access Controller', Vendor: 'Dell' } : {}),
      ...(idrac9
        ? {
            Oem: {
              Dell: {
                '@odata.type': '#DellServiceRoot.v1_0_0.DellServiceRoot',
                IsBranded: 0,
                ManagerMACAddress: mac,
                ServiceTag: serviceTag,
              },
            },
            ProtocolFeaturesSupported: {
              ExcerptQuery: false,
              ExpandQuery: expandQuery(EXPAND),
              FilterQuery: true,
              OnlyMemberQuery: true,
              SelectQuery: true,
            },
          }
        : {}),
    },
  });
  addSingleton(b, `${ROOT}/Systems`, 'ComputerSystemCollection', 'Computer System Collection', {
    ...ctx('ComputerSystem.ComputerSystem'),
    '@odata.type': '#ComputerSystem.v1_12_0.ComputerSystem',
    Id: 'System.Embedded.1',
    Name: 'System',
    Description:
      'Computer System which represents a machine (physical or virtual) and the local resources such as memory, cpu and other devices that can be accessed from that machine.',
    Manufacturer: 'Dell Inc.',
    Model: 'PowerEdge R710',
    SKU: serviceTag,
    SerialNumber: `CN${b.rng.alnumUpper(12)}`,
    AssetTag: '',
    HostName: '',
    SystemType: 'Physical',
    PowerState: 'On',
    LastResetTime: BOOTED_AT,
    BiosVersion: biosVersion,
    UUID: b.rng.uuid(),
    Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
    Bios: link(`${SYSTEM}/Bios`),
    Storage: link(`${SYSTEM}/Storage`),
    Links: { Chassis: [link(CHASSIS)], ManagedBy: [link(MANAGER)] },
    Actions: {
      '#ComputerSystem.Reset': {
        target: `${SYSTEM}/Actions/ComputerSystem.Reset`,
        'ResetType@Redfish.AllowableValues': [
          'On',
          'ForceOff',
          'ForceRestart',
          'GracefulShutdown',
          'PushPowerButton',
          'Nmi',
        ],
      },
    },
    Oem: {
      Dell: {
        '@odata.type': '#DellOem.v1_1_0.DellOemResources',
        DellSystem: {
          '@odata.type': '#DellSystem.v1_2_0.DellSystem',
          '@odata.id': `${SYSTEM}/Oem/Dell/DellSystem/System.Embedded.1`,
          Id: 'System.Embedded.1',
          Name: 'DellSystem',
          // iDRAC reports SystemID as a decimal number: 565 = 0x0235, the R710 in Dell catalogs.
          SystemID: 565,
          SystemGeneration: '11G Monolithic',
          ChassisServiceTag: serviceTag,
          NodeID: serviceTag,
          BIOSReleaseDate: '10/07/2013',
          MaxCPUSockets: 2,
          MaxDIMMSlots: 18,
          MaxPCIeSlots: 4,
        },
      },
    },
  });
  // iDRAC also serves the DellSystem object at its own @odata.id (DMTF's validator follows it).
  const dellSystem = (((b.tree.get(SYSTEM) as Json)['Oem'] as Json)['Dell'] as Json)['DellSystem'] as Json;
  b.tree.put(String(dellSystem['@odata.id']), dellSystem);
  addSingleton(b, `${ROOT}/Managers`, 'ManagerCollection', 'Manager Collection', {
    ...ctx('Manager.Manager'),
    '@odata.type': '#Manager.v1_9_0.Manager',
    Id: 'iDRAC.Embedded.1',
    Name: 'Manager',
    Description: 'BMC',
    ManagerType: 'BMC',
    FirmwareVersion: idracVersion,
    // The Manager names the iDRAC's own server generation, as a real iDRAC 8 ("13G Monolithic")
    // and iDRAC 9 ("14G Monolithic", Wikimedia spicerack tests/unit/test_redfish.py) do, whatever
    // the 11G data above (see the header).
    Model: idrac9 ? '14G Monolithic' : '13G Monolithic',
    PowerState: 'On',
    LastResetTime: BOOTED_AT,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: {
      'ManagerForServers@odata.count': 1,
      ManagerForServers: [link(SYSTEM)],
      ManagerForChassis: [link(CHASSIS)],
      ManagerInChassis: link(CHASSIS),
    },
    Actions: {
      '#Manager.Reset': {
        target: `${MANAGER}/Actions/Manager.Reset`,
        'ResetType@Redfish.AllowableValues': ['GracefulRestart'],
      },
    },
  });
  addSingleton(b, `${ROOT}/Chassis`, 'ChassisCollection', 'Chassis Collection', {
    ...ctx('Chassis.Chassis'),
    '@odata.type': '#Chassis.v1_10_0.Chassis',
    Id: 'System.Embedded.1',
    Name: 'Computer System Chassis',
    ChassisType: 'RackMount',
    Manufacturer: 'Dell Inc.',
    Model: 'PowerEdge R710',
    SKU: serviceTag,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: { ComputerSystems: [link(SYSTEM)], ManagedBy: [link(MANAGER)] },
    // iDRAC 9 (7.00.60+) offers the virtual A/C power cycle here (power/ac-cycle.ts; Dell
    // OpenManage Ansible redfish_powerstate unit test payload); iDRAC 8 has no such action.
    ...(idrac9
      ? {
          Actions: {
            Oem: {
              '#DellOemChassis.ExtendedReset': {
                target: `${CHASSIS}/Actions/Oem/DellOemChassis.ExtendedReset`,
                'ResetType@Redfish.AllowableValues': ['PowerCycle'],
                'FinalPowerState@Redfish.AllowableValues': ['On', 'Off'],
              },
            },
          },
        }
      : {}),
  });
  addBios(b, SYSTEM, '#Bios.v1_0_4.Bios');
  addSessionService(b, '#SessionService.v1_1_6.SessionService', 1800);
  addTaskService(b, '#TaskService.v1_2_0.TaskService', { CompletedTaskOverWritePolicy: 'Manual' });
  addAccountService(b, '#AccountService.v1_5_0.AccountService');
  addStorage(b, {
    systemPath: SYSTEM,
    id: 'RAID.Integrated.1-1',
    type: '#Storage.v1_8_0.Storage',
    extra: { Name: 'PERC H700 Integrated', Description: 'RAID Controller in SL 1' },
    controller: {
      Name: 'PERC H700 Integrated',
      Manufacturer: 'DELL',
      Model: 'PERC H700 Integrated',
      FirmwareVersion: percVersion,
      SpeedGbps: 6,
      SupportedDeviceProtocols: ['SAS', 'SATA'],
      Identifiers: [{ DurableName: `5${b.rng.hex(15).toUpperCase()}`, DurableNameFormat: 'NAA' }],
    },
    drives: [0, 1].map((bay) => ({
      id: `Disk.Bay.${bay}:Enclosure.Internal.0-1:RAID.Integrated.1-1`,
      body: sasDrive('ST9146852SS', 'SEAGATE', versionOf('20412'), b.rng.alnumUpper(8), 146_815_733_760),
    })),
  });

  const nameFor = (c: DellComponent, i: number): string =>
    c.name
      .replace('%mac', () => macAddress(b, c.oui ?? '00:00:00').toUpperCase())
      .replace('%i', String(i))
      .replace('%n', String(i + 1));
  const members = dellMembers(components, b.rng.next() < 0.25, nameFor);
  addFirmwareInventory(
    b,
    members,
    '#SoftwareInventory.v1_5_0.SoftwareInventory',
    {},
    {
      ...ctx('SoftwareInventoryCollection.SoftwareInventoryCollection'),
      Description: 'Collection of Firmware Inventory',
    },
  );
  addCollection(
    b,
    `${ROOT}/UpdateService/SoftwareInventory`,
    'SoftwareInventoryCollection',
    'Software Inventory Collection',
  );
  addUpdateService(b, dellUpdateService(generation));
  addCollection(b, DELL_JOBS, 'DellJobCollection', 'JobQueue', {
    Description: 'Collection of Job Instances',
  });
  addDellJobService(b);
}

const idrac9Profile: VendorProfile = {
  vendor: 'dell',
  messages: { base: 'Base.1.12', code: 'general', severity: 'both' },
  serverHeader: 'Apache',
  trailingSlash: false,
  expand: EXPAND,
  updates: {
    registry: 'Update.1.0',
    taskType: '#Task.v1_4_2.Task',
    monitor: 'dell-job',
    monitorGone: 404,
    taskId: dellJobId,
    // The Lifecycle Controller job queue survives an iDRAC reboot.
    tasksSurviveReboot: true,
    stagedTask: 'pending',
    // iDRAC schedules host firmware for the next reboot unless told otherwise.
    defaultApplyTime: { simple: 'OnReset', multipart: 'OnReset', push: 'OnReset' },
    exclusive: false,
    immediateRebootsHost: true,
    resetActivatedKinds: [],
    pushStagesImage: true,
    localImageUri: true,
    acceptedBody: 'none',
    resetAnswer: 'no-content',
    powerQuirk: 'dell-409-same-state',
    // iDRAC keeps one message per task that each step replaces: Dell's scripts print Messages[0]
    // as the job's current status (DeviceFirmwareSimpleUpdateREDFISH.py check_job_status).
    replaceMessages: true,
    jobs: { collection: DELL_JOBS, body: dellJobBody },
    // iDRAC marks its own update job Completed once it is back from the reboot, and answers 503
    // then 500 while it starts (DeviceFirmwareMultipartUploadREDFISH.py waits out 500/503/401).
    selfUpdateEnds: 'after-reboot',
    warmup: true,
    // iDRAC 9 7.x real-time NIC/PLDM updates end in UserIntervention "reboot" (iDRAC-Redfish-
    // Scripting commit 39b5239, Sep 2023, "Add support to handle NIC realtime update"). CPLD ends
    // in UserIntervention "virtual A/C power cycle" (FirmwareUpdateLocalRepoREDFISH.py
    // oem_ac_power_cycle), activated only by DellOemChassis.ExtendedReset (power/ac-cycle.ts). This
    // R710 data has no CPLD.Embedded member: its Enclosure backplane, the one kind-cpld component
    // (update/components.ts), stands in for it.
    userIntervention: { nic: 'reboot', cpld: 'ac-cycle' },
  },
  // iDRAC 9 creates volumes through a job (JID_, 202); the PERC applies it at once or at the next
  // reboot. No slice path: Dell keeps the previous image as the Previous- rollback copy.
  storage: {
    volumeCreate: 'task',
    volumeApplyTimes: ['Immediate', 'OnReset'],
    slicePath: false,
    imageData: false,
    componentIntegrity: false,
  },
  sessions: {
    limit: 8,
    refuse: () =>
      new SimHttpError(400, [
        {
          MessageId: 'IDRAC.2.8.RAC0218',
          Message: 'The maximum number of user sessions is reached.',
          MessageArgs: [],
          Severity: 'Critical',
          Resolution: 'Close one or more sessions and retry the operation.',
        },
      ]),
    newId: (n) => String(n),
    newToken: () => randomHex(32),
    timeoutSeconds: 1800,
    deleteAnswer: 'success',
    basicAuth: true,
  },
  build: (b) => build(b, 'idrac9'),
  register: registerDellJobService,
};

/**
 * iDRAC 8 2.x (13G): the same data and job machinery on the older UpdateService
 * (dell-update-service.ts): HttpPushUri with If-Match, then SimpleUpdate of the Available- member;
 * no $expand. No real-time updates (UserIntervention is iDRAC 9 7.x).
 */
const idrac8Profile: VendorProfile = {
  ...idrac9Profile,
  expand: undefined,
  updates: {
    ...idrac9Profile.updates,
    pushIfMatch: true,
    userIntervention: {},
  },
  build: (b) => build(b, 'idrac8'),
};

/** Dell iDRAC: iDRAC 9 by default (the reference generation); `idrac8` derived from it. */
export const dellProfile: VendorProfile = {
  ...idrac9Profile,
  generation: 'idrac9',
  generations: { idrac8: () => idrac8Profile },
};

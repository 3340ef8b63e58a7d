/**
 * Generic DMTF service, shaped on the DMTF "public-tower" mockup (Redfish-Publications, Contoso
 * BMC/BIOS): every standard update method announced (SimpleUpdate with ActionInfo, HttpPushUri
 * with HttpPushUriOptions, MultipartHttpPushUri, StartUpdate), every apply time, a maintenance
 * window, $expand up to 6 levels, and a FirmwareInventory paged 4 members at a time.
 */

import { numericTaskId } from '../update/update-policy.ts';
import {
  addAccountService,
  addFirmwareInventory,
  addServiceRoot,
  addSessionService,
  addSingleton,
  addStorage,
  addTaskService,
  addUpdateService,
  expandQuery,
  link,
  ROOT,
  sasDrive,
} from './common.ts';
import { BOOTED_AT } from './last-reset.ts';
import type { BmcBuilder, VendorProfile } from './profile.ts';
import { randomHex, sessionLimitExceeded } from './session-styles.ts';

const EXPAND = { expandAll: true, noLinks: true, links: true, levels: true, maxLevels: 6 };

/** The next 03:00 UTC: the simulated maintenance window start. */
function nextWindowStart(): string {
  const d = new Date();
  d.setUTCHours(3, 0, 0, 0);
  if (d.getTime() <= Date.now()) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().replace('.000Z', 'Z');
}

function build(b: BmcBuilder): void {
  const serial = `${b.rng.int(100, 999)}XR${b.rng.int(1000, 9999)}R${b.rng.int(1, 9)}`;
  const bmcVersion = b.variant(['1.45.455b66-rev4', '1.30.367a12-rev1', '1.47.512c01-rev2']);
  const biosVersion = b.variant(['P79 v1.45', 'P79 v1.33', 'P79 v1.95']);
  const system = `${ROOT}/Systems/${serial}`;
  const manager = `${ROOT}/Managers/BMC`;
  const chassis = `${ROOT}/Chassis/Tower`;
  const window = nextWindowStart();

  addServiceRoot(b, {
    type: '#ServiceRoot.v1_20_0.ServiceRoot',
    redfishVersion: '1.15.0',
    uuid: b.rng.uuid(),
    extra: {
      Vendor: 'Contoso',
      ProtocolFeaturesSupported: {
        ExpandQuery: expandQuery(EXPAND),
        SelectQuery: false,
        FilterQuery: false,
        OnlyMemberQuery: true,
        ExcerptQuery: true,
      },
    },
  });
  addSingleton(b, `${ROOT}/Systems`, 'ComputerSystemCollection', 'Computer System Collection', {
    '@odata.type': '#ComputerSystem.v1_20_0.ComputerSystem',
    Id: serial,
    Name: 'Dev-Render',
    SystemType: 'Physical',
    Manufacturer: 'Contoso',
    Model: '3500',
    SKU: '8675309',
    SerialNumber: serial,
    UUID: b.rng.uuid(),
    PowerState: 'On',
    LastResetTime: BOOTED_AT,
    BiosVersion: biosVersion,
    Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
    Storage: link(`${system}/Storage`),
    Links: { Chassis: [link(chassis)], ManagedBy: [link(manager)] },
    Actions: {
      '#ComputerSystem.Reset': {
        target: `${system}/Actions/ComputerSystem.Reset`,
        'ResetType@Redfish.AllowableValues': [
          'On',
          'ForceOff',
          'GracefulShutdown',
          'GracefulRestart',
          'ForceRestart',
        ],
      },
    },
  });
  addSingleton(b, `${ROOT}/Managers`, 'ManagerCollection', 'Manager Collection', {
    '@odata.type': '#Manager.v1_19_0.Manager',
    Id: 'BMC',
    Name: 'Manager',
    ManagerType: 'BMC',
    Model: 'Joo Janta 200',
    FirmwareVersion: bmcVersion,
    UUID: b.rng.uuid(),
    PowerState: 'On',
    LastResetTime: BOOTED_AT,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: { ManagerForServers: [link(system)], ManagerForChassis: [link(chassis)] },
    Actions: {
      '#Manager.Reset': {
        target: `${manager}/Actions/Manager.Reset`,
        'ResetType@Redfish.AllowableValues': ['ForceRestart', 'GracefulRestart'],
      },
    },
  });
  addSingleton(b, `${ROOT}/Chassis`, 'ChassisCollection', 'Chassis Collection', {
    '@odata.type': '#Chassis.v1_23_0.Chassis',
    Id: 'Tower',
    Name: 'Tower Chassis',
    // "Tower" is not a ChassisType value (Chassis schema); a tower server is StandAlone.
    ChassisType: 'StandAlone',
    Manufacturer: 'Contoso',
    SerialNumber: serial,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: { ComputerSystems: [link(system)], ManagedBy: [link(manager)] },
  });
  addSessionService(b, '#SessionService.v1_1_8.SessionService', 1800);
  addTaskService(b, '#TaskService.v1_2_0.TaskService');
  addAccountService(b, '#AccountService.v1_13_0.AccountService');
  addStorage(b, {
    systemPath: system,
    id: 'RAIDIntegrated',
    type: '#Storage.v1_15_0.Storage',
    extra: { Name: 'Integrated RAID for SAS/SATA Drives', Description: 'Contoso HW RAID' },
    controller: {
      Name: 'Contoso HW RAID',
      Manufacturer: 'Contoso',
      Model: 'RAID 16oz can',
      FirmwareVersion: '23.13.06.0006',
      SupportedDeviceProtocols: ['SAS', 'SATA'],
    },
    drives: [0, 1, 2, 3].map((i) => ({
      id: `Disk-1-${i}`,
      body: sasDrive('SAS 18000', 'Contoso', 'C1.3', b.rng.alnumUpper(10), 1_200_243_695_616),
    })),
    drivePath: (_s, d) => `${chassis}/Drives/${d}`,
  });
  addFirmwareInventory(
    b,
    [
      inventory('BMC', 'Contoso BMC Firmware', bmcVersion, '1624A9DF-5E13-47FC-874A-DF3AFF143089', manager),
      inventory('BIOS', 'Contoso BIOS Firmware', biosVersion, 'FEE82A67-6CE2-4625-9F44-237AD2402C28', system),
      inventory(
        'RAID',
        'Contoso HW RAID Firmware',
        '23.13.06.0006',
        '5B9A1C44-0C7E-4D2B-A3F4-2F0E8D9C7A11',
        system,
      ),
      inventory(
        'NIC1',
        'Contoso 25GbE NIC Firmware',
        b.variant(['7.13.21', '7.10.4']),
        '9E0D3A52-77B1-4C3F-8E5A-61D4C2B0F9E3',
        system,
      ),
      inventory(
        'PSU1',
        'Contoso PSU Bay 1 Firmware',
        '2.0.14',
        'C3F1E8A2-4B6D-4E9F-9A7C-0D2B5E8F1A34',
        chassis,
      ),
      inventory(
        'PSU2',
        'Contoso PSU Bay 2 Firmware',
        '2.0.14',
        'C3F1E8A2-4B6D-4E9F-9A7C-0D2B5E8F1A34',
        chassis,
      ),
    ],
    // 1.13: ImageDataURI, which this profile serves (storage.imageData).
    '#SoftwareInventory.v1_13_0.SoftwareInventory',
    { pageSize: 4 },
  );
  const applyTimes = ['Immediate', 'OnReset', 'AtMaintenanceWindowStart', 'InMaintenanceWindowOnReset'];
  b.tree.put(`${ROOT}/UpdateService/SimpleUpdateActionInfo`, {
    '@odata.type': '#ActionInfo.v1_4_0.ActionInfo',
    Id: 'SimpleUpdateActionInfo',
    Name: 'Simple Update Action Info',
    Parameters: [
      { Name: 'ImageURI', Required: true, DataType: 'String' },
      {
        Name: 'TransferProtocol',
        Required: false,
        DataType: 'String',
        AllowableValues: ['HTTP', 'HTTPS', 'SFTP', 'SCP', 'TFTP'],
      },
      {
        Name: 'Targets',
        Required: false,
        DataType: 'StringArray',
        // The managed resources (as the DMTF mockup lists) and every firmware inventory member.
        AllowableValues: [
          manager,
          system,
          ...['BMC', 'BIOS', 'RAID', 'NIC1', 'PSU1', 'PSU2'].map(
            (id) => `${ROOT}/UpdateService/FirmwareInventory/${id}`,
          ),
        ],
      },
      { Name: 'Username', Required: false, DataType: 'String' },
      { Name: 'Password', Required: false, DataType: 'String' },
      { Name: 'ForceUpdate', Required: false, DataType: 'Boolean' },
      { Name: 'Stage', Required: false, DataType: 'Boolean' },
    ],
  });
  addUpdateService(b, {
    '@odata.type': '#UpdateService.v1_14_0.UpdateService',
    Id: 'UpdateService',
    Name: 'Update service',
    Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
    ServiceEnabled: true,
    HttpPushUri: '/FWUpdate',
    HttpPushUriOptions: {
      HttpPushUriApplyTime: {
        ApplyTime: 'Immediate',
        'ApplyTime@Redfish.AllowableValues': applyTimes,
        MaintenanceWindowStartTime: window,
        MaintenanceWindowDurationInSeconds: 3600,
      },
    },
    HttpPushUriOptionsBusy: false,
    MultipartHttpPushUri: `${ROOT}/UpdateService/upload`,
    'MultipartHttpPushUri@Redfish.OperationApplyTimeSupport': {
      '@odata.type': '#Settings.v1_3_5.OperationApplyTimeSupport',
      SupportedValues: [...applyTimes, 'OnStartUpdateRequest'],
      MaintenanceWindowStartTime: window,
      MaintenanceWindowDurationInSeconds: 3600,
    },
    MaxImageSizeBytes: 268_435_456,
    '@Redfish.MaintenanceWindow': {
      '@odata.type': '#Settings.v1_3_5.MaintenanceWindow',
      MaintenanceWindowStartTime: window,
      MaintenanceWindowDurationInSeconds: 3600,
    },
    FirmwareInventory: link(`${ROOT}/UpdateService/FirmwareInventory`),
    Actions: {
      '#UpdateService.SimpleUpdate': {
        target: `${ROOT}/UpdateService/Actions/UpdateService.SimpleUpdate`,
        '@Redfish.ActionInfo': `${ROOT}/UpdateService/SimpleUpdateActionInfo`,
        '@Redfish.OperationApplyTimeSupport': {
          '@odata.type': '#Settings.v1_3_5.OperationApplyTimeSupport',
          SupportedValues: applyTimes,
          MaintenanceWindowStartTime: window,
          MaintenanceWindowDurationInSeconds: 3600,
        },
      },
      '#UpdateService.StartUpdate': { target: `${ROOT}/UpdateService/Actions/UpdateService.StartUpdate` },
    },
  });
}

function inventory(id: string, name: string, version: string, softwareId: string, related: string) {
  return {
    Id: id,
    Name: name,
    Status: { State: 'Enabled', Health: 'OK' },
    Updateable: true,
    Manufacturer: 'Contoso',
    Version: version,
    SoftwareId: softwareId,
    RelatedItem: [link(related)],
  };
}

export const genericProfile: VendorProfile = {
  vendor: 'generic',
  messages: { base: 'Base.1.16', code: 'specific', severity: 'both' },
  trailingSlash: false,
  expand: EXPAND,
  updates: {
    registry: 'Update.1.2',
    taskType: '#Task.v1_7_4.Task',
    monitor: 'dmtf',
    monitorGone: 410,
    taskId: numericTaskId,
    tasksSurviveReboot: false,
    stagedTask: 'completed',
    defaultApplyTime: { simple: 'Immediate', multipart: 'Immediate', push: 'push-option' },
    exclusive: false,
    immediateRebootsHost: false,
    resetActivatedKinds: [],
    pushStagesImage: false,
    localImageUri: false,
    acceptedBody: 'task',
    resetAnswer: 'no-content',
  },
  // The DMTF reference service: firmwarden's slice path, ImageDataURI and SPDM measurements.
  storage: {
    volumeCreate: 'created',
    volumeApplyTimes: ['Immediate', 'OnReset'],
    slicePath: true,
    imageData: true,
    componentIntegrity: true,
  },
  sessions: {
    limit: 32,
    refuse: sessionLimitExceeded(503),
    newId: () => randomHex(16).toUpperCase(),
    newToken: () => randomHex(32),
    timeoutSeconds: 1800,
    deleteAnswer: 'no-content',
    basicAuth: true,
  },
  build,
};

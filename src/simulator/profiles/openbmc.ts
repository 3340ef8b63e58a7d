/**
 * OpenBMC (bmcweb) profile, shaped on bmcweb's redfish-core handlers: Manager "bmc", System
 * "system", FirmwareInventory Ids that are hashes of the image version, the inactive BMC bank
 * with Status.State StandbySpare. UpdateService as bmcweb writes it: HttpPushUri
 * /redfish/v1/UpdateService/update, MultipartHttpPushUri .../update-multipart (one Target at most),
 * MaxImageSizeBytes (30 MiB body limit), SimpleUpdate with TransferProtocol HTTPS only, and
 * HttpPushUriOptions.HttpPushUriApplyTime Immediate|OnReset. The ServiceRoot announces $expand as
 * unsupported (bmcweb's default build), so $expand is ignored. This build has Basic auth turned
 * off (AccountService Oem.OpenBMC.AuthMethods.BasicAuth false), as hardened deployments do.
 * Every image is named "Software Inventory"; as in bmcweb, RelatedItem tells them apart: the
 * Manager for BMC images, the System's Bios for the host image.
 */

import { hashString } from '../rng.ts';
import { numericTaskId } from '../update/update-policy.ts';
import {
  addAccountService,
  addBios,
  addFirmwareInventory,
  addResetActionInfo,
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
import { randomAlnum, sessionLimitExceeded } from './session-styles.ts';

const SYSTEM = `${ROOT}/Systems/system`;
const MANAGER = `${ROOT}/Managers/bmc`;
const CHASSIS = `${ROOT}/Chassis/chassis`;
const BMC_VERSIONS = [
  '2.14.0-dev-1066-g5d3a29a8c',
  '2.13.0-dev-811-g1b6a87a2b',
  '2.15.0-dev-2242-gd2c1a8f13',
];

/** bmcweb names an image after a hash of its version (phosphor-bmc-code-mgmt). */
export function imageId(version: string): string {
  return hashString(version).toString(16).padStart(8, '0');
}

function image(version: string, description: string, state: 'Enabled' | 'StandbySpare', related: string) {
  return {
    Id: imageId(version),
    Name: 'Software Inventory',
    Description: description,
    Version: version,
    Updateable: true,
    Status: { Health: 'OK', HealthRollup: 'OK', State: state },
    RelatedItem: [link(related)],
    'RelatedItem@odata.count': 1,
  };
}

function build(b: BmcBuilder): void {
  const bmcVersion = b.variant(BMC_VERSIONS);
  const backup = BMC_VERSIONS.find((v) => v !== bmcVersion) ?? bmcVersion;
  const hostVersion = b.variant(['3.6.0', '3.5.2', '3.7.1']);
  const serial = b.rng.alnumUpper(12);

  addServiceRoot(b, {
    type: '#ServiceRoot.v1_15_0.ServiceRoot',
    redfishVersion: '1.17.0',
    uuid: b.rng.uuid(),
    // No Vendor and no Oem: bmcweb's ServiceRoot never names OpenBMC (redfish-core/lib/
    // service_root.hpp, every release); its Manager does (Model "OpenBmc", managers.hpp).
    extra: {
      ProtocolFeaturesSupported: {
        DeepOperations: { DeepPATCH: false, DeepPOST: false },
        ExcerptQuery: false,
        ExpandQuery: expandQuery(undefined),
        FilterQuery: false,
        OnlyMemberQuery: true,
        SelectQuery: true,
      },
    },
  });
  addSingleton(b, `${ROOT}/Systems`, 'ComputerSystemCollection', 'Computer System Collection', {
    '@odata.type': '#ComputerSystem.v1_22_0.ComputerSystem',
    Id: 'system',
    Name: 'system',
    Description: 'Computer System',
    Manufacturer: 'OpenBMC',
    Model: 'Romulus',
    SerialNumber: serial,
    SystemType: 'Physical',
    PowerState: 'On',
    LastResetTime: BOOTED_AT,
    BiosVersion: hostVersion,
    Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
    Bios: link(`${SYSTEM}/Bios`),
    Storage: link(`${SYSTEM}/Storage`),
    Links: { Chassis: [link(CHASSIS)], ManagedBy: [link(MANAGER)] },
    Actions: {
      '#ComputerSystem.Reset': {
        target: `${SYSTEM}/Actions/ComputerSystem.Reset`,
        '@Redfish.ActionInfo': `${SYSTEM}/ResetActionInfo`,
      },
    },
  });
  addSingleton(b, `${ROOT}/Managers`, 'ManagerCollection', 'Manager Collection', {
    '@odata.type': '#Manager.v1_14_0.Manager',
    Id: 'bmc',
    Name: 'OpenBmc Manager',
    Description: 'Baseboard Management Controller',
    ManagerType: 'BMC',
    Model: 'OpenBmc',
    FirmwareVersion: bmcVersion,
    UUID: b.rng.uuid(),
    PowerState: 'On',
    LastResetTime: BOOTED_AT,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: {
      ManagerForServers: [link(SYSTEM)],
      ManagerForChassis: [link(CHASSIS)],
      ActiveSoftwareImage: link(`${ROOT}/UpdateService/FirmwareInventory/${imageId(bmcVersion)}`),
    },
    Actions: {
      '#Manager.Reset': {
        target: `${MANAGER}/Actions/Manager.Reset`,
        '@Redfish.ActionInfo': `${MANAGER}/ResetActionInfo`,
      },
    },
  });
  addSingleton(b, `${ROOT}/Chassis`, 'ChassisCollection', 'Chassis Collection', {
    '@odata.type': '#Chassis.v1_22_0.Chassis',
    Id: 'chassis',
    Name: 'chassis',
    ChassisType: 'RackMount',
    SerialNumber: serial,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: { ComputerSystems: [link(SYSTEM)], ManagedBy: [link(MANAGER)] },
  });
  addBios(b, SYSTEM);
  addResetActionInfo(b, `${SYSTEM}/ResetActionInfo`, [
    'On',
    'ForceOff',
    'ForceOn',
    'ForceRestart',
    'GracefulRestart',
    'GracefulShutdown',
    'PowerCycle',
    'Nmi',
  ]);
  addResetActionInfo(b, `${MANAGER}/ResetActionInfo`, ['GracefulRestart', 'ForceRestart']);
  addSessionService(b, '#SessionService.v1_0_2.SessionService', 3600);
  addTaskService(b, '#TaskService.v1_1_4.TaskService');
  addAccountService(b, '#AccountService.v1_15_0.AccountService', {
    Oem: {
      OpenBMC: {
        '@odata.type': '#OpenBMCAccountService.v1_0_0.AccountService',
        AuthMethods: { BasicAuth: false, Cookie: true, SessionToken: true, TLS: false, XToken: true },
      },
    },
  });
  addStorage(b, {
    systemPath: SYSTEM,
    id: '1',
    type: '#Storage.v1_13_0.Storage',
    extra: { Name: 'Storage' },
    controller: {
      Name: 'MegaRAID 9560-8i',
      Manufacturer: 'Broadcom',
      Model: 'MegaRAID 9560-8i',
      FirmwareVersion: '52.24.0-4763',
      SupportedDeviceProtocols: ['SAS', 'SATA', 'NVMe'],
    },
    drives: [0, 1].map((i) => ({
      id: `drive${i}`,
      body: sasDrive('HUC101860CSS200', 'HGST', 'A3B0', b.rng.alnumUpper(8), 600_127_266_816),
    })),
  });
  addFirmwareInventory(
    b,
    [
      image(bmcVersion, 'BMC image', 'Enabled', MANAGER),
      image(backup, 'BMC image', 'StandbySpare', MANAGER),
      // bmcweb relates host images to the System's Bios resource and BMC images to the Manager.
      { ...image(hostVersion, 'Host image', 'Enabled', `${SYSTEM}/Bios`), Id: 'bios_active' },
    ],
    '#SoftwareInventory.v1_1_0.SoftwareInventory',
  );
  addUpdateService(b, {
    '@odata.type': '#UpdateService.v1_11_1.UpdateService',
    Id: 'UpdateService',
    Name: 'Update Service',
    Description: 'Service for Software Update',
    ServiceEnabled: true,
    HttpPushUri: `${ROOT}/UpdateService/update`,
    MultipartHttpPushUri: `${ROOT}/UpdateService/update-multipart`,
    MaxImageSizeBytes: 31_457_280,
    FirmwareInventory: link(`${ROOT}/UpdateService/FirmwareInventory`),
    HttpPushUriOptions: {
      HttpPushUriApplyTime: {
        ApplyTime: 'Immediate',
        'ApplyTime@Redfish.AllowableValues': ['Immediate', 'OnReset'],
      },
    },
    Actions: {
      '#UpdateService.SimpleUpdate': {
        target: `${ROOT}/UpdateService/Actions/UpdateService.SimpleUpdate`,
        'TransferProtocol@Redfish.AllowableValues': ['HTTPS'],
      },
    },
  });
}

export const openbmcProfile: VendorProfile = {
  vendor: 'openbmc',
  messages: { base: 'Base.1.19', code: 'specific', severity: 'MessageSeverity' },
  trailingSlash: false,
  updates: {
    registry: 'Update.1.0',
    taskType: '#Task.v1_4_3.Task',
    monitor: 'bmcweb',
    monitorGone: 404,
    taskId: numericTaskId,
    tasksSurviveReboot: false,
    // bmcweb task.hpp: Tasks answer GET only (no DELETE route).
    noTaskDelete: true,
    stagedTask: 'bmcweb',
    // bmcweb: SimpleUpdate and HttpPushUri follow HttpPushUriApplyTime; multipart defaults to OnReset.
    defaultApplyTime: { simple: 'push-option', multipart: 'OnReset', push: 'push-option' },
    maxTargets: 1,
    exclusive: true,
    immediateRebootsHost: false,
    resetActivatedKinds: [],
    pushStagesImage: false,
    localImageUri: false,
    acceptedBody: 'task',
    resetAnswer: 'no-content',
  },
  // bmcweb lists storage but cannot create volumes; the StandbySpare bank is its backup image.
  storage: { volumeCreate: 'unsupported', slicePath: false, imageData: false, componentIntegrity: false },
  sessions: {
    // bmcweb has no fixed session cap; 64 stands in for the memory limit of a small BMC.
    limit: 64,
    refuse: sessionLimitExceeded(503),
    newId: () => randomAlnum(10),
    newToken: () => randomAlnum(20),
    timeoutSeconds: 3600,
    deleteAnswer: 'success',
    basicAuth: false,
  },
  build,
  // bmcweb with the D-Bus update path (default since late 2024): multipart Targets name
  // FirmwareInventory members.
  generation: 'bmcweb-dbus-update',
  generations: {
    // Older bmcweb (update_service.hpp before the D-Bus update path): the only multipart Target
    // it accepts is its Manager; anything else is 400 PropertyValueNotInList.
    'bmcweb-legacy-update': (p) => ({ ...p, updates: { ...p.updates, multipartTargets: 'manager-only' } }),
  },
};

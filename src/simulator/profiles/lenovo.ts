/**
 * Lenovo XClarity Controller 2 profile (ThinkSystem SR650 V3), shaped on
 * fixtures/redfish/vendor-samples/lenovo-xcc: Manager and System "1", FirmwareInventory with
 * BMC-Primary / BMC-Backup / UEFI-Primary / UEFI-Backup banks whose versions are
 * "<build id>-<version>" and whose SoftwareId is the build id, the backup banks StandbySpare.
 * UpdateService as XCC2 announces it: HttpPushUri /fwupdate, MultipartHttpPushUri /mfwupdate,
 * HttpPushUriTargets(+Busy), SimpleUpdate and StartUpdate; no apply-time annotation (a multipart
 * push with OnStartUpdateRequest waits for StartUpdate). $expand up to 2 levels.
 */
import type { Json } from '../resource-tree.ts';
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
import { addJobService, handOverToJob } from './lenovo-jobs.ts';
import type { BmcBuilder, VendorProfile } from './profile.ts';
import { randomHex, sessionLimitExceeded } from './session-styles.ts';

const EXPAND = { expandAll: true, noLinks: true, links: true, levels: true, maxLevels: 2 };
const SYSTEM = `${ROOT}/Systems/1`;
const MANAGER = `${ROOT}/Managers/1`;
const CHASSIS = `${ROOT}/Chassis/1`;
const ctx = (type: string): Json => ({ '@odata.context': `${ROOT}/$metadata#${type}` });

/** A Lenovo firmware member: SoftwareId is the build id in front of the version. */
function bank(
  id: string,
  name: string,
  version: string,
  state: 'Enabled' | 'StandbySpare',
  related: string,
): Json & {
  Id: string;
} {
  return {
    ...ctx('SoftwareInventory.SoftwareInventory'),
    Id: id,
    Name: name,
    Description: 'The information of firmware.',
    SoftwareId: version.split('-')[0],
    Version: version,
    Manufacturer: 'Lenovo',
    Updateable: true,
    Status: { Health: 'OK', State: state },
    RelatedItem: [link(related)],
  };
}

function build(b: BmcBuilder): void {
  const serial = `J10${b.rng.alnumUpper(5)}`;
  const xcc = b.variant(['TEI3E4D-4.12', 'TEI3E2K-3.90', 'TEI3E6S-4.30']);
  const xccBackup = b.variant(['TEI3E8O-3.10', 'TEI3E2K-3.90']);
  const uefi = b.variant(['ESE118F-2.10', 'ESE114D-1.80', 'ESE122T-3.10']);
  const uefiBackup = b.variant(['ESE114D-1.80', 'ESE110A-1.50']);
  const raid = b.variant(['51.10.0-3151', '52.26.0-5179']);

  addServiceRoot(b, {
    type: '#ServiceRoot.v1_5_0.ServiceRoot',
    redfishVersion: '1.15.0',
    uuid: b.rng.uuid(),
    context: true,
    extra: {
      Description: 'This resource is used to represent a service root for a Redfish implementation.',
      Vendor: 'Lenovo',
      Product: 'ThinkSystem',
      ProtocolFeaturesSupported: {
        ExcerptQuery: true,
        ExpandQuery: expandQuery(EXPAND),
        FilterQuery: true,
        OnlyMemberQuery: true,
        SelectQuery: true,
      },
    },
  });
  addSingleton(b, `${ROOT}/Systems`, 'ComputerSystemCollection', 'Computer System Collection', {
    ...ctx('ComputerSystem.ComputerSystem'),
    '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem',
    Id: '1',
    Name: 'System',
    Manufacturer: 'Lenovo',
    Model: 'ThinkSystem SR650 V3',
    SKU: '7D76CTO1WW',
    SerialNumber: serial,
    UUID: b.rng.uuid().toUpperCase(),
    PowerState: 'On',
    SystemType: 'Physical',
    BiosVersion: uefi,
    Status: { Health: 'OK', HealthRollup: 'OK', State: 'Enabled' },
    BootProgress: { LastState: 'SystemHardwareInitializationComplete' },
    Storage: link(`${SYSTEM}/Storage`),
    Links: { ManagedBy: [link(MANAGER)], Chassis: [link(CHASSIS)] },
    Actions: {
      '#ComputerSystem.Reset': {
        target: `${SYSTEM}/Actions/ComputerSystem.Reset`,
        'ResetType@Redfish.AllowableValues': [
          'On',
          'ForceOff',
          'GracefulShutdown',
          'GracefulRestart',
          'ForceRestart',
          'Nmi',
          'ForceOn',
        ],
      },
    },
  });
  addSingleton(b, `${ROOT}/Managers`, 'ManagerCollection', 'Manager Collection', {
    ...ctx('Manager.Manager'),
    '@odata.type': '#Manager.v1_9_0.Manager',
    Id: '1',
    Name: 'Manager',
    ManagerType: 'BMC',
    Model: 'Lenovo XClarity Controller 2',
    FirmwareVersion: xcc,
    Status: { Health: 'OK', State: 'Enabled' },
    Links: { ManagerForServers: [link(SYSTEM)], ManagerForChassis: [link(CHASSIS)] },
    Actions: {
      '#Manager.Reset': {
        target: `${MANAGER}/Actions/Manager.Reset`,
        'ResetType@Redfish.AllowableValues': ['GracefulRestart', 'ForceRestart'],
      },
    },
  });
  addSingleton(b, `${ROOT}/Chassis`, 'ChassisCollection', 'Chassis Collection', {
    ...ctx('Chassis.Chassis'),
    '@odata.type': '#Chassis.v1_10_0.Chassis',
    Id: '1',
    Name: 'Chassis',
    ChassisType: 'RackMount',
    Manufacturer: 'Lenovo',
    Model: 'ThinkSystem SR650 V3',
    SerialNumber: serial,
    Status: { Health: 'OK', State: 'Enabled' },
    Links: { ComputerSystems: [link(SYSTEM)], ManagedBy: [link(MANAGER)] },
  });
  addSessionService(b, '#SessionService.v1_1_6.SessionService', 1800, ctx('SessionService.SessionService'));
  addTaskService(b, '#TaskService.v1_1_4.TaskService', ctx('TaskService.TaskService'));
  addAccountService(b, '#AccountService.v1_5_0.AccountService');
  addStorage(b, {
    systemPath: SYSTEM,
    id: 'RAID_Slot1',
    type: '#Storage.v1_9_0.Storage',
    extra: { ...ctx('Storage.Storage'), Name: 'RAID Controller' },
    controller: {
      Name: 'ThinkSystem RAID 930-8i',
      Manufacturer: 'Lenovo',
      Model: 'ThinkSystem RAID 930-8i 2GB Flash',
      FirmwareVersion: raid,
      SupportedDeviceProtocols: ['SAS', 'SATA'],
    },
    drives: [0, 1].map((i) => ({
      id: `Disk.${i}`,
      body: sasDrive('ST600MM0009', 'Lenovo', 'L4C2', b.rng.alnumUpper(8), 600_127_266_816),
    })),
  });
  addFirmwareInventory(
    b,
    [
      bank('BMC-Primary', 'XCC Primary', xcc, 'Enabled', MANAGER),
      bank('BMC-Backup', 'XCC Backup', xccBackup, 'StandbySpare', MANAGER),
      bank('UEFI-Primary', 'UEFI Primary', uefi, 'Enabled', SYSTEM),
      bank('UEFI-Backup', 'UEFI Backup', uefiBackup, 'StandbySpare', SYSTEM),
      bank(
        'LXPM',
        'LXPM Diagnostic Software',
        b.variant(['PDL148K-2.10', 'PDL146M-2.02']),
        'Enabled',
        SYSTEM,
      ),
      {
        ...bank(
          'Slot_1.Bundle',
          'ThinkSystem RAID 930-8i 2GB Flash PCIe 12Gb Adapter',
          raid,
          'Enabled',
          SYSTEM,
        ),
        SoftwareId: 'RAID930-8i',
      },
    ],
    '#SoftwareInventory.v1_3_0.SoftwareInventory',
    {},
    ctx('SoftwareInventoryCollection.SoftwareInventoryCollection'),
  );
  addUpdateService(b, {
    ...ctx('UpdateService.UpdateService'),
    '@odata.type': '#UpdateService.v1_8_0.UpdateService',
    Id: 'UpdateService',
    Name: 'Update Service',
    ServiceEnabled: true,
    HttpPushUri: '/fwupdate',
    MultipartHttpPushUri: '/mfwupdate',
    HttpPushUriTargetsBusy: false,
    HttpPushUriTargets: [],
    FirmwareInventory: link(`${ROOT}/UpdateService/FirmwareInventory`),
    Actions: {
      '#UpdateService.SimpleUpdate': { target: `${ROOT}/UpdateService/Actions/UpdateService.SimpleUpdate` },
      '#UpdateService.StartUpdate': { target: `${ROOT}/UpdateService/Actions/UpdateService.StartUpdate` },
    },
  });
}

const base: VendorProfile = {
  vendor: 'lenovo',
  messages: { base: 'Base.1.8', code: 'general', severity: 'both' },
  trailingSlash: false,
  expand: EXPAND,
  updates: {
    registry: 'Update.1.0',
    taskType: '#Task.v1_4_3.Task',
    monitor: 'dmtf',
    monitorGone: 404,
    taskId: numericTaskId,
    tasksSurviveReboot: false,
    stagedTask: 'completed',
    defaultApplyTime: { simple: 'Immediate', multipart: 'Immediate', push: 'Immediate' },
    exclusive: false,
    immediateRebootsHost: false,
    // XCC writes UEFI to the primary bank; the server runs it after its next restart.
    resetActivatedKinds: ['bios'],
    pushStagesImage: false,
    localImageUri: false,
    acceptedBody: 'task',
    resetAnswer: 'no-content',
  },
  // XCC creates volumes through a task. No slice path: XCC keeps -Backup banks of BMC and UEFI.
  storage: { volumeCreate: 'task', slicePath: false, imageData: false, componentIntegrity: false },
  sessions: {
    limit: 16,
    refuse: sessionLimitExceeded(400),
    newId: (n) => String(n),
    newToken: () => randomHex(32),
    timeoutSeconds: 1800,
    deleteAnswer: 'no-content',
    basicAuth: true,
  },
  build,
};

/**
 * XClarity Controller 2 as its update flow really runs (python-redfish-lenovo examples/
 * update_firmware.py, 2024): Task ids are UUIDs (XCC REST API guide, "GET – Task properties"
 * example); the task shows XCC's own TaskStates, "Downloading" while the image arrives and
 * "Verifying" while it is checked (task_monitor treats both, and any state starting with
 * "Downloading" or "Update", as running); the task then ends Completed and names a JobService job
 * that carries the flash on (lenovo-jobs.ts).
 */
const xcc2 = (p: VendorProfile): VendorProfile => ({
  ...p,
  updates: {
    ...p.updates,
    taskId: (_n, rng) => rng.uuid(),
    taskStates: { transferring: 'Downloading', verifying: 'Verifying' },
    handOver: handOverToJob,
  },
  build: (b) => {
    p.build(b);
    addJobService(b);
  },
});

export const lenovoProfile: VendorProfile = { ...base, generations: { xcc2 } };

/**
 * Supermicro X12 BMC profile (SYS-510T-MR), shaped on fixtures/redfish/vendor-samples/supermicro
 * (ServiceRoot 1.14.0 with $expand up to 2 levels) and update-services/updateservice_ok_response
 * (SMC messages written "Base.v1_10_3.<Id>"). FirmwareInventory has BMC / BIOS / CPLD members and
 * a Members@odata.count one higher than the Members it lists: the count includes the backup BMC
 * image the collection does not show, a disagreement clients must survive. UpdateService:
 * SimpleUpdate described by an ActionInfo, MultipartHttpPushUri with Immediate or
 * OnStartUpdateRequest + StartUpdate, Oem SmcUpdateService.Install.
 */
import type { Json } from '../resource-tree.ts';
import type { UpdateRequest } from '../update/update-job.ts';
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
import type { BmcBuilder, VendorProfile } from './profile.ts';
import { randomHex, sessionLimitExceeded } from './session-styles.ts';

const EXPAND = { expandAll: true, noLinks: true, links: true, levels: true, maxLevels: 2 };
const SYSTEM = `${ROOT}/Systems/1`;
const MANAGER = `${ROOT}/Managers/1`;
const CHASSIS = `${ROOT}/Chassis/1`;
const US = `${ROOT}/UpdateService`;

function member(id: string, name: string, version: string, related: string): Json & { Id: string } {
  return {
    Id: id,
    Name: name,
    Description: `${name} Firmware`,
    Version: version,
    Updateable: true,
    SoftwareId: id,
    Status: { State: 'Enabled', Health: 'OK' },
    RelatedItem: [link(related)],
  };
}

function build(b: BmcBuilder): void {
  const serial = `S${b.rng.int(100000, 999999)}X${b.rng.int(1000000, 9999999)}`;
  const bmcVersion = b.variant(['01.01.06', '01.00.25', '01.02.04']);
  const biosVersion = b.variant(['1.4', '1.1', '2.0']);

  addServiceRoot(b, {
    type: '#ServiceRoot.v1_14_0.ServiceRoot',
    redfishVersion: '1.14.0',
    uuid: `00000000-0000-0000-0000-${b.rng.hex(12).toUpperCase()}`,
    extra: {
      Vendor: 'Supermicro',
      Product: null,
      ServiceIdentification: serial,
      Oem: { Supermicro: { DumpService: link(`${ROOT}/Oem/Supermicro/DumpService`) } },
      ProtocolFeaturesSupported: {
        FilterQuery: true,
        SelectQuery: true,
        ExcerptQuery: false,
        OnlyMemberQuery: false,
        DeepOperations: { DeepPATCH: false, DeepPOST: false, MaxLevels: 1 },
        ExpandQuery: expandQuery(EXPAND),
      },
    },
  });
  addSingleton(b, `${ROOT}/Systems`, 'ComputerSystemCollection', 'Computer System Collection', {
    '@odata.type': '#ComputerSystem.v1_16_0.ComputerSystem',
    Id: '1',
    Name: 'System',
    Description: 'Description of server',
    Manufacturer: 'Supermicro',
    Model: 'SYS-510T-MR-EI018',
    PartNumber: 'SYS-510T-MR-EI018',
    SKU: 'To be filled by O.E.M.',
    SerialNumber: serial,
    AssetTag: null,
    SystemType: 'Physical',
    PowerState: 'On',
    BiosVersion: biosVersion,
    UUID: b.rng.uuid().toUpperCase(),
    Status: { State: 'Enabled', Health: 'OK' },
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
    '@odata.type': '#Manager.v1_11_0.Manager',
    Id: '1',
    Name: 'Manager',
    Description: 'BMC',
    ManagerType: 'BMC',
    Model: 'ASPEED',
    FirmwareVersion: bmcVersion,
    UUID: b.rng.uuid().toUpperCase(),
    Status: { State: 'Enabled', Health: 'OK' },
    Links: { ManagerForServers: [link(SYSTEM)], ManagerForChassis: [link(CHASSIS)] },
    Actions: {
      '#Manager.Reset': {
        target: `${MANAGER}/Actions/Manager.Reset`,
        'ResetType@Redfish.AllowableValues': ['GracefulRestart'],
      },
    },
  });
  addSingleton(b, `${ROOT}/Chassis`, 'ChassisCollection', 'Chassis Collection', {
    '@odata.type': '#Chassis.v1_14_0.Chassis',
    Id: '1',
    Name: 'Computer System Chassis',
    ChassisType: 'RackMount',
    Manufacturer: 'Supermicro',
    Model: 'CSE-819UTS-R1K02P-T',
    SerialNumber: `C8190${b.rng.alnumUpper(10)}`,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: { ComputerSystems: [link(SYSTEM)], ManagedBy: [link(MANAGER)] },
  });
  addBios(b, SYSTEM);
  addResetActionInfo(b, `${SYSTEM}/ResetActionInfo`, [
    'On',
    'ForceOff',
    'GracefulShutdown',
    'GracefulRestart',
    'ForceRestart',
    'Nmi',
    'ForceOn',
  ]);
  addSessionService(b, '#SessionService.v1_1_8.SessionService', 1800);
  addTaskService(b, '#TaskService.v1_1_4.TaskService');
  // The root's Oem link resolves (body as in gofish's oem/smc DumpService test fixture).
  b.tree.put(`${ROOT}/Oem/Supermicro/DumpService`, {
    '@odata.type': '#DumpService.v1_0_2.DumpService',
    Id: 'DumpService',
    Name: 'Dump Service',
    Description: 'Dump Service',
  });
  addAccountService(b, '#AccountService.v1_10_0.AccountService');
  addStorage(b, {
    systemPath: SYSTEM,
    id: 'HA-RAID',
    type: '#Storage.v1_10_1.Storage',
    extra: { Name: 'HA-RAID', Description: 'HA-RAID Controller' },
    controller: {
      Name: 'AVAGO 3908',
      Manufacturer: 'Broadcom',
      Model: 'AOC-S3908L-H8IR',
      FirmwareVersion: '52.20.0-4341',
      SupportedDeviceProtocols: ['SAS', 'SATA'],
    },
    drives: [0, 1].map((i) => ({
      id: `Disk.Bay.${i}`,
      body: sasDrive('ST1200MM0099', 'SEAGATE', 'ST31', b.rng.alnumUpper(8), 1_200_243_695_616),
    })),
  });
  addFirmwareInventory(
    b,
    [
      member('BMC', 'BMC', bmcVersion, MANAGER),
      member('BIOS', 'BIOS', biosVersion, SYSTEM),
      member('CPLD_Motherboard', 'CPLD Motherboard', b.variant(['F1.2C.10', 'F1.2C.0E']), SYSTEM),
    ],
    '#SoftwareInventory.v1_4_0.SoftwareInventory',
    { countSkew: 1 },
    { Description: 'Collection of Firmware Inventory' },
  );
  // X11-X13 SimpleUpdate as Supermicro's FAQ 45630 ("Which Redfish API endpoint should be used for
  // SimpleUpdate firmware updates?") documents it: 202, a body of ImageURI, TransferProtocol and
  // Targets (the Manager for the BMC image; the system's BIOS for a BIOS image), the image on an
  // FTP, HTTP or HTTPS server. Its example ImageURI is "<file ip>/<path>" with no scheme, so the
  // protocol comes from TransferProtocol there; nothing public says the BMC refuses a request whose
  // ImageURI names its scheme without TransferProtocol, so the simulator takes the scheme (DSP0268
  // SimpleUpdate) and asks for TransferProtocol only when the URI has none. Targets stays required:
  // the FAQ's requests always name the component.
  b.tree.put(`${US}/SimpleUpdateActionInfo`, {
    '@odata.type': '#ActionInfo.v1_1_2.ActionInfo',
    Id: 'SimpleUpdateActionInfo',
    Name: 'SimpleUpdate Action Info',
    Parameters: [
      { Name: 'ImageURI', Required: true, DataType: 'String' },
      {
        Name: 'TransferProtocol',
        Required: false,
        DataType: 'String',
        AllowableValues: ['HTTP', 'HTTPS', 'FTP'],
      },
      {
        Name: 'Targets',
        Required: true,
        DataType: 'StringArray',
        AllowableValues: [MANAGER, `${SYSTEM}/Bios`],
      },
    ],
  });
  addUpdateService(b, {
    '@odata.type': '#UpdateService.v1_11_0.UpdateService',
    Id: 'UpdateService',
    Name: 'Update Service',
    Description: 'Service for updating firmware and includes inventory of firmware',
    ServiceEnabled: true,
    Status: { State: 'Enabled', Health: 'OK' },
    FirmwareInventory: link(`${US}/FirmwareInventory`),
    MultipartHttpPushUri: `${US}/upload`,
    'MultipartHttpPushUri@Redfish.OperationApplyTimeSupport': {
      '@odata.type': '#Settings.v1_3_3.OperationApplyTimeSupport',
      SupportedValues: ['Immediate', 'OnStartUpdateRequest'],
    },
    Actions: {
      '#UpdateService.SimpleUpdate': {
        target: `${US}/Actions/UpdateService.SimpleUpdate`,
        '@Redfish.ActionInfo': `${US}/SimpleUpdateActionInfo`,
      },
      '#UpdateService.StartUpdate': { target: `${US}/Actions/UpdateService.StartUpdate` },
      Oem: { '#SmcUpdateService.Install': { target: `${US}/Actions/Oem/SmcUpdateService.Install` } },
    },
  });
}

const base: VendorProfile = {
  vendor: 'supermicro',
  // Supermicro writes Base registry ids as "Base.v1_10_3.<Id>" (fixture updateservice_ok_response).
  messages: { base: 'Base.v1_10_3', code: 'specific', severity: 'Severity' },
  trailingSlash: false,
  expand: EXPAND,
  updates: {
    registry: 'Update.1.0',
    taskType: '#Task.v1_4_3.Task',
    monitor: 'dmtf',
    monitorGone: 410,
    taskId: numericTaskId,
    tasksSurviveReboot: false,
    stagedTask: 'completed',
    defaultApplyTime: { simple: 'Immediate', multipart: 'Immediate', push: 'Immediate' },
    exclusive: false,
    immediateRebootsHost: false,
    resetActivatedKinds: [],
    pushStagesImage: false,
    localImageUri: false,
    acceptedBody: 'smc-accepted',
    resetAnswer: 'success',
  },
  // X12 creates volumes (201) but offers no image copy of its own: firmwarden's store copy only.
  storage: { volumeCreate: 'created', slicePath: false, imageData: false, componentIntegrity: false },
  sessions: {
    limit: 10,
    refuse: sessionLimitExceeded(503),
    newId: (n) => String(n),
    newToken: () => randomHex(32),
    timeoutSeconds: 1800,
    deleteAnswer: 'no-content',
    basicAuth: true,
  },
  build,
};

/**
 * Older Supermicro BMC firmware (X11 generation): the 202 accepting an update has no Location
 * header; the task is named only by the Accepted object's MessageArgs ("/redfish/v1/TaskService/
 * Tasks/<id>"). bmclib reads it from there (internal/redfishwrapper/firmware.go,
 * taskIDFromResponseBody: "well-formed JSON that isn't a Task (thanks SMC)"; fixture
 * updateservice_ok_response.json). Resources as the default profile.
 */
const x11 = (p: VendorProfile): VendorProfile => ({
  ...p,
  updates: { ...p.updates, acceptedLocation: false },
});

/** "BMC" or "BIOS", as X12 names its firmware tasks, from the upload's Targets. */
function smcComponent(request: UpdateRequest): string {
  if (request.targets.some((t) => /\/Bios$|\/BIOS$/i.test(t))) return 'BIOS';
  return 'BMC';
}

/**
 * X12/X13 (bmclib providers/supermicro/x12.go and docs/x12.md, a capture of the X12 web UI): a
 * multipart upload is verified by its own task ("BMC Verify" / "BIOS Verify") that ends
 * Completed + TaskStatus OK; nothing is flashed until UpdateService.StartUpdate, which answers 202
 * with a second task ("BMC Update" / "BIOS Update") that does it. bmclib always uploads with
 * OnStartUpdateRequest, Targets the Manager or Systems/1/Bios and Oem.Supermicro preserve flags.
 */
const x12 = (p: VendorProfile): VendorProfile => ({
  ...p,
  updates: {
    ...p.updates,
    verifyTask: {
      verifyName: (r) => `${smcComponent(r)} Verify`,
      updateName: (r) => `${smcComponent(r)} Update`,
    },
  },
});

export const supermicroProfile: VendorProfile = { ...base, generations: { x11, x12 } };

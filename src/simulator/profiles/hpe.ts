/**
 * HPE iLO 5 profile (ProLiant DL380 Gen10, System ROM family U30), shaped on
 * fixtures/redfish/vendor-samples/hpe-ilo and HPE's "Redfish update service" notes for iLO 5:
 * numeric FirmwareInventory Ids, every @odata.id with a trailing slash (both forms answered),
 * Oem.Hpe DeviceClass/Targets GUIDs, UpdateService v1.1 with SimpleUpdate and HttpPushUri
 * /cgi-bin/uploadFile but no MultipartHttpPushUri and no apply-time announcement (iLO decides per
 * component: iLO itself at once, System ROM on next reboot). $expand=. one level (ExpandAll false).
 */
import type { Json } from '../resource-tree.ts';
import { numericTaskId } from '../update/update-policy.ts';
import {
  addAccountService,
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
  ROOT,
  sasDrive,
} from './common.ts';
import { hpeInventory } from './hpe-inventory.ts';
import { hpeUpdateState } from './hpe-update-state.ts';
import { iloUploadFile } from './hpe-upload.ts';
import type { BmcBuilder, VendorProfile } from './profile.ts';
import { randomHex, sessionLimitExceeded } from './session-styles.ts';

const EXPAND = { expandAll: false, noLinks: true, links: false, levels: true, maxLevels: 1 };
const SYSTEM = `${ROOT}/Systems/1`;
const MANAGER = `${ROOT}/Managers/1`;
const CHASSIS = `${ROOT}/Chassis/1`;

/**
 * Firmware generations: 'ilo5' (default, iLO 5 2.7x-2.9x), 'ilo5-early' (iLO 5 before 2.30) and
 * 'ilo6' (ProLiant Gen11). HPE's dev blog "HPE firmware updates: Part 3 - The Redfish update
 * service" (2020, updated 2023): "With iLO 5 firmware 2.30 and higher versions, a successful
 * SimpleUpdate returns two pointers in the Task Service: a task location and a task monitor
 * location"; before, the POST answers 200 and progress is only UpdateService
 * Oem.Hpe.State/FlashProgressPercent. iLO 6 updates as iLO 5 2.30+ for everything simulated here
 * (the iLO 5 3.09 and iLO 6 1.70 references list the same Oem.Hpe.State values and upload form;
 * task monitors vanish once iLO resets: ironcore-dev/metal-operator issue 617); it differs in
 * names, versions and its Base.1.18 registry. Unlike a real early iLO 5, the simulator still lists
 * the work under TaskService (the update machinery is shared); nothing in the answer points at it.
 */
export type HpeGeneration = 'ilo5' | 'ilo5-early' | 'ilo6';

/** What the service calls the server and its iLO, per generation. */
const MODEL: Record<HpeGeneration, { ilo: string; product: string; sku: string }> = {
  ilo5: { ilo: 'iLO 5', product: 'ProLiant DL380 Gen10', sku: '868703-B21' },
  'ilo5-early': { ilo: 'iLO 5', product: 'ProLiant DL380 Gen10', sku: '868703-B21' },
  ilo6: { ilo: 'iLO 6', product: 'ProLiant DL380 Gen11', sku: 'P52534-B21' },
};

function build(b: BmcBuilder, generation: HpeGeneration = 'ilo5'): void {
  const model = MODEL[generation];
  const serial = `CZJ${b.rng.int(7, 9)}${b.rng.int(10, 52)}${b.rng.alnumUpper(4)}`;
  const inventory = hpeInventory(b, generation);
  const iloVersion = String(inventory.find((m) => m.Id === '1')?.['Version'] ?? '');
  const romVersion = String(inventory.find((m) => m.Id === '2')?.['Version'] ?? '');
  const iloShort = iloVersion.split(' ')[0] ?? iloVersion;

  addServiceRoot(b, {
    type: '#ServiceRoot.v1_5_1.ServiceRoot',
    redfishVersion: '1.6.0',
    uuid: b.rng.uuid(),
    extra: {
      Vendor: 'HPE',
      Product: model.product,
      ProtocolFeaturesSupported: {
        ExpandQuery: expandQuery(EXPAND),
        FilterQuery: true,
        OnlyMemberQuery: true,
        SelectQuery: false,
      },
      Oem: {
        Hpe: {
          '@odata.type': '#HpeiLOServiceExt.v2_3_0.HpeiLOServiceExt',
          Manager: [{ ManagerType: model.ilo, ManagerFirmwareVersion: iloShort, DefaultLanguage: 'en' }],
          Moniker: { PRODGEN: model.ilo, PRODVER: iloShort, PRODNAM: 'Integrated Lights-Out' },
          Sessions: { LoginHint: { Hint: 'POST to /Sessions to login using the following JSON object:' } },
        },
      },
    },
  });
  addSingleton(b, `${ROOT}/Systems`, 'ComputerSystemCollection', 'Computer Systems', {
    '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem',
    Id: '1',
    Name: 'Computer System',
    Manufacturer: 'HPE',
    Model: model.product,
    SKU: model.sku,
    SerialNumber: serial,
    SystemType: 'Physical',
    PowerState: 'On',
    BiosVersion: romVersion,
    UUID: b.rng.uuid(),
    Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
    Storage: link(`${SYSTEM}/Storage`),
    Links: { Chassis: [link(CHASSIS)], ManagedBy: [link(MANAGER)] },
    Actions: {
      '#ComputerSystem.Reset': {
        target: `${SYSTEM}/Actions/ComputerSystem.Reset/`,
        'ResetType@Redfish.AllowableValues': [
          'On',
          'ForceOff',
          'GracefulShutdown',
          'ForceRestart',
          'Nmi',
          'PushPowerButton',
          'GracefulRestart',
        ],
      },
    },
    Oem: {
      Hpe: { '@odata.type': '#HpeComputerSystemExt.v2_10_0.HpeComputerSystemExt', PostState: 'FinishedPost' },
    },
  });
  addSingleton(b, `${ROOT}/Managers`, 'ManagerCollection', 'Managers', {
    '@odata.type': '#Manager.v1_5_1.Manager',
    Id: '1',
    Name: 'Manager',
    ManagerType: 'BMC',
    Model: model.ilo,
    FirmwareVersion: `${model.ilo} v${iloShort}`,
    UUID: b.rng.uuid(),
    Status: { State: 'Enabled', Health: 'OK' },
    Links: {
      ManagerForServers: [link(SYSTEM)],
      ManagerForChassis: [link(CHASSIS)],
      ManagerInChassis: link(CHASSIS),
    },
    Actions: {
      '#Manager.Reset': {
        target: `${MANAGER}/Actions/Manager.Reset/`,
        'ResetType@Redfish.AllowableValues': ['GracefulRestart'],
      },
    },
  });
  addSingleton(b, `${ROOT}/Chassis`, 'ChassisCollection', 'Computer System Chassis', {
    '@odata.type': '#Chassis.v1_10_0.Chassis',
    Id: '1',
    Name: 'Computer System Chassis',
    ChassisType: 'RackMount',
    Manufacturer: 'HPE',
    Model: model.product,
    SerialNumber: serial,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: { ComputerSystems: [link(SYSTEM)], ManagedBy: [link(MANAGER)] },
  });
  addSessionService(b, '#SessionService.v1_0_0.SessionService', 1800);
  addTaskService(b, '#TaskService.v1_1_1.TaskService');
  addAccountService(b, '#AccountService.v1_5_0.AccountService');
  const smartArray = String(
    inventory.find((m) => m.Name === 'HPE Smart Array P408i-a SR Gen10')?.['Version'] ?? '',
  );
  addStorage(b, {
    systemPath: SYSTEM,
    id: 'DE00A000',
    type: '#Storage.v1_12_0.Storage',
    extra: { Name: 'HPE Smart Array P408i-a SR Gen10' },
    controller: {
      Name: 'HPE Smart Array P408i-a SR Gen10',
      Manufacturer: 'HPE',
      Model: 'HPE Smart Array P408i-a SR Gen10',
      FirmwareVersion: smartArray,
      SerialNumber: `PEYHB0${b.rng.alnumUpper(8)}`,
      SupportedDeviceProtocols: ['SAS', 'SATA'],
    },
    drives: [0, 1, 2].map((i) => ({
      id: String(i),
      body: sasDrive('EG001200JWJNQ', 'HPE', 'HPD6', b.rng.alnumUpper(10), 1_200_000_000_000),
    })),
  });
  addFirmwareInventory(
    b,
    inventory,
    '#SoftwareInventory.v1_0_0.SoftwareInventory',
    {},
    {
      Description: 'Firmware Inventory Collection',
    },
  );
  addCollection(
    b,
    `${ROOT}/UpdateService/SoftwareInventory`,
    'SoftwareInventoryCollection',
    'Software Inventory',
  );
  addCollection(
    b,
    `${ROOT}/UpdateService/ComponentRepository`,
    'HpeComponentCollection',
    'Component Repository',
  );
  addCollection(b, `${ROOT}/UpdateService/InstallSets`, 'HpeComponentInstallSetCollection', 'Install Sets');
  addCollection(
    b,
    `${ROOT}/UpdateService/UpdateTaskQueue`,
    'HpeComponentUpdateTaskQueueCollection',
    'Update Task Queue',
  );
  const target = (action: string): string => `${ROOT}/UpdateService/Actions/Oem/Hpe/${action}/`;
  addUpdateService(b, {
    '@odata.type': '#UpdateService.v1_1_1.UpdateService',
    Id: 'UpdateService',
    Name: 'Update Service',
    Description: 'iLO Update Service',
    ServiceEnabled: true,
    // iLO 5: raw push upload (multipart form, session cookie or token) outside /redfish.
    HttpPushUri: '/cgi-bin/uploadFile',
    FirmwareInventory: link(`${ROOT}/UpdateService/FirmwareInventory`),
    SoftwareInventory: link(`${ROOT}/UpdateService/SoftwareInventory`),
    Actions: {
      '#UpdateService.SimpleUpdate': { target: `${ROOT}/UpdateService/Actions/UpdateService.SimpleUpdate/` },
      Oem: {
        '#HpeiLOUpdateServiceExt.AddFromUri': { target: target('HpeiLOUpdateServiceExt.AddFromUri') },
        '#HpeiLOUpdateServiceExt.StartFirmwareIntegrityCheck': {
          target: target('HpeiLOUpdateServiceExt.StartFirmwareIntegrityCheck'),
        },
      },
    },
    Oem: hpeUpdateServiceOem(),
  });
}

function hpeUpdateServiceOem(): Json {
  return {
    Hpe: {
      '@odata.type': '#HpeiLOUpdateServiceExt.v2_1_4.HpeiLOUpdateServiceExt',
      CurrentTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      FlashProgressPercent: 0,
      State: 'Idle',
      ComponentRepository: link(`${ROOT}/UpdateService/ComponentRepository/`),
      InstallSets: link(`${ROOT}/UpdateService/InstallSets/`),
      UpdateTaskQueue: link(`${ROOT}/UpdateService/UpdateTaskQueue/`),
    },
  };
}

export const hpeProfile: VendorProfile = {
  vendor: 'hpe',
  generation: 'ilo5',
  generations: {
    'ilo5-early': (reference) => ({
      ...reference,
      updates: { ...reference.updates, acceptedBody: 'ilo-ok' },
      build: (b) => build(b, 'ilo5-early'),
    }),
    // iLO 6 1.70's registries: Base.1.18 (HPEDevCom/redfishdocs ilo6_msgregs170).
    ilo6: (reference) => ({
      ...reference,
      messages: { ...reference.messages, base: 'Base.1.18' },
      serverHeader: 'HPE-iLO-Server/1.30',
      build: (b) => build(b, 'ilo6'),
    }),
  },
  messages: { base: 'Base.1.4', code: 'general', severity: 'Severity' },
  serverHeader: 'HPE-iLO-Server/1.30',
  trailingSlash: true,
  expand: EXPAND,
  updates: {
    registry: 'Update.1.0',
    taskType: '#Task.v1_4_2.Task',
    monitor: 'dmtf',
    monitorGone: 404,
    taskId: numericTaskId,
    tasksSurviveReboot: false,
    stagedTask: 'completed',
    defaultApplyTime: { simple: 'Immediate', multipart: 'Immediate', push: 'Immediate' },
    exclusive: false,
    immediateRebootsHost: false,
    // iLO flashes the System ROM at once; the server runs it after its next reboot.
    resetActivatedKinds: ['bios'],
    pushStagesImage: false,
    localImageUri: false,
    acceptedBody: 'task',
    resetAnswer: 'success',
    powerQuirk: 'hpe-400-when-off',
  },
  // iLO 5 Smart Array configuration is applied by the controller at the next boot. No slice path:
  // the System Recovery Set and the redundant System ROM are iLO's recovery.
  storage: {
    volumeCreate: 'deferred',
    volumeApplyTimes: ['OnReset'],
    slicePath: false,
    imageData: false,
    componentIntegrity: false,
    recoverySet: true,
  },
  sessions: {
    limit: 10,
    refuse: sessionLimitExceeded(503),
    newId: (_n, user) => `${user.toLowerCase()}${randomHex(16)}`,
    newToken: () => randomHex(32),
    timeoutSeconds: 1800,
    deleteAnswer: 'success',
    basicAuth: true,
  },
  build,
  register(host) {
    hpeUpdateState(host).register();
    // iLO's upload form replaces the generic HttpPushUri handler (hpe-upload.ts).
    host.route('POST', '/cgi-bin/uploadFile', (req) => iloUploadFile(host, req));
  },
};

/**
 * Building blocks every vendor profile uses: service root, single-member collections, session
 * and task services, storage with drives and an empty Volumes collection, firmware inventory and
 * the UpdateService (whose Oem update actions answer 501; the standard entry points are wired by
 * update/update-routes.ts). Shapes follow DMTF DSP2046 examples and the public-tower mockup.
 */
import type { ExpandSupport } from '../odata-query.ts';
import type { CollectionOptions, Json } from '../resource-tree.ts';
import type { BmcBuilder } from './profile.ts';

export const ROOT = '/redfish/v1';
export const FIRMWARE_INVENTORY = `${ROOT}/UpdateService/FirmwareInventory`;

export function link(path: string): Json {
  return { '@odata.id': path };
}

/** ProtocolFeaturesSupported.ExpandQuery as announced; all false when $expand is unsupported. */
export function expandQuery(expand: ExpandSupport | undefined): Json {
  if (expand === undefined) return { ExpandAll: false, Levels: false, Links: false, NoLinks: false };
  return {
    ExpandAll: expand.expandAll,
    Levels: expand.levels,
    Links: expand.links,
    MaxLevels: expand.maxLevels,
    NoLinks: expand.noLinks,
  };
}

export interface ServiceRootSpec {
  type: string;
  redfishVersion: string;
  uuid: string;
  /** Extra top-level properties (Vendor, Product, Oem, ProtocolFeaturesSupported, ...). */
  extra?: Json;
  /** Adds "@odata.context" as iDRAC and XCC do. */
  context?: boolean;
}

/** The service root linking every service the simulator serves. */
export function addServiceRoot(b: BmcBuilder, spec: ServiceRootSpec): void {
  b.tree.put(ROOT, {
    ...(spec.context ? { '@odata.context': `${ROOT}/$metadata#ServiceRoot.ServiceRoot` } : {}),
    '@odata.id': ROOT,
    '@odata.type': spec.type,
    Id: 'RootService',
    Name: 'Root Service',
    RedfishVersion: spec.redfishVersion,
    UUID: spec.uuid,
    Systems: link(`${ROOT}/Systems`),
    Chassis: link(`${ROOT}/Chassis`),
    Managers: link(`${ROOT}/Managers`),
    Tasks: link(`${ROOT}/TaskService`),
    SessionService: link(`${ROOT}/SessionService`),
    AccountService: link(`${ROOT}/AccountService`),
    UpdateService: link(`${ROOT}/UpdateService`),
    Links: { Sessions: link(`${ROOT}/SessionService/Sessions`) },
    ...spec.extra,
  });
}

/** A collection head: "#XCollection.XCollection" and its Name. */
export function addCollection(
  b: BmcBuilder,
  path: string,
  type: string,
  name: string,
  extra: Json = {},
  options: CollectionOptions = {},
): void {
  b.tree.collection(path, { '@odata.type': `#${type}.${type}`, Name: name, ...extra }, options);
}

/** A collection holding one member (Systems, Managers, Chassis of a single-node server). */
export function addSingleton(
  b: BmcBuilder,
  collectionPath: string,
  type: string,
  name: string,
  member: Json & { Id: string },
): string {
  if (!b.tree.has(collectionPath)) addCollection(b, collectionPath, type, name);
  const path = `${collectionPath}/${member.Id}`;
  b.tree.addMember(collectionPath, path, { '@odata.id': path, ...member });
  return path;
}

/** SessionService and its (initially empty) Sessions collection. */
export function addSessionService(
  b: BmcBuilder,
  type: string,
  timeoutSeconds: number,
  extra: Json = {},
): void {
  b.tree.put(`${ROOT}/SessionService`, {
    '@odata.type': type,
    Id: 'SessionService',
    Name: 'Session Service',
    Description: 'Session Service',
    ServiceEnabled: true,
    SessionTimeout: timeoutSeconds,
    Status: { State: 'Enabled', Health: 'OK' },
    Sessions: link(`${ROOT}/SessionService/Sessions`),
    ...extra,
  });
  addCollection(b, `${ROOT}/SessionService/Sessions`, 'SessionCollection', 'Session Collection');
}

/** TaskService with an empty Tasks collection. */
export function addTaskService(b: BmcBuilder, type: string, extra: Json = {}): void {
  b.tree.put(`${ROOT}/TaskService`, {
    '@odata.type': type,
    Id: 'TaskService',
    Name: 'Task Service',
    CompletedTaskOverWritePolicy: 'Oldest',
    LifeCycleEventOnTaskStateChange: true,
    ServiceEnabled: true,
    Status: { State: 'Enabled', Health: 'OK' },
    Tasks: link(`${ROOT}/TaskService/Tasks`),
    ...extra,
  });
  addCollection(b, `${ROOT}/TaskService/Tasks`, 'TaskCollection', 'Task Collection');
}

/**
 * The predefined roles of DSP0266 "Roles" with the privileges it assigns them. iDRAC, iLO, XCC,
 * Supermicro and bmcweb all serve at least these three under AccountService/Roles.
 */
const PREDEFINED_ROLES: Array<[string, string[]]> = [
  ['Administrator', ['Login', 'ConfigureManager', 'ConfigureUsers', 'ConfigureComponents', 'ConfigureSelf']],
  ['Operator', ['Login', 'ConfigureComponents', 'ConfigureSelf']],
  ['ReadOnly', ['Login', 'ConfigureSelf']],
];

/** A minimal AccountService with the predefined Roles (firmwarden only reads it). */
export function addAccountService(b: BmcBuilder, type: string, extra: Json = {}): void {
  const roles = `${ROOT}/AccountService/Roles`;
  b.tree.put(`${ROOT}/AccountService`, {
    '@odata.type': type,
    Id: 'AccountService',
    Name: 'Account Service',
    ServiceEnabled: true,
    Status: { State: 'Enabled', Health: 'OK' },
    Roles: link(roles),
    ...extra,
  });
  addCollection(b, roles, 'RoleCollection', 'Roles Collection');
  for (const [id, privileges] of PREDEFINED_ROLES) {
    b.tree.addMember(roles, `${roles}/${id}`, {
      '@odata.type': '#Role.v1_2_2.Role',
      Id: id,
      Name: `User Role ${id}`,
      RoleId: id,
      IsPredefined: true,
      AssignedPrivileges: privileges,
    });
  }
}

export interface StorageSpec {
  /** e.g. /redfish/v1/Systems/System.Embedded.1 */
  systemPath: string;
  /** Storage Id, e.g. RAID.Integrated.1-1 */
  id: string;
  type: string;
  /** Name, Description, Oem, ... of the Storage resource. */
  extra?: Json;
  /** Properties of StorageControllers[0] (Name, Manufacturer, Model, FirmwareVersion, ...). */
  controller: Json;
  drives: Array<{ id: string; body: Json }>;
  /** Where drives live; default `<storage>/Drives/<id>`. */
  drivePath?: (storagePath: string, driveId: string) => string;
}

/** A storage subsystem with one controller, its drives and an empty Volumes collection. */
export function addStorage(b: BmcBuilder, spec: StorageSpec): string {
  const coll = `${spec.systemPath}/Storage`;
  if (!b.tree.has(coll)) addCollection(b, coll, 'StorageCollection', 'Storage Collection');
  const path = `${coll}/${spec.id}`;
  const drivePath = spec.drivePath ?? ((s, d) => `${s}/Drives/${d}`);
  const drivePaths = spec.drives.map((d) => drivePath(path, d.id));
  b.tree.addMember(coll, path, {
    '@odata.id': path,
    '@odata.type': spec.type,
    Id: spec.id,
    Name: spec.id,
    Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
    StorageControllers: [
      {
        '@odata.id': `${path}#/StorageControllers/0`,
        MemberId: '0',
        Status: { State: 'Enabled', Health: 'OK' },
        SupportedRAIDTypes: ['RAID0', 'RAID1', 'RAID5', 'RAID6', 'RAID10', 'RAID50', 'RAID60'],
        ...spec.controller,
      },
    ],
    Drives: drivePaths.map(link),
    'Drives@odata.count': drivePaths.length,
    Volumes: link(`${path}/Volumes`),
    ...spec.extra,
  });
  addCollection(b, `${path}/Volumes`, 'VolumeCollection', 'Volume Collection', {
    Description: 'Collection of Volumes',
  });
  spec.drives.forEach((d, i) => {
    const p = drivePaths[i] as string;
    b.tree.put(p, { '@odata.id': p, '@odata.type': '#Drive.v1_9_0.Drive', Id: d.id, ...d.body });
  });
  return path;
}

/** A typical SAS drive body; `serial` varies per BMC. */
export function sasDrive(
  model: string,
  manufacturer: string,
  revision: string,
  serial: string,
  bytes: number,
): Json {
  return {
    Name: model,
    Manufacturer: manufacturer,
    Model: model,
    Revision: revision,
    SerialNumber: serial,
    CapacityBytes: bytes,
    MediaType: 'HDD',
    Protocol: 'SAS',
    CapableSpeedGbs: 6,
    Status: { State: 'Enabled', Health: 'OK' },
  };
}

/** FirmwareInventory: one SoftwareInventory member per entry (the entry's Id names the member). */
export function addFirmwareInventory(
  b: BmcBuilder,
  members: Array<Json & { Id: string }>,
  type: string,
  options: CollectionOptions = {},
  collectionExtra: Json = {},
): void {
  addCollection(
    b,
    FIRMWARE_INVENTORY,
    'SoftwareInventoryCollection',
    'Firmware Inventory Collection',
    collectionExtra,
    options,
  );
  for (const m of members) {
    const path = `${FIRMWARE_INVENTORY}/${m.Id}`;
    b.tree.addMember(FIRMWARE_INVENTORY, path, { '@odata.id': path, '@odata.type': type, ...m });
  }
}

/**
 * Stores the UpdateService and answers every update entry point it announces (action targets, Oem
 * action targets, HttpPushUri, MultipartHttpPushUri) with 501; update-routes.ts then replaces the
 * standard ones (SimpleUpdate, StartUpdate, the push URIs) with the simulated update.
 */
export function addUpdateService(b: BmcBuilder, body: Json): void {
  b.tree.put(`${ROOT}/UpdateService`, body);
  const actions = (body['Actions'] ?? {}) as Record<string, unknown>;
  const announce = (name: string, value: unknown): void => {
    const target = (value as { target?: unknown } | undefined)?.target;
    if (typeof target === 'string') b.notImplemented(target, name.replace(/^#/, ''));
  };
  for (const [name, value] of Object.entries(actions)) {
    if (name === 'Oem') for (const [n, v] of Object.entries(value as Json)) announce(n, v);
    else announce(name, value);
  }
  for (const key of ['HttpPushUri', 'MultipartHttpPushUri'] as const) {
    const uri = body[key];
    if (typeof uri === 'string') b.notImplemented(uri, key);
  }
}

/** A minimal Bios resource (update targets such as Supermicro's /Systems/1/Bios must exist). */
export function addBios(b: BmcBuilder, systemPath: string, type = '#Bios.v1_1_0.Bios'): void {
  b.tree.put(`${systemPath}/Bios`, {
    '@odata.type': type,
    Id: 'Bios',
    Name: 'BIOS Configuration Current Settings',
    AttributeRegistry: 'BiosAttributeRegistry.v1_0_0',
    Attributes: {},
  });
}

/** An ActionInfo describing the ResetType values of a Reset action. */
export function addResetActionInfo(b: BmcBuilder, path: string, values: readonly string[]): void {
  b.tree.put(path, {
    '@odata.type': '#ActionInfo.v1_1_2.ActionInfo',
    Id: path.split('/').pop() ?? 'ResetActionInfo',
    Name: 'Reset Action Info',
    Parameters: [{ Name: 'ResetType', Required: true, DataType: 'String', AllowableValues: [...values] }],
  });
}

/** A MAC address from the BMC's RNG with a vendor OUI prefix (e.g. "d0:8e:79"). */
export function macAddress(b: BmcBuilder, oui: string): string {
  const h = b.rng.hex(6);
  return `${oui}:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

/**
 * Probes one BMC, reading only: what the service offers and what firmwarden will do with it —
 * update method per component, apply times, how progress is followed, resets, the backup slice or
 * its fallback, sessions, TLS, family and generation, and anything odd. Each section that cannot
 * be read is reported with its error; only an unreadable service root fails the whole probe.
 */
import { discoverBackup } from '../backup/backup-support.ts';
import { readFirmwareView } from '../backup/firmware-view.ts';
import { SLICE_NAME } from '../backup/slice-offer.ts';
import { readControllers } from '../backup/storage-read.ts';
import type { Deps } from '../deps.ts';
import { FirmwardenError } from '../errors.ts';
import { discoverUpdateService, type UpdateCapabilities } from '../executor/capabilities.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { RedfishClient } from '../redfish/client.ts';
import type { ExchangeRecorder } from '../redfish/exchange.ts';
import type { ServiceRoot, UpdateService } from '../redfish/models/index.ts';
import { detectDriver } from '../vendors/detect.ts';
import type { GenerationFacts, VendorDriver } from '../vendors/types.ts';
import { describeFollow } from './follow-wording.ts';
import type { BackupFacts, ProbeReport, SessionFacts, UpdateOffer } from './model.ts';
import {
  countMembers,
  managerResetTypes,
  readManager,
  readSessions,
  systemResetTypes,
} from './service-facts.ts';
import { readTlsFacts } from './tls-facts.ts';
import { planComponent } from './update-plan.ts';

export interface ProbeOptions {
  /** Sees every exchange (a TraceRecorder's `record`). */
  recorder?: ExchangeRecorder;
  /** Sees the UpdateService capabilities the probe read (update --dry-run plans methods on them). */
  capabilities?: (caps: UpdateCapabilities) => void;
}

/** Probes one server with its own client, logged out and closed whatever happens. */
export async function probeServer(
  server: ResolvedServer,
  deps: Deps,
  options: ProbeOptions = {},
): Promise<ProbeReport> {
  let auth: SessionFacts['auth'] = 'none';
  const record = options.recorder;
  const client = new RedfishClient(
    {
      ...server.client,
      recorder: (ex) => {
        // How the client authenticated, seen on the wire (the client keeps its auth state private).
        if (ex.requestHeaders['x-auth-token']) auth = 'session';
        else if (/^basic /i.test(ex.requestHeaders['authorization'] ?? '') && auth === 'none') auth = 'basic';
        record?.(ex);
      },
    },
    deps,
  );
  try {
    const report = await probeWith(client, server, deps, options.capabilities);
    report.sessions.auth = auth;
    return report;
  } finally {
    await client.close();
  }
}

async function probeWith(
  client: RedfishClient,
  server: ResolvedServer,
  deps: Deps,
  onCaps?: (caps: UpdateCapabilities) => void,
): Promise<ProbeReport> {
  const errors: ProbeReport['errors'] = [];
  const oddities: string[] = [];
  const section = async <T>(name: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      const e = err instanceof FirmwardenError ? err : undefined;
      errors.push({ section: name, code: e?.code ?? 'FW_ERR_UNEXPECTED', message: (err as Error).message });
      return undefined;
    }
  };
  const root = await client.root();
  const driver = await detectDriver(client, root, server.vendor);
  const tls = server.bmc.startsWith('https:')
    ? await section('tls', () => readTlsFacts(server.bmc, server.client.tls ?? {}))
    : undefined;
  const manager = await section('manager', () => readManager(client, root));
  const caps = await section('update', () => discoverUpdateService(client));
  if (caps) onCaps?.(caps);
  const view = await section('inventory', () => readFirmwareView(client, server, deps.clock));
  const managerResets = await section('resets', () => managerResetTypes(client, manager));
  const systemResets = await section('resets', () => systemResetTypes(client));
  const managersUri = root.Managers?.['@odata.id'];
  const managers = managersUri
    ? await section('managers', () => countMembers(client, managersUri))
    : undefined;
  const sessions = await section('sessions', () => readSessions(client, root));
  const backup = caps && view ? await section('backup', () => readBackup(client, view, caps)) : undefined;
  if (view && caps) {
    const fi = await section('inventory', () => countMembers(client, caps.firmwareInventory));
    if (fi?.odd) oddities.push(fi.odd);
  }
  if (managers?.odd) oddities.push(managers.odd);
  oddities.push(...(sessions?.oddities ?? []), ...serviceOddities(root, caps, view?.updateService));
  if (managerResets === 'not announced') oddities.push('Manager.Reset announces no ResetType values');
  if (systemResets === 'not announced') oddities.push('ComputerSystem.Reset announces no ResetType values');
  for (const c of view?.inventory.components ?? []) {
    if (c.version === '') oddities.push(`${c.name} (${c.id}) reports no Version`);
  }
  const managerText = [manager?.Model, manager?.FirmwareVersion && `firmware ${manager.FirmwareVersion}`]
    .filter(Boolean)
    .join(', ');
  const ctx = {
    driver,
    managers: managers?.links ?? [],
    ...(managerResets ? { managerResets } : {}),
    ...(systemResets ? { systemResets } : {}),
  };
  return {
    server: server.name,
    bmc: server.bmc,
    ...(tls ? { tls } : {}),
    ...(root.RedfishVersion ? { redfishVersion: root.RedfishVersion } : {}),
    ...(root.Vendor ? { vendor: root.Vendor } : {}),
    ...(root.Product ? { product: root.Product } : {}),
    family: driver.vendor,
    ...generationOf(driver, { root, manager, systemModel: view?.inventory.model }),
    ...(managerText ? { manager: managerText } : {}),
    ...(view?.inventory.model ? { model: view.inventory.model } : {}),
    ...(caps ? { update: offerOf(caps, view?.updateService) } : {}),
    follow: describeFollow(driver, root.Tasks !== undefined),
    resets: {
      ...(managerResets ? { manager: managerResets } : {}),
      ...(systemResets ? { system: systemResets } : {}),
    },
    components: (view?.inventory.components ?? []).map((c) =>
      caps
        ? planComponent(c, { caps, ...ctx })
        : {
            id: c.id,
            name: c.name,
            kind: c.kind,
            version: c.version,
            why: 'UpdateService unusable (see errors)',
            resets: '-',
          },
    ),
    ...(backup ? { backup } : {}),
    sessions: { auth: 'none', ...sessions?.facts },
    oddities,
    errors,
  };
}

/** The driver's reading of the generation, or why there is none. */
function generationOf(
  driver: VendorDriver,
  facts: GenerationFacts,
): Pick<ProbeReport, 'generation' | 'generationFrom'> {
  if (!driver.generation) {
    return {
      generation: 'unknown',
      generationFrom: `the ${driver.vendor} driver tells no generations apart`,
    };
  }
  const reading = driver.generation(facts);
  if (reading) return { generation: reading.name, generationFrom: reading.from };
  return {
    generation: 'unknown',
    generationFrom: facts.manager
      ? `nothing in the Manager, service root or system model names a ${driver.vendor} generation`
      : 'no Manager to read it from (none linked, or see errors)',
  };
}

async function readBackup(
  client: RedfishClient,
  view: Awaited<ReturnType<typeof readFirmwareView>>,
  caps: UpdateCapabilities,
): Promise<BackupFacts> {
  const controllers = await readControllers(client);
  const support = await discoverBackup(client, view, caps, controllers, SLICE_NAME);
  return {
    mechanism: support.mechanism,
    sliceOffered: support.sliceOffered,
    detail: support.detail,
    controllers: controllers.map((c) => ({
      name: c.name,
      raidTypes: c.raidTypes,
      volumes: c.volumes.length,
      freeDrives: c.drives.filter((d) => d.healthy && (d.freeBytes ?? 0) > 0).map((d) => d.name),
      freeSpaceKnown: c.drives.every((d) => d.freeBytes !== undefined),
      ...(c.volumeApplyTimes ? { volumeApplyTimes: c.volumeApplyTimes } : {}),
    })),
  };
}

function offerOf(caps: UpdateCapabilities, us: UpdateService | undefined): UpdateOffer {
  const s = caps.simple;
  const info = us?.Actions?.['#UpdateService.SimpleUpdate']?.['@Redfish.ActionInfo'];
  return {
    updateService: caps.uri,
    ...(s
      ? {
          simpleUpdate: {
            ...(s.protocols ? { protocols: s.protocols } : {}),
            ...(s.applyTimes ? { applyTimes: s.applyTimes } : {}),
            ...(s.targets ? { targets: s.targets } : {}),
            actionInfo: info !== undefined,
          },
        }
      : {}),
    ...(caps.multipart
      ? {
          multipart: {
            uri: caps.multipart.uri,
            ...(caps.multipart.applyTimes ? { applyTimes: caps.multipart.applyTimes } : {}),
          },
        }
      : {}),
    ...(caps.httpPush
      ? {
          httpPush: {
            uri: caps.httpPush.uri,
            ...(caps.httpPush.applyTimes || caps.httpPush.applyTime
              ? { applyTimes: caps.httpPush.applyTimes ?? [caps.httpPush.applyTime as string] }
              : {}),
          },
        }
      : {}),
    startUpdate: caps.startUpdate !== undefined,
    ...(caps.maxImageSizeBytes !== undefined ? { maxImageSizeBytes: caps.maxImageSizeBytes } : {}),
    ...(caps.maintenanceWindow ? { maintenanceWindow: caps.maintenanceWindow } : {}),
  };
}

/** What is off in the service root and UpdateService. */
function serviceOddities(
  root: ServiceRoot,
  caps: UpdateCapabilities | undefined,
  us: UpdateService | undefined,
): string[] {
  const out: string[] = [];
  if (!root.RedfishVersion) out.push('the service root states no RedfishVersion');
  if (!root.Tasks)
    out.push('no TaskService linked from the service root: tasks can only be followed by Location');
  const simple = us?.Actions?.['#UpdateService.SimpleUpdate'];
  if (simple && !simple['@Redfish.ActionInfo']) {
    out.push(
      simple['TransferProtocol@Redfish.AllowableValues']
        ? 'SimpleUpdate has no @Redfish.ActionInfo: allowed Targets are not announced'
        : 'SimpleUpdate has no @Redfish.ActionInfo nor inline AllowableValues: Targets and protocols not announced',
    );
  }
  if (caps?.httpPushBusy)
    out.push('HttpPushUriOptionsBusy is true: another client holds the HttpPushUri options');
  if (caps && !caps.simple && !caps.multipart && !caps.httpPush)
    out.push('the UpdateService announces no update method');
  return out;
}

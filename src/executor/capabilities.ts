/**
 * What a BMC's UpdateService offers, read once per update session: SimpleUpdate (with its
 * ActionInfo or inline AllowableValues), MultipartHttpPushUri, HttpPushUri (+ options),
 * StartUpdate, MaxImageSizeBytes, the apply times each method supports and the maintenance
 * window. Nothing here assumes a vendor: only what the service announces.
 */

import { UnsupportedError } from '../errors.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { ActionInfoSchema, UpdateServiceSchema } from '../redfish/models/index.ts';

export interface MaintenanceWindow {
  start: string;
  durationSeconds: number;
}

export interface UpdateCapabilities {
  uri: string;
  firmwareInventory: string;
  simple?: {
    target: string;
    /** Allowed TransferProtocol values; undefined when the service does not say. */
    protocols?: string[];
    /** Allowed @Redfish.OperationApplyTime values; undefined when not announced. */
    applyTimes?: string[];
    /** Allowed Targets, when the ActionInfo lists them. */
    targets?: string[];
  };
  multipart?: { uri: string; applyTimes?: string[] };
  httpPush?: { uri: string; applyTime?: string; applyTimes?: string[] };
  startUpdate?: { target: string };
  maxImageSizeBytes?: number;
  /** The service's current @Redfish.MaintenanceWindow (or the one announced with a method). */
  maintenanceWindow?: MaintenanceWindow;
  /** HttpPushUriOptionsBusy: another client holds the HttpPushUri options. */
  httpPushBusy?: boolean;
}

/** Reads the UpdateService (and the SimpleUpdate ActionInfo when there is one). */
export async function discoverUpdateService(client: RedfishClient): Promise<UpdateCapabilities> {
  const root = await client.root();
  const uri = root.UpdateService?.['@odata.id'] ?? '/redfish/v1/UpdateService';
  const us = await client.get(uri, UpdateServiceSchema);
  if (us.ServiceEnabled === false) {
    throw new UnsupportedError(`${client.name}: UpdateService is disabled (ServiceEnabled false)`);
  }
  const caps: UpdateCapabilities = {
    uri,
    firmwareInventory: us.FirmwareInventory?.['@odata.id'] ?? `${uri.replace(/\/$/, '')}/FirmwareInventory`,
  };
  const simple = us.Actions?.['#UpdateService.SimpleUpdate'];
  if (simple) {
    caps.simple = { target: simple.target };
    const inlineProtocols = simple['TransferProtocol@Redfish.AllowableValues'];
    if (inlineProtocols) caps.simple.protocols = inlineProtocols;
    const applyTimes = supportedValues(simple['@Redfish.OperationApplyTimeSupport']);
    if (applyTimes) caps.simple.applyTimes = applyTimes;
    const infoUri = simple['@Redfish.ActionInfo'];
    if (infoUri) {
      const info = await client.get(infoUri, ActionInfoSchema);
      for (const p of info.Parameters) {
        if (p.Name === 'TransferProtocol' && p.AllowableValues) caps.simple.protocols = p.AllowableValues;
        if (p.Name === 'Targets' && p.AllowableValues) caps.simple.targets = p.AllowableValues;
        if (p.Name === '@Redfish.OperationApplyTime' && p.AllowableValues)
          caps.simple.applyTimes = p.AllowableValues;
      }
    }
  }
  if (us.MultipartHttpPushUri) {
    caps.multipart = { uri: us.MultipartHttpPushUri };
    const times = supportedValues(us['MultipartHttpPushUri@Redfish.OperationApplyTimeSupport']);
    if (times) caps.multipart.applyTimes = times;
  }
  if (us.HttpPushUri) {
    caps.httpPush = { uri: us.HttpPushUri };
    const opt = (us.HttpPushUriOptions as Record<string, unknown> | undefined)?.['HttpPushUriApplyTime'] as
      | Record<string, unknown>
      | undefined;
    if (typeof opt?.['ApplyTime'] === 'string') caps.httpPush.applyTime = opt['ApplyTime'];
    const allowed = opt?.['ApplyTime@Redfish.AllowableValues'];
    if (Array.isArray(allowed)) caps.httpPush.applyTimes = allowed.map(String);
    const window = windowOf(opt);
    if (window) caps.maintenanceWindow ??= window;
  }
  if (us.HttpPushUriOptionsBusy) caps.httpPushBusy = true;
  const start = us.Actions?.['#UpdateService.StartUpdate'];
  if (start) caps.startUpdate = { target: start.target };
  if (typeof us.MaxImageSizeBytes === 'number') caps.maxImageSizeBytes = us.MaxImageSizeBytes;
  const window =
    windowOf(us['@Redfish.MaintenanceWindow']) ?? windowOf(simple?.['@Redfish.OperationApplyTimeSupport']);
  if (window) caps.maintenanceWindow = window;
  return caps;
}

function supportedValues(support: unknown): string[] | undefined {
  const v = (support as { SupportedValues?: unknown } | undefined)?.SupportedValues;
  return Array.isArray(v) ? v.map(String) : undefined;
}

function windowOf(o: unknown): MaintenanceWindow | undefined {
  const r = o as Record<string, unknown> | undefined;
  const start = r?.['MaintenanceWindowStartTime'];
  const duration = r?.['MaintenanceWindowDurationInSeconds'];
  if (typeof start !== 'string' || typeof duration !== 'number') return undefined;
  return { start, durationSeconds: duration };
}

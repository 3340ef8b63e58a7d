/**
 * Apply times and maintenance windows as a simulated BMC announces and checks them: the values
 * each update method accepts come from what the UpdateService says now (annotations,
 * HttpPushUriOptions, ActionInfo — PATCHes included), plus the vendor's default, plus
 * OnStartUpdateRequest where StartUpdate is announced but apply times are not (XCC).
 */
import { ApplyTime } from '../../vocab.ts';
import { ROOT } from '../profiles/common.ts';
import { type Json, obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';

export const UPDATE_SERVICE = `${ROOT}/UpdateService`;

export type UpdateRoute = 'simple' | 'multipart' | 'push';

/** A maintenance window (Settings MaintenanceWindow): start as epoch ms. */
export interface MaintenanceWindow {
  start: number;
  durationSeconds: number;
}

const APPLY_TIMES: ReadonlySet<string> = new Set(Object.values(ApplyTime));

export function isApplyTime(v: unknown): v is ApplyTime {
  return typeof v === 'string' && APPLY_TIMES.has(v);
}

export function updateService(host: SimHost): Json {
  return host.tree.get(UPDATE_SERVICE) ?? {};
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined;
}

export function simpleUpdateAction(host: SimHost): Json | undefined {
  return obj(obj(updateService(host)['Actions'])?.['#UpdateService.SimpleUpdate']);
}

/** HttpPushUriOptions.HttpPushUriApplyTime, live. */
export function pushOptions(host: SimHost): Json | undefined {
  return obj(obj(updateService(host)['HttpPushUriOptions'])?.['HttpPushUriApplyTime']);
}

/** The ActionInfo parameters of SimpleUpdate, when it has an ActionInfo. */
export function simpleUpdateParameters(host: SimHost): Json[] | undefined {
  const info = simpleUpdateAction(host)?.['@Redfish.ActionInfo'];
  if (typeof info !== 'string') return undefined;
  const params = host.tree.get(info)?.['Parameters'];
  return Array.isArray(params) ? (params as Json[]) : undefined;
}

/** Apply times the service announces for a method, undefined when it announces none. */
export function announcedApplyTimes(host: SimHost, route: UpdateRoute): string[] | undefined {
  const us = updateService(host);
  const supported = (a: unknown) => strings(obj(a)?.['SupportedValues']);
  const pushAllowed = strings(pushOptions(host)?.['ApplyTime@Redfish.AllowableValues']);
  const simpleAnnotated =
    supported(simpleUpdateAction(host)?.['@Redfish.OperationApplyTimeSupport']) ??
    strings(
      simpleUpdateParameters(host)?.find((p) => p['Name'] === '@Redfish.OperationApplyTime')?.[
        'AllowableValues'
      ],
    );
  let announced: string[] | undefined;
  if (route === 'simple') announced = simpleAnnotated;
  // bmcweb takes the multipart apply time from the same setting as HttpPushUri; iDRAC from SimpleUpdate's.
  else if (route === 'multipart')
    announced =
      supported(us['MultipartHttpPushUri@Redfish.OperationApplyTimeSupport']) ??
      pushAllowed ??
      simpleAnnotated;
  else announced = pushAllowed;
  const startUpdate = obj(us['Actions'])?.['#UpdateService.StartUpdate'] !== undefined;
  if (announced === undefined && startUpdate && route !== 'push') return [ApplyTime.OnStartUpdateRequest];
  return announced;
}

/** The apply time used when the request names none. */
export function defaultApplyTime(host: SimHost, route: UpdateRoute): ApplyTime {
  const d = host.profile.updates.defaultApplyTime[route];
  if (d !== 'push-option') return d;
  const configured = pushOptions(host)?.['ApplyTime'];
  return isApplyTime(configured) ? configured : ApplyTime.Immediate;
}

/** Every apply time a request may name for this method. */
export function acceptedApplyTimes(host: SimHost, route: UpdateRoute): string[] {
  return [...new Set([...(announcedApplyTimes(host, route) ?? []), defaultApplyTime(host, route)])];
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads a MaintenanceWindow object; 'malformed' names the bad property. */
export function parseWindow(raw: unknown): MaintenanceWindow | { malformed: string; value: string } {
  const o = obj(raw);
  if (o === undefined) return { malformed: '@Redfish.MaintenanceWindow', value: JSON.stringify(raw) };
  const start = o['MaintenanceWindowStartTime'];
  const duration = o['MaintenanceWindowDurationInSeconds'];
  if (typeof start !== 'string' || !ISO_WITH_ZONE.test(start) || Number.isNaN(Date.parse(start))) {
    return { malformed: 'MaintenanceWindowStartTime', value: String(start) };
  }
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration <= 0) {
    return { malformed: 'MaintenanceWindowDurationInSeconds', value: String(duration) };
  }
  return { start: Date.parse(start), durationSeconds: duration };
}

/** The window a method uses when the request brings none: the service's, else the method's announced one. */
export function serviceWindow(host: SimHost, route: UpdateRoute): unknown {
  const us = updateService(host);
  if (us['@Redfish.MaintenanceWindow'] !== undefined) return us['@Redfish.MaintenanceWindow'];
  if (route === 'push') return pushOptions(host);
  if (route === 'multipart') return us['MultipartHttpPushUri@Redfish.OperationApplyTimeSupport'];
  return simpleUpdateAction(host)?.['@Redfish.OperationApplyTimeSupport'];
}

/** True for the apply times that need a maintenance window. */
export function needsWindow(t: ApplyTime): boolean {
  return t === ApplyTime.AtMaintenanceWindowStart || t === ApplyTime.InMaintenanceWindowOnReset;
}

/** Has the window closed? (A window that is open now is fine: the update applies at once.) */
export function windowPassed(w: MaintenanceWindow, now = Date.now()): boolean {
  return w.start + w.durationSeconds * 1000 <= now;
}

/** Is `now` inside the window? */
export function inWindow(w: MaintenanceWindow, now = Date.now()): boolean {
  return now >= w.start && !windowPassed(w, now);
}

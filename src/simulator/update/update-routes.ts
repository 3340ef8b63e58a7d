/**
 * Wires a simulated BMC's update entry points from what its UpdateService announces: the
 * SimpleUpdate and StartUpdate targets, MultipartHttpPushUri, HttpPushUri, and PATCH on the
 * UpdateService (HttpPushUriOptions, @Redfish.MaintenanceWindow, HttpPushUriTargets). Oem update
 * actions keep answering 501 ActionNotSupported.
 */
import { type BaseMessageKey, baseError } from '../redfish-errors.ts';
import { type Json, obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import {
  isApplyTime,
  parseWindow,
  pushOptions,
  UPDATE_SERVICE,
  updateService,
  windowPassed,
} from './apply-time.ts';
import { targetExists } from './components.ts';
import type { ImageFetcher } from './image-fetch.ts';
import { httpPushUpdate, multipartUpdate } from './push-update.ts';
import { simpleUpdate } from './simple-update.ts';
import type { StagedImages } from './staged-images.ts';
import { acceptedAnswer } from './update-answers.ts';

/** Validates a window object of a PATCH; returns it as stored. */
function patchWindow(host: SimHost, raw: unknown, base: Json | undefined): Json {
  const style = host.profile.messages;
  const merged = { ...base, ...obj(raw) };
  const parsed = parseWindow(merged);
  if ('malformed' in parsed)
    throw baseError(style, 'PropertyValueFormatError', [parsed.value, parsed.malformed]);
  if (windowPassed(parsed)) {
    throw baseError(style, 'PropertyValueOutOfRange', [
      String(merged['MaintenanceWindowStartTime']),
      'MaintenanceWindowStartTime',
    ]);
  }
  return merged;
}

/** PATCH /redfish/v1/UpdateService. */
async function patchUpdateService(host: SimHost, req: SimRequest): Promise<SimResponse> {
  const style = host.profile.messages;
  const refuse = (key: BaseMessageKey, args: string[]) => baseError(style, key, args);
  const ifMatch = req.headers['if-match'];
  const current = host.tree.render(UPDATE_SERVICE);
  if (typeof ifMatch === 'string' && ifMatch !== '*' && current !== undefined && ifMatch !== current.etag) {
    throw baseError(style, 'PreconditionFailed');
  }
  const body = obj(await req.json());
  if (body === undefined) throw refuse('UnrecognizedRequestBody', []);
  const us = updateService(host);
  const changes: Array<(b: Json) => void> = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === 'HttpPushUriOptions' && us['HttpPushUriOptions'] !== undefined) {
      const inner = obj(obj(value)?.['HttpPushUriApplyTime']);
      if (inner === undefined) throw refuse('PropertyValueTypeError', [JSON.stringify(value), key]);
      const current = pushOptions(host) ?? {};
      const next: Json = { ...current };
      for (const [k, v] of Object.entries(inner)) {
        if (k === 'ApplyTime') {
          const allowed = current['ApplyTime@Redfish.AllowableValues'];
          if (!isApplyTime(v) || (Array.isArray(allowed) && !allowed.includes(v))) {
            throw refuse('PropertyValueNotInList', [String(v), 'ApplyTime']);
          }
          next['ApplyTime'] = v;
        } else if (k === 'MaintenanceWindowStartTime' || k === 'MaintenanceWindowDurationInSeconds') {
          next[k] = v;
        } else {
          throw refuse('PropertyUnknown', [k]);
        }
      }
      if ('MaintenanceWindowStartTime' in inner || 'MaintenanceWindowDurationInSeconds' in inner) {
        Object.assign(next, patchWindow(host, inner, current));
      }
      changes.push((b) => {
        b['HttpPushUriOptions'] = { ...obj(b['HttpPushUriOptions']), HttpPushUriApplyTime: next };
      });
    } else if (key === '@Redfish.MaintenanceWindow') {
      const window = patchWindow(host, value, obj(us['@Redfish.MaintenanceWindow']));
      changes.push((b) => {
        b['@Redfish.MaintenanceWindow'] = { '@odata.type': '#Settings.v1_3_5.MaintenanceWindow', ...window };
      });
    } else if (key === 'HttpPushUriTargets' && us['HttpPushUriTargets'] !== undefined) {
      if (!Array.isArray(value) || !value.every((t) => typeof t === 'string')) {
        throw refuse('PropertyValueTypeError', [JSON.stringify(value), key]);
      }
      for (const t of value) if (!targetExists(host, t)) throw refuse('PropertyValueNotInList', [t, key]);
      changes.push((b) => {
        b['HttpPushUriTargets'] = [...value];
      });
    } else if ((key === 'HttpPushUriTargetsBusy' || key === 'HttpPushUriOptionsBusy') && key in us) {
      if (typeof value !== 'boolean') throw refuse('PropertyValueTypeError', [JSON.stringify(value), key]);
      changes.push((b) => {
        b[key] = value;
      });
    } else {
      throw refuse('PropertyUnknown', [key]);
    }
  }
  host.tree.update(UPDATE_SERVICE, (b) => {
    for (const change of changes) change(b);
  });
  return { status: 200, body: host.tree.plain(UPDATE_SERVICE) };
}

/** Registers the update routes announced by the UpdateService in the tree. */
export function registerUpdateRoutes(host: SimHost, fetcher: ImageFetcher, staged: StagedImages): void {
  const us = updateService(host);
  const actions = obj(us['Actions']) ?? {};
  const simple = obj(actions['#UpdateService.SimpleUpdate'])?.['target'];
  if (typeof simple === 'string')
    host.route('POST', simple, (req) => simpleUpdate(host, req, { fetcher, staged }));
  const start = obj(actions['#UpdateService.StartUpdate'])?.['target'];
  if (typeof start === 'string') {
    host.route('POST', start, async () => {
      const { tasks } = host.updates.releaseStartUpdate();
      // Supermicro X12 answers with the task that flashes (bmclib StartUpdateForUploadedFirmware).
      const [task] = tasks;
      return task ? acceptedAnswer(host, task) : { status: 204 };
    });
  }
  const multipart = us['MultipartHttpPushUri'];
  if (typeof multipart === 'string') host.route('POST', multipart, (req) => multipartUpdate(host, req));
  const push = us['HttpPushUri'];
  if (typeof push === 'string') host.route('POST', push, (req) => httpPushUpdate(host, req, staged));
  host.route('PATCH', UPDATE_SERVICE, (req) => patchUpdateService(host, req));
}

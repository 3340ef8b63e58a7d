/**
 * The push methods of a simulated BMC.
 * - MultipartHttpPushUri: part UpdateParameters (JSON: Targets, @Redfish.OperationApplyTime,
 *   @Redfish.MaintenanceWindow, ForceUpdate, Stage) and part UpdateFile (the image); a missing part
 *   is 400 PropertyMissing naming it (bmcweb). bmcweb takes one Target at most.
 * - HttpPushUri (deprecated): the body is the image (multipart accepted too: iLO's /cgi-bin/uploadFile
 *   takes a form); Content-Length is required (411); the apply time is the UpdateService's
 *   HttpPushUriOptions.HttpPushUriApplyTime, the targets its HttpPushUriTargets (XCC). On iDRAC the
 *   push only stores the image as an Available- member (201 + Location).
 */

import { ROOT } from '../profiles/common.ts';
import { type BaseMessageKey, baseError, baseMessage, SimHttpError } from '../redfish-errors.ts';
import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { updateMessage } from '../tasks/update-messages.ts';
import {
  acceptedApplyTimes,
  defaultApplyTime,
  isApplyTime,
  type MaintenanceWindow,
  needsWindow,
  parseWindow,
  serviceWindow,
  updateService,
  windowPassed,
} from './apply-time.ts';
import { targetExists } from './components.ts';
import type { StagedImages } from './staged-images.ts';
import { acceptedAnswer, refuseWhenBusy } from './update-answers.ts';
import { checkDeclaredSize, receiveMultipart, receiveRaw, type Upload } from './upload.ts';

const UPDATE_PARAMETERS = new Set([
  'Targets',
  '@Redfish.OperationApplyTime',
  '@Redfish.MaintenanceWindow',
  'ForceUpdate',
  'Stage',
  'Oem',
]);

function isMultipart(req: SimRequest): boolean {
  return /^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''));
}

/** Handles POST on MultipartHttpPushUri. */
export async function multipartUpdate(host: SimHost, req: SimRequest): Promise<SimResponse> {
  const style = host.profile.messages;
  const refuse = (key: BaseMessageKey, args: string[]) => baseError(style, key, args);
  checkDeclaredSize(host, req, 'multipart');
  refuseWhenBusy(host);
  if (!isMultipart(req)) throw refuse('UnrecognizedRequestBody', []);
  const upload = await receiveMultipart(host, req, 'multipart', {
    params: ['UpdateParameters'],
    file: ['UpdateFile'],
  });
  if (upload.params === undefined) throw refuse('PropertyMissing', ['UpdateParameters']);
  if (upload.image === undefined) throw refuse('PropertyMissing', ['UpdateFile']);
  let parsed: unknown;
  try {
    parsed = JSON.parse(upload.params);
  } catch {
    throw refuse('MalformedJSON', []);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw refuse('PropertyValueTypeError', [upload.params, 'UpdateParameters']);
  }
  const p = parsed as Json;
  for (const k of Object.keys(p)) if (!UPDATE_PARAMETERS.has(k)) throw refuse('PropertyUnknown', [k]);
  const targets = p['Targets'] ?? [];
  if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')) {
    throw refuse('PropertyValueTypeError', [JSON.stringify(targets), 'Targets']);
  }
  const maxTargets = host.profile.updates.maxTargets;
  if (maxTargets !== undefined && targets.length > maxTargets) {
    throw refuse('PropertyValueFormatError', [JSON.stringify(targets), 'Targets']);
  }
  for (const t of targets) if (!targetExists(host, t)) throw refuse('PropertyValueNotInList', [t, 'Targets']);
  if (host.profile.updates.multipartTargets === 'manager-only') {
    const managers = host.tree.has(`${ROOT}/Managers`) ? host.tree.members(`${ROOT}/Managers`) : [];
    for (const t of targets)
      if (!managers.includes(t.replace(/\/$/, ''))) throw refuse('PropertyValueNotInList', [t, 'Targets']);
  }
  for (const k of ['ForceUpdate', 'Stage']) {
    if (p[k] !== undefined && typeof p[k] !== 'boolean')
      throw refuse('PropertyValueTypeError', [JSON.stringify(p[k]), k]);
  }
  const requested = p['@Redfish.OperationApplyTime'];
  if (
    requested !== undefined &&
    (!isApplyTime(requested) || !acceptedApplyTimes(host, 'multipart').includes(requested))
  ) {
    throw refuse('PropertyValueNotInList', [String(requested), '@Redfish.OperationApplyTime']);
  }
  const applyTime = isApplyTime(requested) ? requested : defaultApplyTime(host, 'multipart');
  let window: MaintenanceWindow | undefined;
  if (needsWindow(applyTime)) {
    const raw = p['@Redfish.MaintenanceWindow'] ?? serviceWindow(host, 'multipart');
    if (raw === undefined) throw refuse('PropertyMissing', ['@Redfish.MaintenanceWindow']);
    window = checkedWindow(host, raw);
  }
  const image = upload.image;
  const task = host.updates.start(
    {
      method: 'multipart',
      applyTime,
      ...(window ? { window } : {}),
      targets: targets as string[],
      stage: p['Stage'] === true,
      targetUri: req.path,
      imageName: image.name,
    },
    async () => image,
  );
  return acceptedAnswer(host, task);
}

/** A window from a request or the service: 400 when malformed or already over. */
function checkedWindow(host: SimHost, raw: unknown): MaintenanceWindow {
  const style = host.profile.messages;
  const parsed = parseWindow(raw);
  if ('malformed' in parsed)
    throw baseError(style, 'PropertyValueFormatError', [parsed.value, parsed.malformed]);
  if (windowPassed(parsed)) {
    throw baseError(style, 'PropertyValueOutOfRange', [
      new Date(parsed.start).toISOString(),
      'MaintenanceWindowStartTime',
    ]);
  }
  return parsed;
}

/** Handles POST on HttpPushUri. */
export async function httpPushUpdate(
  host: SimHost,
  req: SimRequest,
  staged: StagedImages,
): Promise<SimResponse> {
  const style = host.profile.messages;
  const policy = host.profile.updates;
  if (req.headers['content-length'] === undefined) {
    host.counters.imageUploads.push({ method: 'http-push', uri: req.path, bytes: 0, refused: 411 });
    const m = baseMessage(style, 'GeneralError');
    throw new SimHttpError(411, [{ ...m, Resolution: 'Send the image with a Content-Length header.' }], {
      Connection: 'close',
    });
  }
  checkDeclaredSize(host, req, 'http-push');
  if (!policy.pushStagesImage) refuseWhenBusy(host);
  const upload: Upload = isMultipart(req)
    ? await receiveMultipart(host, req, 'http-push', {
        params: ['parameters', 'UpdateParameters'],
        file: ['file', 'UpdateFile', 'fileupload'],
      })
    : await receiveRaw(host, req, 'http-push');
  const image = upload.image;
  if (image === undefined) throw baseError(style, 'PropertyMissing', ['UpdateFile']);

  if (policy.pushStagesImage) {
    const refused = (detail: string) =>
      new SimHttpError(400, [updateMessage(policy.registry, 'VerificationFailed', [image.name, detail])]);
    if ('reason' in image.result) throw refused(image.result.detail);
    const result = staged.stage(host, {
      header: image.result,
      name: image.name,
      bytes: image.bytes,
      ...(image.data === undefined ? {} : { data: image.data }),
    });
    if ('problem' in result) throw refused(result.problem);
    const first = result.paths[0] as string;
    return { status: 201, headers: { Location: host.location(first) }, body: host.tree.plain(first) };
  }

  const applyTime = defaultApplyTime(host, 'push');
  let window: MaintenanceWindow | undefined;
  if (needsWindow(applyTime)) {
    const raw = serviceWindow(host, 'push');
    if (raw === undefined) throw baseError(style, 'PropertyMissing', ['MaintenanceWindowStartTime']);
    window = checkedWindow(host, raw);
  }
  const pushTargets = updateService(host)['HttpPushUriTargets'];
  const targets = Array.isArray(pushTargets)
    ? pushTargets.filter((t): t is string => typeof t === 'string')
    : [];
  const task = host.updates.start(
    {
      method: 'http-push',
      applyTime,
      ...(window ? { window } : {}),
      targets,
      stage: false,
      targetUri: req.path,
      imageName: image.name,
    },
    async () => image,
  );
  return acceptedAnswer(host, task);
}

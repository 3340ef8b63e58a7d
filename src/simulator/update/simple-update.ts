/**
 * UpdateService.SimpleUpdate on a simulated BMC: the request is checked against the ActionInfo or
 * inline AllowableValues the service announces (Base ActionParameter* messages, 400), accepted at
 * once with 202 + Location, and only then does the BMC download ImageURI. A download that fails
 * ends the task in Exception with Update.TransferFailed: the POST itself succeeded, as in the field.
 */
import { type BaseMessageKey, baseError } from '../redfish-errors.ts';
import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import type { SimImageFetch } from '../types.ts';
import {
  acceptedApplyTimes,
  defaultApplyTime,
  isApplyTime,
  type MaintenanceWindow,
  needsWindow,
  parseWindow,
  serviceWindow,
  simpleUpdateAction,
  simpleUpdateParameters,
  windowPassed,
} from './apply-time.ts';
import { targetExists } from './components.ts';
import { type ImageFetcher, recordedUrl } from './image-fetch.ts';
import type { StagedImages } from './staged-images.ts';
import { acceptedAnswer, refuseWhenBusy } from './update-answers.ts';
import type { ReceivedImage } from './update-engine.ts';
import { imageVerifier, maxImageSize } from './upload.ts';

const ACTION = 'UpdateService.SimpleUpdate';
const PARAMETERS = new Set([
  'ImageURI',
  'TransferProtocol',
  'Targets',
  'Username',
  'Password',
  'ForceUpdate',
  'Stage',
  '@Redfish.OperationApplyTime',
  '@Redfish.MaintenanceWindow',
  'Oem',
]);
const TYPES: Record<string, 'string' | 'boolean' | 'strings'> = {
  ImageURI: 'string',
  TransferProtocol: 'string',
  Username: 'string',
  Password: 'string',
  ForceUpdate: 'boolean',
  Stage: 'boolean',
  Targets: 'strings',
};

export interface SimpleUpdateDeps {
  fetcher: ImageFetcher;
  staged: StagedImages;
}

function baseName(url: URL): string {
  return decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? 'image');
}

/** Handles POST on the SimpleUpdate target. */
export async function simpleUpdate(
  host: SimHost,
  req: SimRequest,
  deps: SimpleUpdateDeps,
): Promise<SimResponse> {
  const style = host.profile.messages;
  const refuse = (key: BaseMessageKey, args: string[]) => baseError(style, key, args);
  const body = await req.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw refuse('UnrecognizedRequestBody', []);
  const b = body as Json;
  for (const k of Object.keys(b)) if (!PARAMETERS.has(k)) throw refuse('ActionParameterUnknown', [ACTION, k]);
  const params = simpleUpdateParameters(host);
  for (const p of params ?? []) {
    if (p['Required'] === true && b[String(p['Name'])] === undefined) {
      throw refuse('ActionParameterMissing', [ACTION, String(p['Name'])]);
    }
  }
  if (b['ImageURI'] === undefined) throw refuse('ActionParameterMissing', [ACTION, 'ImageURI']);
  for (const [name, type] of Object.entries(TYPES)) {
    const v = b[name];
    if (v === undefined) continue;
    const ok =
      type === 'strings' ? Array.isArray(v) && v.every((s) => typeof s === 'string') : typeof v === type;
    if (!ok) throw refuse('ActionParameterValueTypeError', [JSON.stringify(v), name, ACTION]);
  }
  const action = simpleUpdateAction(host) ?? {};
  const allowable = (name: string): string[] | undefined => {
    const fromInfo = params?.find((p) => p['Name'] === name)?.['AllowableValues'];
    const v = fromInfo ?? action[`${name}@Redfish.AllowableValues`];
    return Array.isArray(v) ? v.map(String) : undefined;
  };

  const targets = (b['Targets'] as string[] | undefined) ?? [];
  const allowedTargets = allowable('Targets');
  const maxTargets = host.profile.updates.maxTargets;
  if (maxTargets !== undefined && targets.length > maxTargets) {
    throw refuse('ActionParameterValueFormatError', [JSON.stringify(targets), 'Targets', ACTION]);
  }
  for (const t of targets) {
    if ((allowedTargets !== undefined && !allowedTargets.includes(t)) || !targetExists(host, t)) {
      throw refuse('ActionParameterValueNotInList', [t, 'Targets', ACTION]);
    }
  }

  // Where the image comes from: a backup slice copy or a staged member of this BMC (iDRAC), or a
  // URL to download.
  const imageUri = b['ImageURI'] as string;
  const slice = host.storage.localImage(imageUri);
  const local =
    slice === undefined && host.profile.updates.localImageUri
      ? deps.staged.lookup(host, imageUri)
      : undefined;
  let url: URL | undefined;
  if (local === undefined && slice === undefined) {
    const given = b['TransferProtocol'] as string | undefined;
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(imageUri)?.[1];
    if (scheme !== undefined && given !== undefined && given.toUpperCase() !== scheme.toUpperCase()) {
      throw refuse('ActionParameterValueFormatError', [imageUri, 'ImageURI', ACTION]);
    }
    if (scheme === undefined && given === undefined)
      throw refuse('ActionParameterMissing', [ACTION, 'TransferProtocol']);
    const protocol = (scheme ?? given ?? '').toUpperCase();
    const protocols = allowable('TransferProtocol');
    if (protocols !== undefined && !protocols.includes(protocol)) {
      throw refuse('ActionParameterValueNotInList', [protocol, 'TransferProtocol', ACTION]);
    }
    try {
      url = new URL(scheme === undefined ? `${protocol.toLowerCase()}://${imageUri}` : imageUri);
    } catch {
      throw refuse('ActionParameterValueFormatError', [imageUri, 'ImageURI', ACTION]);
    }
  }

  const requested = b['@Redfish.OperationApplyTime'];
  if (
    requested !== undefined &&
    (!isApplyTime(requested) || !acceptedApplyTimes(host, 'simple').includes(requested))
  ) {
    throw refuse('ActionParameterValueNotInList', [String(requested), '@Redfish.OperationApplyTime', ACTION]);
  }
  const applyTime = isApplyTime(requested) ? requested : defaultApplyTime(host, 'simple');
  let window: MaintenanceWindow | undefined;
  if (needsWindow(applyTime)) {
    const raw = b['@Redfish.MaintenanceWindow'] ?? serviceWindow(host, 'simple');
    if (raw === undefined) throw refuse('ActionParameterMissing', [ACTION, '@Redfish.MaintenanceWindow']);
    const parsed = parseWindow(raw);
    if ('malformed' in parsed)
      throw refuse('ActionParameterValueFormatError', [parsed.value, parsed.malformed, ACTION]);
    if (windowPassed(parsed))
      throw refuse('ActionParameterValueError', ['@Redfish.MaintenanceWindow', ACTION]);
    window = parsed;
  }
  refuseWhenBusy(host);

  const name = slice?.name ?? local?.name ?? (url ? baseName(url) : 'image');
  const receive = async (): Promise<ReceivedImage> => {
    if (slice !== undefined) return slice;
    if (local !== undefined) {
      return {
        name,
        bytes: local.bytes,
        result: local.header,
        ...(local.data === undefined ? {} : { data: local.data }),
      };
    }
    const target = url as URL;
    const record: SimImageFetch = { url: recordedUrl(target), bytes: 0, ranges: [] };
    host.counters.imageFetches.push(record);
    const verifier = imageVerifier(host);
    const creds = {
      ...(typeof b['Username'] === 'string' ? { username: b['Username'] } : {}),
      ...(typeof b['Password'] === 'string' ? { password: b['Password'] } : {}),
    };
    try {
      await deps.fetcher.fetch(target, creds, verifier, record, maxImageSize(host));
    } catch {
      return {
        name,
        url: record.url,
        bytes: record.bytes,
        result: { reason: 'TransferFailed', detail: record.error ?? '' },
      };
    }
    const data = verifier.kept();
    return {
      name,
      url: record.url,
      bytes: verifier.received,
      result: verifier.result(),
      ...(data === undefined ? {} : { data }),
    };
  };
  const task = host.updates.start(
    {
      method: 'simple',
      applyTime,
      ...(window ? { window } : {}),
      targets,
      stage: b['Stage'] === true,
      targetUri: req.path,
      imageName: name,
      ...(url ? { imageUrl: recordedUrl(url) } : {}),
    },
    receive,
  );
  return acceptedAnswer(host, task);
}

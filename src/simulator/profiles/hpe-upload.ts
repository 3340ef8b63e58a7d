/**
 * iLO 5/6's HttpPushUri, /cgi-bin/uploadFile: not a DMTF push but iLO's web upload form
 * (HPEDevCom/redfishdocs updateService supplement "Upload Components" and "'parameters' part";
 * python-redfish-utility UploadComponentCommand.uploadfunction, FwpkgCommand.applyfwpkg):
 * - multipart/form-data with a `sessionKey` field (the session's X-Auth-Token, also sent as the
 *   `sessionKey` cookie), a `parameters` part (JSON: UpdateRepository, UpdateTarget, ETag or
 *   UploadCurrentEtag, Section), for Smart Components a `compsig` part (the signature file) and
 *   the `file` part;
 * - answered 200 with no task and no Location: iLO then verifies (State Verifying), writes the
 *   iLO Repository when UpdateRepository (Writing) and flashes when UpdateTarget (Updating), and
 *   the client follows UpdateService Oem.Hpe.State to Complete or Error (hpe-update-state.ts);
 *   ilorest refuses to upload while State is not Idle/Complete/Error, and so does iLO;
 * - UpdateRepository defaults to true and UpdateTarget to false: HPE's Smart Component example
 *   sends only the ETag and the component lands in the repository;
 * - a Smart Component (.exe, .rpm, .scexe) needs its compsig (raw .bin, .signed.flash and .fwpkg
 *   carry their signature): without it verification fails (State Error, UpdateInvalidFile);
 * - Section > 0 (parts of a component over 32 MiB) is not simulated: 400.
 * Same on iLO 5 and iLO 6.
 */
import {
  type BaseMessageKey,
  baseError,
  baseMessage,
  renderMessage,
  SimHttpError,
} from '../redfish-errors.ts';
import { obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { resolveTargets } from '../update/components.ts';
import { installQueueOf } from '../update/install-queue.ts';
import { isHeader, type ReceivedImage } from '../update/update-job.ts';
import { checkDeclaredSize, receiveMultipart } from '../update/upload.ts';
import { hpeUpdateState, ILO_REGISTRY } from './hpe-update-state.ts';

const SMART_COMPONENT = /\.(exe|rpm|scexe)$/i;

interface UploadParameters {
  updateRepository: boolean;
  updateTarget: boolean;
  etag?: string;
}

function parameters(host: SimHost, text: string | undefined): UploadParameters {
  const refuse = (key: BaseMessageKey, args: string[]) => baseError(host.profile.messages, key, args);
  if (text === undefined) return { updateRepository: true, updateTarget: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse('MalformedJSON', []);
  }
  const p = obj(parsed);
  if (p === undefined) throw refuse('PropertyValueTypeError', [text, 'parameters']);
  for (const k of ['UpdateRepository', 'UpdateTarget', 'UpdateRecoverySet', 'TPMOverride']) {
    if (p[k] !== undefined && typeof p[k] !== 'boolean')
      throw refuse('PropertyValueTypeError', [JSON.stringify(p[k]), k]);
  }
  const section = p['Section'] ?? 0;
  if (section !== 0) throw refuse('PropertyValueNotInList', [JSON.stringify(section), 'Section']);
  const etag = p['UploadCurrentEtag'] ?? p['ETag'];
  return {
    updateRepository: p['UpdateRepository'] !== false,
    updateTarget: p['UpdateTarget'] === true,
    ...(typeof etag === 'string' ? { etag } : {}),
  };
}

function sessionKeyOf(req: SimRequest, field: string | undefined): string | undefined {
  if (field !== undefined && field !== '') return field;
  const cookie = String(req.headers['cookie'] ?? '');
  return /(?:^|;\s*)sessionKey=([^;]+)/.exec(cookie)?.[1];
}

/** Handles POST /cgi-bin/uploadFile. */
export async function iloUploadFile(host: SimHost, req: SimRequest): Promise<SimResponse> {
  const style = host.profile.messages;
  const state = hpeUpdateState(host);
  checkDeclaredSize(host, req, 'http-push');
  if (!/^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''))) {
    req.raw.resume();
    throw baseError(style, 'UnrecognizedRequestBody');
  }
  if (state.busy) {
    req.raw.resume();
    throw new SimHttpError(400, [
      {
        MessageId: `${ILO_REGISTRY}.ComponentUploadAlreadyInProgress`,
        Message: 'A component upload operation is already in progress.',
        MessageArgs: [],
        Severity: 'Warning',
        Resolution: 'Wait for the current component upload to complete, and then retry the operation.',
      },
    ]);
  }
  const upload = await receiveMultipart(host, req, 'http-push', {
    params: ['parameters'],
    file: ['file'],
    keep: ['sessionKey', 'compsig'],
  });
  const key = sessionKeyOf(req, upload.kept?.['sessionKey']?.text);
  if (key === undefined || host.sessions.byToken(key) === undefined) {
    throw new SimHttpError(401, [baseMessage(style, 'NoValidSession')]);
  }
  const params = parameters(host, upload.params);
  const image = upload.image;
  if (image === undefined) throw baseError(style, 'PropertyMissing', ['file']);
  const compsig = upload.kept?.['compsig'] !== undefined;
  state.upload('Uploading', params.etag);
  host.scheduler.run(() => process(host, image, params, compsig));
  return {
    status: 200,
    body: { '@Message.ExtendedInfo': [renderMessage(style, baseMessage(style, 'Success'))] },
  };
}

/** What iLO does with a received component, as Oem.Hpe.State shows it. */
async function process(
  host: SimHost,
  image: ReceivedImage,
  params: UploadParameters,
  compsig: boolean,
): Promise<void> {
  const { scheduler, timing: t } = host;
  const state = hpeUpdateState(host);
  await scheduler.sleep(t.taskStartMs);
  state.phase('Verifying');
  await scheduler.sleep(t.verifyMs);
  const result = image.result;
  const header = isHeader(result) ? result : undefined;
  const resolved = header === undefined ? undefined : resolveTargets(host, [], header);
  const component = resolved !== undefined && 'components' in resolved ? resolved.components[0] : undefined;
  if (header === undefined || component === undefined || (SMART_COMPONENT.test(image.name) && !compsig)) {
    state.failed('UpdateInvalidFile');
    return;
  }
  if (params.updateRepository) {
    state.phase('Writing');
    await scheduler.sleep(t.installMs);
    installQueueOf(host).addUploaded(image.name, image, component, header.version);
  }
  if (!params.updateTarget) {
    state.phase('Complete');
    return;
  }
  const task = host.updates.start(
    {
      method: 'http-push',
      applyTime: 'Immediate',
      targets: [],
      stage: false,
      targetUri: '/cgi-bin/uploadFile',
      imageName: image.name,
    },
    async () => image,
  );
  state.follow(task.id);
}

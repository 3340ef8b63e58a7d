/**
 * Hands one image to a BMC by the chosen method and returns where to follow the result (the task
 * monitor or Task URI from Location), or nothing when the BMC answered synchronously.
 * Images stream from the image store, which re-verifies their digest as they are read: a corrupt
 * file aborts the upload instead of reaching the BMC whole. Never the whole image in memory.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import { RedfishResponseError } from '../errors.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { multipartUpdateBody } from '../redfish/multipart.ts';
import { pathOf } from '../redfish/session.ts';
import type { RedfishResponse } from '../redfish/transport.ts';
import type { Accepted } from '../vendors/types.ts';
import type { ApplyTime } from '../vocab.ts';
import type { MaintenanceWindow, UpdateCapabilities } from './capabilities.ts';

/** Reads a task URI from an answer that has no Location (the vendor driver's hook). */
export type TaskFromAnswer = (res: RedfishResponse) => string | undefined;

export interface Delivery {
  /** The stored image: its sha256 and byte size. */
  image: { sha256: string; size: number; fileName: string };
  /** Inventory member URIs the image is for. */
  targets: string[];
  applyTime?: ApplyTime;
  /** When the apply time is a maintenance-window one: the window to set on the UpdateService. */
  window?: MaintenanceWindow;
  /** The vendor driver's reading of an answer without Location. */
  taskFromAnswer?: TaskFromAnswer;
}

/** What the BMC answered to an update request (see Accepted in vendors/types.ts). */
export type Delivered = Accepted;

/** Sets the UpdateService's @Redfish.MaintenanceWindow (Settings.v1_3 MaintenanceWindow). */
export async function setMaintenanceWindow(
  client: RedfishClient,
  caps: UpdateCapabilities,
  window: MaintenanceWindow,
) {
  await client.patch(caps.uri, {
    '@Redfish.MaintenanceWindow': {
      MaintenanceWindowStartTime: window.start,
      MaintenanceWindowDurationInSeconds: window.durationSeconds,
    },
  });
}

/** MultipartHttpPushUri: UpdateParameters JSON part + UpdateFile part streamed from the store. */
export async function pushMultipart(
  client: RedfishClient,
  caps: UpdateCapabilities,
  store: ImageStore,
  d: Delivery,
): Promise<Delivered> {
  const uri = caps.multipart?.uri as string;
  const params: Record<string, unknown> = { Targets: d.targets };
  if (d.applyTime) params['@Redfish.OperationApplyTime'] = d.applyTime;
  const res = await client.request('POST', uri, {
    body: multipartUpdateBody(params, {
      fileName: d.image.fileName,
      size: d.image.size,
      data: store.open(d.image.sha256),
    }),
  });
  return delivered(client, res, d.taskFromAnswer);
}

/**
 * HttpPushUri: raw octet-stream with Content-Length. The apply time is BMC-global state
 * (HttpPushUriOptions), PATCHed only when it differs from what is set.
 */
export async function pushHttp(
  client: RedfishClient,
  caps: UpdateCapabilities,
  store: ImageStore,
  d: Delivery,
): Promise<Delivered> {
  const push = caps.httpPush as NonNullable<UpdateCapabilities['httpPush']>;
  if (d.applyTime && d.applyTime !== push.applyTime) {
    await client.patch(caps.uri, {
      HttpPushUriOptions: { HttpPushUriApplyTime: { ApplyTime: d.applyTime } },
    });
  }
  const res = await client.request('POST', push.uri, {
    body: { raw: store.open(d.image.sha256), contentType: 'application/octet-stream', length: d.image.size },
  });
  return delivered(client, res, d.taskFromAnswer);
}

/**
 * SimpleUpdate: the BMC pulls `imageUri` (a tokenised URL of firmwarden's image server), or
 * installs a URI of its own (a staged Dell Available- member: then no TransferProtocol).
 */
export async function simpleUpdate(
  client: RedfishClient,
  caps: UpdateCapabilities,
  d: Delivery & { imageUri: string; protocol?: 'HTTP' | 'HTTPS' },
): Promise<Delivered> {
  const body: Record<string, unknown> = { ImageURI: d.imageUri, Targets: d.targets };
  if (d.protocol) body['TransferProtocol'] = d.protocol;
  if (d.applyTime) body['@Redfish.OperationApplyTime'] = d.applyTime;
  const res = await client.post(caps.simple?.target as string, body);
  return delivered(client, res, d.taskFromAnswer);
}

/** UpdateService.StartUpdate, for images staged with OnStartUpdateRequest. */
export async function startUpdate(
  client: RedfishClient,
  caps: UpdateCapabilities,
  taskFromAnswer?: TaskFromAnswer,
): Promise<Delivered> {
  if (!caps.startUpdate) throw new RedfishResponseError(caps.uri, 'StartUpdate is not announced');
  return delivered(client, await client.post(caps.startUpdate.target, {}), taskFromAnswer);
}

/**
 * Reads an accepting answer: Location is the monitor (or, 201, what the upload became); a 202
 * body that is a Task gives its URI too, kept because bmcweb's monitor later answers 204 even for
 * a failed task. No Location: the Task in the body, or what the driver finds (`taskFromAnswer`).
 */
export function delivered(
  client: RedfishClient,
  res: RedfishResponse,
  taskFromAnswer?: (res: RedfishResponse) => string | undefined,
): Delivered {
  const location = res.headers['location'];
  const body = res.body as { '@odata.id'?: unknown; TaskState?: unknown } | undefined;
  const taskUri =
    res.status === 202 && typeof body?.['@odata.id'] === 'string' && body.TaskState !== undefined
      ? body['@odata.id']
      : undefined;
  if (location && res.status === 201)
    return { created: pathOf(location, client.transport.origin), status: res.status };
  if (location)
    return {
      location: pathOf(location, client.transport.origin),
      ...(taskUri ? { taskUri } : {}),
      status: res.status,
    };
  if (taskUri) return { location: taskUri, taskUri, status: res.status };
  // A 202 whose body names a resource but no Location (Supermicro X11 answers the Task itself).
  if (res.status === 202 && typeof body?.['@odata.id'] === 'string')
    return { location: body['@odata.id'], status: res.status };
  const found = res.status === 202 ? taskFromAnswer?.(res) : undefined;
  if (found) return { location: pathOf(found, client.transport.origin), status: res.status };
  return { status: res.status };
}

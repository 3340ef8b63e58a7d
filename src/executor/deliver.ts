/**
 * Hands one image to a BMC by the chosen method and returns where to follow the result (the task
 * monitor or Task URI from Location), or nothing when the BMC answered synchronously.
 * Images stream from the image store, which re-verifies their digest as they are read: a corrupt
 * file aborts the upload instead of reaching the BMC whole. Never the whole image in memory.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ImageStore } from '../catalog/image-store.ts';
import { RedfishResponseError } from '../errors.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { pathOf } from '../redfish/session.ts';
import type { RedfishResponse } from '../redfish/transport.ts';
import type { ApplyTime } from '../vocab.ts';
import type { MaintenanceWindow, UpdateCapabilities } from './capabilities.ts';

export interface Delivery {
  /** The stored image: its sha256 and byte size. */
  image: { sha256: string; size: number; fileName: string };
  /** Inventory member URIs the image is for. */
  targets: string[];
  applyTime?: ApplyTime;
  /** When the apply time is a maintenance-window one: the window to set on the UpdateService. */
  window?: MaintenanceWindow;
}

export interface Delivered {
  /** Task monitor or Task to follow; undefined when the BMC finished synchronously. */
  location?: string;
  /** 201 Created: the resource the upload became (Dell HttpPushUri: an Available- member). */
  created?: string;
  status: number;
}

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
  const boundary = `firmwarden-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="UpdateParameters"\r\n` +
      `Content-Type: application/json\r\n\r\n${JSON.stringify(params)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="UpdateFile"; filename="${safeName(d.image.fileName)}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const image = store.open(d.image.sha256);
  async function* parts() {
    yield head;
    yield* image;
    yield tail;
  }
  const res = await client.request('POST', uri, {
    body: {
      raw: Readable.from(parts(), { objectMode: false }),
      contentType: `multipart/form-data; boundary=${boundary}`,
      length: head.length + d.image.size + tail.length,
    },
  });
  return delivered(client, res);
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
  return delivered(client, res);
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
  return delivered(client, res);
}

/** UpdateService.StartUpdate, for images staged with OnStartUpdateRequest. */
export async function startUpdate(client: RedfishClient, caps: UpdateCapabilities): Promise<Delivered> {
  if (!caps.startUpdate) throw new RedfishResponseError(caps.uri, 'StartUpdate is not announced');
  return delivered(client, await client.post(caps.startUpdate.target, {}));
}

function delivered(client: RedfishClient, res: RedfishResponse): Delivered {
  const location = res.headers['location'];
  if (location && res.status === 201)
    return { created: pathOf(location, client.transport.origin), status: res.status };
  if (location) return { location: pathOf(location, client.transport.origin), status: res.status };
  // Some BMCs answer 202 with the Task in the body and no Location (seen on Supermicro X11).
  const id = (res.body as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
  if (res.status === 202 && typeof id === 'string') return { location: id, status: res.status };
  return { status: res.status };
}

/** A file name safe inside a Content-Disposition header. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'image.bin';
}

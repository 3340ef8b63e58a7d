/**
 * iDRAC's HttpPushUri delivery. iDRAC 8 (2.60+) announces no MultipartHttpPushUri and no HTTP
 * SimpleUpdate, so its only way in is HttpPushUri, the FirmwareInventory collection, which wants a
 * multipart `file` part and If-Match set to the collection's current ETag (412 otherwise). The
 * upload answers 201 + Location of an Available- member, which SimpleUpdate with ImageURI = that
 * member installs as a job (Dell iDRAC-Redfish-Scripting: issue #32 curl walk-through on
 * "Server: iDRAC/8"; DeviceFirmwareSimpleUpdateREDFISH.py download_image_payload /
 * install_image_payload). Dell's scripts use the same form on iDRAC 9's identical HttpPushUri, so
 * the driver does too whenever the push URI is the inventory collection; iDRAC 9's multipart and
 * SimpleUpdate-by-URL stay generic (and are preferred by the method choice anyway).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { RedfishResponseError } from '../../errors.ts';
import { pathOf } from '../../redfish/session.ts';
import type { Accepted, DeliverRequest, FlowContext } from '../types.ts';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/**
 * True when the UpdateService pushes into the FirmwareInventory collection (iDRAC 8 2.60+, iDRAC 9
 * 3.18+): the upload makes an Available- member that a SimpleUpdate then installs.
 */
export function wantsInventoryUpload(us: Json): boolean {
  const inventory = obj(us['FirmwareInventory'])?.['@odata.id'];
  const push = us['HttpPushUri'];
  return typeof push === 'string' && typeof inventory === 'string' && trim(push) === trim(inventory);
}

const trim = (uri: string) => uri.replace(/\/+$/, '');

/** A file name safe inside a Content-Disposition header. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'image.bin';
}

/** The deliver hook: iDRAC 8's upload-then-install for HttpPushUri; undefined for anything else. */
export async function deliverToInventory(
  ctx: FlowContext,
  req: DeliverRequest,
): Promise<Accepted | undefined> {
  if (req.method !== 'http-push') return undefined;
  const opts = ctx.signal ? { signal: ctx.signal } : {};
  const us = obj((await ctx.client.request('GET', req.updateService, opts)).body) ?? {};
  if (!wantsInventoryUpload(us)) return undefined;
  const origin = ctx.client.transport.origin;

  // The ETag changes with every upload and install: read it right before the POST.
  const inventory = await ctx.client.request('GET', req.endpoint, opts);
  const etag = inventory.headers['etag'];
  if (!etag) throw new RedfishResponseError(req.endpoint, 'no ETag on the FirmwareInventory collection');

  const boundary = `firmwarden-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName(req.image.fileName)}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    yield* req.openImage();
    yield tail;
  }
  const uploaded = await ctx.client.request('POST', req.endpoint, {
    ...opts,
    headers: { 'if-match': etag },
    body: {
      raw: Readable.from(parts(), { objectMode: false }),
      contentType: `multipart/form-data; boundary=${boundary}`,
      length: head.length + req.image.size + tail.length,
    },
  });
  const location = uploaded.headers['location'];
  const created = location ? pathOf(location, origin) : undefined;
  if (uploaded.status !== 201 || !created) {
    throw new RedfishResponseError(
      req.endpoint,
      `upload answered ${uploaded.status} without the Available- member`,
    );
  }
  ctx.emit(`uploaded as ${created}; installing it with SimpleUpdate`);

  const simple = obj(obj(us['Actions'])?.['#UpdateService.SimpleUpdate'])?.['target'];
  if (typeof simple !== 'string') {
    throw new RedfishResponseError(req.updateService, 'SimpleUpdate is not announced to install the upload');
  }
  const body: Json = { ImageURI: created };
  if (req.applyTime) body['@Redfish.OperationApplyTime'] = req.applyTime;
  const res = await ctx.client.post(simple, body, opts);
  const job = res.headers['location'];
  return {
    status: res.status,
    created,
    ...(job ? { location: pathOf(job, origin) } : {}),
    ...(req.applyTime ? { applyTime: req.applyTime } : {}),
  };
}

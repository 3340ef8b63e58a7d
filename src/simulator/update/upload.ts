/**
 * Receiving a pushed image: a multipart/form-data body parsed by busboy as it streams (parameters
 * part kept, image part piped into the verifier), or a raw octet-stream body. Nothing is buffered
 * but the small parameters part. MaxImageSizeBytes is enforced on Content-Length before reading
 * and on the bytes counted while streaming (413 either way, the rest of the body is drained).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { UpdateMethod } from '../../vocab.ts';
import { SIM_DEFAULTS } from '../defaults.ts';
import { SimImageVerifier } from '../image-format.ts';
import { baseMessage, SimHttpError } from '../redfish-errors.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest } from '../sim-http.ts';
import { updateService } from './apply-time.ts';
import type { ReceivedImage } from './update-engine.ts';

const PARAMS_LIMIT = 64 * 1024;

/** The image and parameters of a push request. */
export interface Upload {
  /** Text of the parameters part; undefined when the request had none. */
  params?: string;
  /** The image part; undefined when the request had none. */
  image?: ReceivedImage;
  /** Other small parts asked for by name (MultipartNames.keep): text, and the file name if any. */
  kept?: Record<string, { text: string; fileName?: string }>;
}

/** MaxImageSizeBytes as announced now (null/absent: no limit). */
export function maxImageSize(host: SimHost): number | undefined {
  const v = updateService(host)['MaxImageSizeBytes'];
  return typeof v === 'number' && v > 0 ? v : undefined;
}

/** A verifier for an image arriving at `host`, counting its bytes in the BMC's stats as they come. */
export function imageVerifier(host: SimHost): SimImageVerifier {
  return new SimImageVerifier({
    keepBytes: SIM_DEFAULTS.keepImageBytes,
    onBytes: (n) => {
      host.counters.imageBytesVerified += n;
    },
  });
}

class TooLarge extends Error {}

/** Counts bytes and fails past `max`. */
class ByteCounter extends Transform {
  bytes = 0;
  readonly #max: number | undefined;
  constructor(max: number | undefined) {
    super();
    this.#max = max;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.#max !== undefined && this.bytes > this.#max) cb(new TooLarge());
    else cb(null, chunk);
  }
}

function tooLarge(host: SimHost, max: number): SimHttpError {
  const m = baseMessage(host.profile.messages, 'GeneralError');
  return new SimHttpError(
    413,
    [{ ...m, Resolution: `Images larger than MaxImageSizeBytes (${max}) are refused.` }],
    {
      Connection: 'close',
    },
  );
}

function record(host: SimHost, method: UpdateMethod, uri: string, bytes: number, refused?: number): void {
  host.counters.imageUploads.push({ method, uri, bytes, ...(refused === undefined ? {} : { refused }) });
}

/** 413 before reading a body whose Content-Length passes MaxImageSizeBytes. */
export function checkDeclaredSize(host: SimHost, req: SimRequest, method: UpdateMethod): void {
  const max = maxImageSize(host);
  const declared = Number(req.headers['content-length']);
  if (max !== undefined && Number.isFinite(declared) && declared > max) {
    record(host, method, req.path, 0, 413);
    throw tooLarge(host, max);
  }
}

function verdict(name: string, bytes: number, verifier: SimImageVerifier): ReceivedImage {
  const data = verifier.kept();
  return { name, bytes, result: verifier.result(), ...(data === undefined ? {} : { data }) };
}

/** Streams a raw octet-stream body into the verifier. */
export async function receiveRaw(host: SimHost, req: SimRequest, method: UpdateMethod): Promise<Upload> {
  const max = maxImageSize(host);
  const counter = new ByteCounter(max);
  const verifier = imageVerifier(host);
  try {
    await pipeline(req.raw, counter, verifier);
  } catch (err) {
    if (err instanceof TooLarge && max !== undefined) {
      record(host, method, req.path, counter.bytes, 413);
      throw tooLarge(host, max);
    }
    throw err;
  }
  record(host, method, req.path, counter.bytes);
  const name = String(req.headers['x-file-name'] ?? 'image');
  return { image: verdict(name, counter.bytes, verifier) };
}

export interface MultipartNames {
  params: readonly string[];
  file: readonly string[];
  /** Further small parts to keep (iLO's sessionKey field and compsig file). */
  keep?: readonly string[];
}

/** Parses a multipart/form-data body as it streams; the file part goes into the verifier. */
export function receiveMultipart(
  host: SimHost,
  req: SimRequest,
  method: UpdateMethod,
  names: MultipartNames,
): Promise<Upload> {
  const max = maxImageSize(host);
  const style = host.profile.messages;
  return new Promise<Upload>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fieldSize: PARAMS_LIMIT, fields: 16, files: 8, parts: 24 },
      });
    } catch {
      reject(new SimHttpError(400, [baseMessage(style, 'UnrecognizedRequestBody')]));
      return;
    }
    const out: Upload = {};
    let fileDone: Promise<void> = Promise.resolve();
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      req.raw.unpipe(bb);
      req.raw.resume();
      reject(err);
    };
    bb.on('field', (name, value) => {
      if (names.params.includes(name)) out.params = value;
      else if (names.keep?.includes(name)) out.kept = { ...out.kept, [name]: { text: value } };
    });
    bb.on('file', (name, stream, info) => {
      if (names.keep?.includes(name) && !names.params.includes(name)) {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= PARAMS_LIMIT) chunks.push(c);
        });
        stream.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          out.kept = { ...out.kept, [name]: { text, ...(info.filename ? { fileName: info.filename } : {}) } };
        });
        return;
      }
      if (names.params.includes(name)) {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= PARAMS_LIMIT) chunks.push(c);
        });
        stream.on('end', () => {
          out.params = Buffer.concat(chunks).toString('utf8');
        });
        return;
      }
      if (!names.file.includes(name) || out.image !== undefined) {
        stream.resume();
        return;
      }
      const counter = new ByteCounter(max);
      const verifier = imageVerifier(host);
      const fileName = info.filename || 'image';
      out.image = {
        name: fileName,
        bytes: 0,
        result: { reason: 'TransferFailed', detail: 'upload incomplete' },
      };
      fileDone = pipeline(stream, counter, verifier).then(
        () => {
          record(host, method, req.path, counter.bytes);
          out.image = verdict(fileName, counter.bytes, verifier);
        },
        (err: unknown) => {
          if (err instanceof TooLarge && max !== undefined) {
            record(host, method, req.path, counter.bytes, 413);
            fail(tooLarge(host, max));
          } else fail(err);
        },
      );
    });
    bb.on('error', () => fail(new SimHttpError(400, [baseMessage(style, 'UnrecognizedRequestBody')])));
    bb.on('close', () => {
      fileDone.then(() => {
        if (!failed) resolve(out);
      }, fail);
    });
    req.raw.on('error', fail);
    req.raw.pipe(bb);
  });
}

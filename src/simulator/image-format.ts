/**
 * The firmware image format the simulator understands, so a simulated BMC can refuse a wrong or
 * damaged image the way a real one does (VerificationFailed). A real BMC checks a vendor
 * signature; this format checks a header and a payload digest:
 *
 *   FWSIMIMG1\n
 *   {"vendor":"dell","match":{"softwareId":"159"},"version":"6.4.0","payloadSha256":"…","payloadSize":N}\n
 *   <payloadSize bytes>
 *
 * Images are produced and verified as streams: a 256 MiB image never sits in memory.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { ComponentKindSchema, VendorSchema } from '../vocab.ts';

export const SIM_IMAGE_MAGIC = 'FWSIMIMG1\n';
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Which installed component an image is for. At least one key; every key given must agree with
 * the target member (softwareId = SoftwareId / Dell ComponentID, id = inventory member Id).
 */
export const SimImageMatchSchema = z
  .object({
    softwareId: z.string().optional(),
    id: z.string().optional(),
    kind: ComponentKindSchema.optional(),
  })
  .strict()
  .refine((m) => m.softwareId !== undefined || m.id !== undefined || m.kind !== undefined, {
    message: 'match needs softwareId, id or kind',
  });

export const SimImageHeaderSchema = z
  .object({
    vendor: VendorSchema,
    match: SimImageMatchSchema,
    version: z.string().min(1),
    name: z.string().optional(),
    payloadSha256: z.string().regex(/^[0-9a-f]{64}$/),
    payloadSize: z.number().int().nonnegative(),
  })
  .strict();
export type SimImageHeader = z.infer<typeof SimImageHeaderSchema>;

/** What to put in an image: everything but the payload digest, which is computed. */
export type SimImageSpec = Omit<SimImageHeader, 'payloadSha256' | 'payloadSize'> & {
  /** Payload length in bytes (deterministic pseudo-random content from `seed`). */
  payloadSize: number;
  seed?: number;
};

/** Deterministic payload chunks (xorshift), cheap enough for 256 MiB benches. */
function* payloadChunks(size: number, seed: number): Generator<Buffer> {
  let x = seed >>> 0 || 0x9e3779b9;
  const chunk = 1 << 20;
  for (let off = 0; off < size; off += chunk) {
    const n = Math.min(chunk, size - off);
    const buf = Buffer.allocUnsafe(n);
    for (let i = 0; i + 4 <= n; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      buf.writeUInt32LE(x >>> 0, i);
    }
    for (let i = n - (n % 4); i < n; i++) buf[i] = i & 0xff;
    yield buf;
  }
}

function payloadDigest(size: number, seed: number): string {
  const h = createHash('sha256');
  for (const c of payloadChunks(size, seed)) h.update(c);
  return h.digest('hex');
}

function headerBytes(spec: SimImageSpec, payloadSha256: string): Buffer {
  const { seed: _seed, ...rest } = spec;
  const header = SimImageHeaderSchema.parse({ ...rest, payloadSha256 });
  return Buffer.from(`${SIM_IMAGE_MAGIC}${JSON.stringify(header)}\n`);
}

/** Builds an image in memory (small test images). */
export function buildSimImage(spec: SimImageSpec): Buffer {
  const seed = spec.seed ?? 1;
  return Buffer.concat([
    headerBytes(spec, payloadDigest(spec.payloadSize, seed)),
    ...payloadChunks(spec.payloadSize, seed),
  ]);
}

/** Writes an image file by streaming; returns its sha256 and size (for a catalog entry). */
export async function writeSimImage(
  path: string,
  spec: SimImageSpec,
): Promise<{ sha256: string; size: number }> {
  const seed = spec.seed ?? 1;
  const head = headerBytes(spec, payloadDigest(spec.payloadSize, seed));
  await mkdir(dirname(path), { recursive: true });
  const file = createHash('sha256');
  async function* all() {
    file.update(head);
    yield head;
    for (const c of payloadChunks(spec.payloadSize, seed)) {
      file.update(c);
      yield c;
    }
  }
  await pipeline(all(), createWriteStream(path));
  return { sha256: file.digest('hex'), size: head.length + spec.payloadSize };
}

/** Why an image was refused, in the words of the Update message registry. */
export type SimImageProblem = { reason: 'VerificationFailed'; detail: string };

/**
 * A Writable that verifies an image as it streams in, holding only the header in memory.
 * After 'finish', `result()` gives the header or the problem found.
 */
export class SimImageVerifier extends Writable {
  /** Keep the bytes for later (a slice copy, ImageDataURI) when the image is at most this long. */
  readonly #keepBytes: number;
  readonly #onBytes: ((n: number) => void) | undefined;
  #kept: Buffer[] | undefined;
  #head: Buffer[] = [];
  #headLen = 0;
  #header: SimImageHeader | undefined;
  #hash = createHash('sha256');
  #payload = 0;
  #problem: string | undefined;
  /** Bytes received in total. */
  received = 0;

  constructor(options: { keepBytes?: number; onBytes?: (n: number) => void } = {}) {
    super();
    this.#keepBytes = options.keepBytes ?? 0;
    this.#onBytes = options.onBytes;
    this.#kept = this.#keepBytes > 0 ? [] : undefined;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.received += chunk.length;
    this.#onBytes?.(chunk.length);
    if (this.#kept !== undefined) {
      if (this.received > this.#keepBytes) this.#kept = undefined;
      else this.#kept.push(Buffer.from(chunk));
    }
    if (this.#problem) {
      cb();
      return;
    }
    if (this.#header) {
      this.#hash.update(chunk);
      this.#payload += chunk.length;
      cb();
      return;
    }
    this.#head.push(chunk);
    this.#headLen += chunk.length;
    const buf = Buffer.concat(this.#head);
    const magicLen = SIM_IMAGE_MAGIC.length;
    if (buf.length >= magicLen && buf.subarray(0, magicLen).toString('latin1') !== SIM_IMAGE_MAGIC) {
      this.#problem = 'not a firmware image for this device (bad magic)';
      cb();
      return;
    }
    const nl = buf.indexOf(0x0a, magicLen);
    if (nl < 0) {
      if (this.#headLen > MAX_HEADER_BYTES) this.#problem = 'image header too long';
      cb();
      return;
    }
    const parsed = safeHeader(buf.subarray(magicLen, nl).toString('utf8'));
    if (typeof parsed === 'string') {
      this.#problem = parsed;
      cb();
      return;
    }
    this.#header = parsed;
    this.#head = [];
    const rest = buf.subarray(nl + 1);
    this.#hash.update(rest);
    this.#payload += rest.length;
    cb();
  }

  /** The image bytes when `keepBytes` allowed keeping them (after the stream finished). */
  kept(): Buffer | undefined {
    return this.#kept === undefined ? undefined : Buffer.concat(this.#kept);
  }

  /** The verified header, or the problem. Call after the stream finished. */
  result(): SimImageHeader | SimImageProblem {
    const fail = (detail: string): SimImageProblem => ({ reason: 'VerificationFailed', detail });
    if (this.#problem) return fail(this.#problem);
    if (!this.#header) return fail('image truncated before its header ended');
    if (this.#payload !== this.#header.payloadSize) {
      return fail(`payload is ${this.#payload} bytes, header says ${this.#header.payloadSize}`);
    }
    if (this.#hash.digest('hex') !== this.#header.payloadSha256)
      return fail('payload digest does not match the header');
    return this.#header;
  }
}

function safeHeader(text: string): SimImageHeader | string {
  try {
    const r = SimImageHeaderSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : `bad image header: ${r.error.issues[0]?.message}`;
  } catch {
    return 'image header is not JSON';
  }
}

/** Verifies a whole image held in memory. */
export function verifySimImage(image: Buffer): SimImageHeader | SimImageProblem {
  const v = new SimImageVerifier();
  v.write(image);
  v.end();
  return v.result();
}

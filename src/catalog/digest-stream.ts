/**
 * Digests computed while bytes flow: sha256 (the store's address), md5 (Dell's hashMD5) and the
 * byte count, with an optional cap that aborts as soon as it is exceeded.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ImageErrorCode, ImageStoreError } from './image-errors.ts';

/** Digests of a byte stream. */
export interface Digests {
  sha256: string;
  md5: string;
  size: number;
}

/** What the catalog says an image must be. */
export interface ExpectedImage {
  sha256?: string;
  md5?: string;
  size?: number;
}

/** Incremental digests of a byte sequence. */
export class DigestAccumulator {
  readonly #sha256: Hash = createHash('sha256');
  readonly #md5: Hash = createHash('md5');
  #size = 0;

  update(chunk: Uint8Array): void {
    this.#sha256.update(chunk);
    this.#md5.update(chunk);
    this.#size += chunk.length;
  }

  get size(): number {
    return this.#size;
  }

  digest(): Digests {
    return { sha256: this.#sha256.digest('hex'), md5: this.#md5.digest('hex'), size: this.#size };
  }
}

/** A pass-through stream that digests what it carries and errors once `maxBytes` is exceeded. */
export class DigestStream extends Transform {
  readonly #acc = new DigestAccumulator();
  readonly #maxBytes: number | undefined;
  readonly #label: string;
  #digests: Digests | undefined;

  constructor(label: string, maxBytes?: number) {
    super();
    this.#label = label;
    this.#maxBytes = maxBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#acc.update(chunk);
    if (this.#maxBytes !== undefined && this.#acc.size > this.#maxBytes) {
      callback(
        new ImageStoreError(
          ImageErrorCode.size,
          this.#label,
          `more than the expected ${this.#maxBytes} bytes`,
        ),
      );
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#digests = this.#acc.digest();
    callback();
  }

  /** The digests; only valid once the stream has finished. */
  digests(): Digests {
    if (this.#digests === undefined) throw new Error('digests read before the stream finished');
    return this.#digests;
  }
}

/**
 * Throws when `actual` contradicts `expected`: size first (the cheaper, clearer message), then
 * sha256, then md5. Every digest the catalog gives is checked, not only the strongest.
 */
export function checkDigests(actual: Digests, expected: ExpectedImage, label: string): void {
  if (expected.size !== undefined && actual.size !== expected.size) {
    throw new ImageStoreError(ImageErrorCode.size, label, `${actual.size} bytes, expected ${expected.size}`);
  }
  if (expected.sha256 !== undefined && actual.sha256 !== expected.sha256.toLowerCase()) {
    throw new ImageStoreError(
      ImageErrorCode.digest,
      label,
      `sha256 ${actual.sha256}, expected ${expected.sha256}`,
    );
  }
  if (expected.md5 !== undefined && actual.md5 !== expected.md5.toLowerCase()) {
    throw new ImageStoreError(ImageErrorCode.digest, label, `md5 ${actual.md5}, expected ${expected.md5}`);
  }
}

/**
 * The local image repository: content-addressed by sha256 under a root directory.
 *
 *   <root>/images/sha256/<hex>      the images, named by their own sha256
 *   <root>/index/md5/<hex>          md5 → sha256 (Dell catalogs give md5 only)
 *   <root>/partial/<key>.partial    interrupted downloads (+ .partial.json: URL, validators)
 *   <root>/tmp/                     writes in progress
 *
 * An image enters only through a verified write to tmp/ followed by an atomic rename, so the
 * store never holds a half-written or unverified image; reads re-verify. Names that are not a
 * digest (or a safe partial key) are refused, so no path can escape the root.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkDigests, DigestStream, type Digests, type ExpectedImage } from './digest-stream.ts';
import { ImageErrorCode, ImageStoreError } from './image-errors.ts';

const SHA256 = /^[0-9a-f]{64}$/;
const MD5 = /^[0-9a-f]{32}$/;
const PARTIAL_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;
/**
 * Read size for streaming an image out (uploads): 256 KiB instead of fs's 64 KiB, so a 128 MiB
 * push is 512 chunks through the verifier, the multipart body and the socket rather than 2,048
 * (bench/push.ts --curl: a quarter less CPU with 1 MiB chunks, but 30 MiB more RSS for ten pushes).
 */
const READ_CHUNK_BYTES = 256 * 1024;

/** An image in the store. */
export interface StoredImage extends Digests {
  /** Absolute path of the image file. */
  path: string;
}

/** A content-addressed, verify-on-read image store under `root`. */
export class ImageStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Creates the directory layout (idempotent) and returns the store. */
  static async open(root: string): Promise<ImageStore> {
    const store = new ImageStore(root);
    await store.init();
    return store;
  }

  /** Creates the directory layout (idempotent). */
  async init(): Promise<void> {
    for (const dir of [['images', 'sha256'], ['index', 'md5'], ['partial'], ['tmp']]) {
      await mkdir(this.#inside(...dir), { recursive: true });
    }
  }

  /** Absolute path of an image. Throws FW_ERR_IMAGE_PATH unless `sha256` is 64 lowercase hex digits. */
  imagePath(sha256: string): string {
    return this.#inside('images', 'sha256', digestName(sha256, SHA256, 'sha256'));
  }

  /** Paths of an interrupted download's data and metadata; `key` must be a plain file name. */
  partialPaths(key: string): { data: string; meta: string } {
    if (!PARTIAL_KEY.test(key) || key.includes('..')) {
      throw new ImageStoreError(ImageErrorCode.path, key, 'not a valid partial download name');
    }
    return {
      data: this.#inside('partial', `${key}.partial`),
      meta: this.#inside('partial', `${key}.partial.json`),
    };
  }

  /** True when an image with this sha256 is stored (not verified: see verify()). */
  async has(sha256: string): Promise<boolean> {
    return exists(this.imagePath(sha256));
  }

  /** The sha256 of a stored image whose md5 is `md5`, if any. */
  async findByMd5(md5: string): Promise<string | undefined> {
    const indexFile = this.#inside('index', 'md5', digestName(md5, MD5, 'md5'));
    let sha256: string;
    try {
      sha256 = (await readFile(indexFile, 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return SHA256.test(sha256) && (await this.has(sha256)) ? sha256 : undefined;
  }

  /** The sha256 of a stored image meeting `expected` (by sha256, else by md5), if any. */
  async resolve(expected: ExpectedImage): Promise<string | undefined> {
    if (expected.sha256 !== undefined) {
      const sha256 = expected.sha256.toLowerCase();
      return (await this.has(sha256)) ? sha256 : undefined;
    }
    return expected.md5 === undefined ? undefined : this.findByMd5(expected.md5.toLowerCase());
  }

  /**
   * Stores the bytes of `source`, verifying them against `expected` while writing to a
   * temporary file; only a verified image is renamed into place. On any failure the temporary
   * file is removed and nothing changes in the store.
   */
  async put(
    source: Readable | AsyncIterable<Uint8Array>,
    expected: ExpectedImage = {},
    label = expected.sha256 ?? expected.md5 ?? 'stream',
  ): Promise<StoredImage> {
    const tmp = this.#tempPath();
    const digest = new DigestStream(label, expected.size);
    try {
      const input = source instanceof Readable ? source : Readable.from(source);
      await pipeline(input, digest, createWriteStream(tmp, { flush: true }));
      const digests = digest.digests();
      checkDigests(digests, expected, label);
      return await this.#commit(tmp, digests);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Stores a file that already sits in this store's filesystem (a finished partial download):
   * digests it, verifies, then moves it into place (`move`) or copies it through put().
   * On a mismatch the source file is left for the caller to remove.
   */
  async putFile(
    path: string,
    expected: ExpectedImage,
    options: { move?: boolean; label?: string } = {},
  ): Promise<StoredImage> {
    const label = options.label ?? expected.sha256 ?? expected.md5 ?? path;
    if (!options.move) return this.put(createReadStream(path), expected, label);
    const digests = await digestFile(path, expected.size, label);
    checkDigests(digests, expected, label);
    const handle = await open(path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return this.#commit(path, digests);
  }

  /**
   * A stream of a stored image that re-verifies its sha256 as it is read and errors with
   * FW_ERR_IMAGE_CORRUPT at the end on a mismatch (FW_ERR_IMAGE_NOT_FOUND when absent). A
   * consumer that must not act on bad bytes (e.g. before starting a BMC update) calls verify()
   * first, or aborts what it did with the bytes when the stream errors.
   */
  open(sha256: string): Readable {
    const path = this.imagePath(sha256);
    // sha256 only: the address is all a read checks (an md5 as well cost ~2x the CPU per MiB).
    const hash = createHash('sha256');
    const verifier = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        const actual = hash.digest('hex');
        callback(actual === sha256 ? null : corrupt(sha256, actual));
      },
    });
    const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    file.on('error', (err: NodeJS.ErrnoException) =>
      verifier.destroy(err.code === 'ENOENT' ? notStored(sha256, err) : err),
    );
    // A consumer that stops early must not leave the file descriptor open.
    verifier.on('close', () => file.destroy());
    return file.pipe(verifier);
  }

  /** Re-reads a stored image and checks it against its address. Throws CORRUPT or NOT_FOUND. */
  async verify(sha256: string): Promise<StoredImage> {
    const path = this.imagePath(sha256);
    let digests: Digests;
    try {
      digests = await digestFile(path, undefined, sha256);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notStored(sha256, err);
      throw err;
    }
    if (digests.sha256 !== sha256) throw corrupt(sha256, digests.sha256);
    return { ...digests, path };
  }

  /** Removes a stored image (and nothing else). */
  async remove(sha256: string): Promise<void> {
    await rm(this.imagePath(sha256), { force: true });
  }

  /** sha256 of every stored image. */
  async list(): Promise<string[]> {
    const names = await readdir(this.#inside('images', 'sha256'));
    return names.filter((n) => SHA256.test(n)).sort();
  }

  async #commit(file: string, digests: Digests): Promise<StoredImage> {
    const path = this.imagePath(digests.sha256);
    // Same content, same name: replacing an existing (maybe corrupted) copy is always right.
    await rename(file, path);
    await this.#indexMd5(digests.md5, digests.sha256);
    return { ...digests, path };
  }

  async #indexMd5(md5: string, sha256: string): Promise<void> {
    const tmp = this.#tempPath();
    await writeFile(tmp, `${sha256}\n`, { flush: true });
    await rename(tmp, this.#inside('index', 'md5', md5));
  }

  #tempPath(): string {
    return this.#inside('tmp', `${randomUUID()}.tmp`);
  }

  /** Joins under the root and refuses anything that would land outside it. */
  #inside(...parts: string[]): string {
    const path = join(this.root, ...parts);
    if (!path.startsWith(this.root + sep)) {
      throw new ImageStoreError(ImageErrorCode.path, parts.join('/'), 'path escapes the image store');
    }
    return path;
  }
}

/** Digests a file, stopping early once it exceeds `maxBytes`. */
export async function digestFile(
  path: string,
  maxBytes: number | undefined,
  label: string,
): Promise<Digests> {
  const digest = new DigestStream(label, maxBytes);
  await pipeline(createReadStream(path), digest, async (source: AsyncIterable<unknown>) => {
    for await (const _ of source);
  });
  return digest.digests();
}

function digestName(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new ImageStoreError(ImageErrorCode.path, value, `not a ${what} digest`);
  return value;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function corrupt(sha256: string, actual: string): ImageStoreError {
  return new ImageStoreError(
    ImageErrorCode.corrupt,
    sha256,
    `stored image is corrupt (its sha256 is now ${actual})`,
  );
}

function notStored(sha256: string, cause: unknown): ImageStoreError {
  return new ImageStoreError(ImageErrorCode.notFound, sha256, 'not in the image store', { cause });
}

/** Removes a file if it exists. */
export async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageErrorCode, ImageStore } from '../../src/catalog/index.ts';

const IMAGE = Buffer.from('firmware image bytes\n'.repeat(5000));
const SHA256 = createHash('sha256').update(IMAGE).digest('hex');
const MD5 = createHash('md5').update(IMAGE).digest('hex');

/** The image in several chunks, as a download would deliver it. */
function chunks(bytes: Buffer = IMAGE): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 7000) parts.push(bytes.subarray(i, i + 7000));
  return Readable.from(parts);
}

describe('ImageStore', () => {
  let root: string;
  let store: ImageStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fw-store-'));
    store = await ImageStore.open(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Every file under the store except the empty layout directories. */
  async function files(): Promise<string[]> {
    const out: string[] = [];
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) out.push(join(entry.parentPath, entry.name).slice(root.length + 1));
    }
    return out.sort();
  }

  it.each([
    ['sha256', { sha256: SHA256 }],
    ['md5', { md5: MD5 }],
    ['sha256, md5 and size', { sha256: SHA256, md5: MD5, size: IMAGE.length }],
    ['uppercase digests', { sha256: SHA256.toUpperCase(), md5: MD5.toUpperCase() }],
  ])('stores a verified image addressed by sha256 (expected %s)', async (_name, expected) => {
    const stored = await store.put(chunks(), expected);
    expect(stored).toMatchObject({ sha256: SHA256, md5: MD5, size: IMAGE.length });
    expect(stored.path).toBe(join(root, 'images', 'sha256', SHA256));
    expect(await readFile(stored.path)).toEqual(IMAGE);
    expect(await store.list()).toEqual([SHA256]);
    expect(await store.findByMd5(MD5)).toBe(SHA256);
    expect(await files()).toEqual([`images/sha256/${SHA256}`, `index/md5/${MD5}`]);
  });

  it.each([
    ['wrong sha256', { sha256: 'f'.repeat(64) }, ImageErrorCode.digest],
    ['wrong md5', { sha256: SHA256, md5: '0'.repeat(32) }, ImageErrorCode.digest],
    ['too short', { size: IMAGE.length + 1 }, ImageErrorCode.size],
    ['too long', { size: IMAGE.length - 1 }, ImageErrorCode.size],
  ])('refuses an image with %s and leaves nothing behind', async (_name, expected, code) => {
    const err = await store.put(chunks(), expected).catch((e) => e);
    expect(err.code).toBe(code);
    expect(await files()).toEqual([]);
  });

  it('stores identical content once', async () => {
    await store.put(chunks(), { sha256: SHA256 });
    await store.put(chunks(), { md5: MD5 });
    expect(await store.list()).toEqual([SHA256]);
  });

  it('re-verifies on read: a verifying stream passes good bytes', async () => {
    await store.put(chunks(), { sha256: SHA256 });
    expect(await text(store.open(SHA256))).toBe(IMAGE.toString());
    expect((await store.verify(SHA256)).md5).toBe(MD5);
  });

  it('detects corruption on disk when reading', async () => {
    const { path } = await store.put(chunks(), { sha256: SHA256 });
    const damaged = Buffer.from(IMAGE);
    damaged[1234] = (damaged[1234] ?? 0) ^ 0xff;
    await writeFile(path, damaged);
    const streamErr = await text(store.open(SHA256)).catch((e) => e);
    expect(streamErr.code).toBe(ImageErrorCode.corrupt);
    const verifyErr = await store.verify(SHA256).catch((e) => e);
    expect(verifyErr.code).toBe(ImageErrorCode.corrupt);
  });

  it('reports a missing image as not found', async () => {
    const err = await text(store.open('0'.repeat(64))).catch((e) => e);
    expect(err.code).toBe(ImageErrorCode.notFound);
    expect((await store.verify('0'.repeat(64)).catch((e) => e)).code).toBe(ImageErrorCode.notFound);
    expect(await store.has('0'.repeat(64))).toBe(false);
  });

  it.each([
    ['parent traversal', '../../../etc/passwd'],
    ['absolute path', '/etc/passwd'],
    ['digest then traversal', `${SHA256}/../../x`],
    ['uppercase digest', SHA256.toUpperCase()],
    ['short digest', SHA256.slice(1)],
    ['NUL byte', `${SHA256.slice(1)}\0`],
  ])('refuses a name with %s', async (_name, name) => {
    expect(() => store.imagePath(name)).toThrow(expect.objectContaining({ code: ImageErrorCode.path }));
    expect(() => store.open(name)).toThrow(expect.objectContaining({ code: ImageErrorCode.path }));
    await expect(store.verify(name)).rejects.toMatchObject({ code: ImageErrorCode.path });
    await expect(store.has(name)).rejects.toMatchObject({ code: ImageErrorCode.path });
    expect(await files()).toEqual([]);
  });

  it('never stores under a name taken from the expected digest', async () => {
    await expect(store.put(chunks(), { sha256: '../../../tmp/evil' })).rejects.toMatchObject({
      code: ImageErrorCode.digest,
    });
    expect(await files()).toEqual([]);
  });

  it.each([['../escape'], ['a/b'], ['.hidden'], ['x..y'], ['']])(
    'refuses partial download name %j',
    (key) => {
      expect(() => store.partialPaths(key)).toThrow(expect.objectContaining({ code: ImageErrorCode.path }));
    },
  );

  it('refuses a md5 index lookup with a traversal name', async () => {
    await expect(store.findByMd5('../../x')).rejects.toMatchObject({ code: ImageErrorCode.path });
  });
});

import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, readlink, rm } from 'node:fs/promises';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { generate } from 'selfsigned';
import { Agent, type Dispatcher, request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ImageErrorCode, ImageStore } from '../../src/catalog/index.ts';
import { type ImageServer, startImageServer } from '../../src/executor/image-server.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { type FakeClock, fakeClock } from '../helpers/fake-clock.ts';

const MiB = 1024 * 1024;
const IMAGE = randomBytes(300_000);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

let root: string;
let store: ImageStore;
let imageSha: string;
let otherSha: string;

/** Stores `size` pseudo-random bytes written in 1 MiB chunks (never held whole) and returns the sha256. */
async function storeGenerated(size: number): Promise<string> {
  async function* chunks() {
    for (let left = size; left > 0; left -= MiB) yield randomBytes(Math.min(MiB, left));
  }
  return (await store.put(Readable.from(chunks()))).sha256;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-image-server-'));
  store = await ImageStore.open(root);
  imageSha = (await store.put(Readable.from([IMAGE]))).sha256;
  otherSha = (await store.put(Readable.from([Buffer.from('another image')]))).sha256;
});
afterAll(() => rm(root, { recursive: true, force: true }));

let server: ImageServer;
let clock: FakeClock;
let log: ReturnType<typeof captureLogger>;

beforeEach(async () => {
  clock = fakeClock();
  log = captureLogger('debug');
  server = await startImageServer({ store }, { clock, logger: log.logger });
});
afterEach(() => server.close());

/** Reads a response body as it streams; reports bytes, digest and the error that ended it, if any. */
async function drain(
  body: AsyncIterable<Uint8Array>,
): Promise<{ bytes: number; sha256: string; error?: unknown }> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of body) {
      hash.update(chunk);
      bytes += chunk.length;
    }
  } catch (error) {
    return { bytes, sha256: hash.digest('hex'), error };
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function get(url: string, headers: Record<string, string> = {}, method: Dispatcher.HttpMethod = 'GET') {
  const res = await request(url, { method, headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body };
}

/** A request whose path goes out exactly as written (fetch and undici normalize dot segments). */
function rawGet(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

function fetchLines(): Array<Record<string, unknown>> {
  return log
    .lines()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l['msg'] === 'image fetch');
}

/**
 * Waits for the server's log line of the last of `count` requests: a client may hold its whole body
 * a moment before the server has seen its write complete, counted it and logged it.
 */
async function logged(count: number): Promise<void> {
  await vi.waitFor(() => expect(fetchLines().length).toBeGreaterThanOrEqual(count), { timeout: 10_000 });
}

describe('image server: serving', () => {
  it('serves the whole image with its digest as ETag, and counts the fetch', async () => {
    const { url, token } = await server.grant(imageSha, { label: 'r640-17/job-9' });
    expect(url).toBe(`${server.url}/images/${token}/${imageSha}.bin`);
    expect(server.scheme).toBe('http');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(sha256(res.body)).toBe(imageSha);
    expect(res.body.equals(IMAGE)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(IMAGE.length),
      'accept-ranges': 'bytes',
      etag: `"${imageSha}"`,
    });
    await logged(1);
    expect(server.stats(token)).toMatchObject({ fetches: 1, completed: 1, bytes: IMAGE.length, ranges: 0 });
    expect(server.stats(token)?.lastClient).toMatch(/127\.0\.0\.1/);
  });

  it('answers HEAD with the headers of a GET and no body, without counting a fetch', async () => {
    const { url, token } = await server.grant(imageSha);
    const res = await get(url, {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(IMAGE.length));
    expect(res.headers['etag']).toBe(`"${imageSha}"`);
    expect(res.body.length).toBe(0);
    expect(server.stats(token)).toMatchObject({ fetches: 0, bytes: 0 });
  });

  const size = IMAGE.length;
  it.each([
    ['first bytes', 'bytes=0-99', 0, 99],
    ['a middle slice', 'bytes=1000-1999', 1000, 1999],
    ['open-ended', 'bytes=1000-', 1000, size - 1],
    ['suffix', 'bytes=-500', size - 500, size - 1],
    ['end past the file (clamped)', `bytes=100-${size + 5000}`, 100, size - 1],
    ['suffix longer than the file', `bytes=-${size * 2}`, 0, size - 1],
    ['whitespace around numbers', 'bytes= 10 - 19', 10, 19],
  ])('serves a single range: %s (%s)', async (_name, range, start, end) => {
    const { url, token } = await server.grant(imageSha);
    const res = await get(url, { range });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`);
    expect(res.headers['content-length']).toBe(String(end - start + 1));
    expect(res.body.equals(IMAGE.subarray(start, end + 1))).toBe(true);
    expect(server.stats(token)?.ranges).toBe(1);
  });

  it.each([
    ['several ranges', 'bytes=0-1,5-6'],
    ['another unit', 'items=0-5'],
    ['last before first', 'bytes=50-10'],
    ['no numbers', 'bytes=-'],
  ])('serves the whole file with 200 for %s (%s)', async (_name, range) => {
    const { url } = await server.grant(imageSha);
    const res = await get(url, { range });
    expect(res.status).toBe(200);
    expect(res.headers['content-range']).toBeUndefined();
    expect(res.body.equals(IMAGE)).toBe(true);
  });

  it.each([
    ['start at the size', `bytes=${size}-`],
    ['start past the end', `bytes=${size + 10}-${size + 20}`],
    ['empty suffix', 'bytes=-0'],
  ])('answers 416 with the size for an unsatisfiable range: %s', async (_name, range) => {
    const { url } = await server.grant(imageSha);
    const res = await get(url, { range });
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${size}`);
    expect(res.body.length).toBe(0);
  });

  it('ignores a Range whose If-Range names another version', async () => {
    const { url } = await server.grant(imageSha);
    expect((await get(url, { range: 'bytes=0-9', 'if-range': `"${otherSha}"` })).status).toBe(200);
    expect((await get(url, { range: 'bytes=0-9', 'if-range': `"${imageSha}"` })).status).toBe(206);
  });

  it('ignores a query string appended to the URL', async () => {
    const { url } = await server.grant(imageSha);
    expect((await get(`${url}?download=1`)).status).toBe(200);
  });

  it('serves a base URL with a path prefix given as publicUrl, with or without the prefix', async () => {
    const other = await startImageServer(
      { store, publicUrl: 'https://fw.mgmt.example:8443/firmwarden/' },
      { clock, logger: log.logger },
    );
    try {
      const { url, token } = await other.grant(imageSha);
      expect(url).toBe(`https://fw.mgmt.example:8443/firmwarden/images/${token}/${imageSha}.bin`);
      const path = `/images/${token}/${imageSha}.bin`;
      for (const local of [`/firmwarden${path}`, path]) {
        expect((await get(`http://127.0.0.1:${other.port}${local}`)).status).toBe(200);
      }
    } finally {
      await other.close();
    }
  });
});

describe('image server: configuration', () => {
  it('refuses to guess the URL BMCs reach when listening on every interface', async () => {
    await expect(
      startImageServer({ store, host: '0.0.0.0' }, { clock, logger: log.logger }),
    ).rejects.toMatchObject({ code: 'FW_ERR_CONFIG' });
  });

  it.each([
    ['a zero TTL', { ttlMs: 0 }],
    ['a negative TTL', { ttlMs: -1 }],
    ['a TTL that is not a number', { ttlMs: Number.NaN }],
    ['no fetch allowed', { maxFetches: 0 }],
  ])('refuses a grant with %s', async (_name, options) => {
    await expect(server.grant(imageSha, options)).rejects.toMatchObject({ code: 'FW_ERR_CONFIG' });
  });
});

describe('image server: access', () => {
  it('gives a grant the default TTL of two hours', async () => {
    const { expiresAt } = await server.grant(imageSha);
    expect(expiresAt).toBe(clock.now() + 2 * 3600_000);
  });

  it.each([
    [
      'an expired token',
      async () => {
        const { url } = await server.grant(imageSha, { ttlMs: 60_000 });
        expect((await get(url)).status).toBe(200);
        await clock.sleep(60_000);
        return url;
      },
    ],
    [
      'a revoked token',
      async () => {
        const { url, token } = await server.grant(imageSha);
        expect(server.revoke(token)).toBe(true);
        expect(server.stats(token)?.revoked).toBe(true);
        return url;
      },
    ],
    [
      'a token granted for another image',
      async () => {
        const { token } = await server.grant(otherSha);
        return `${server.url}/images/${token}/${imageSha}.bin`;
      },
    ],
    [
      'an unknown token',
      async () => `${server.url}/images/${randomBytes(32).toString('base64url')}/${imageSha}.bin`,
    ],
    ['a token of the wrong shape', async () => `${server.url}/images/abc/${imageSha}.bin`],
  ])('answers 404, like for any missing file, to %s', async (_name, makeUrl) => {
    const url = await makeUrl();
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await get(url, { range: 'bytes=0-9' }, method);
      expect(res.status).toBe(404);
      expect(res.body.length).toBe(0);
      expect(res.headers['content-range']).toBeUndefined();
    }
  });

  it('stops serving new downloads after maxFetches, but lets a download resume', async () => {
    const { url, token } = await server.grant(imageSha, { maxFetches: 1 });
    expect((await get(url)).status).toBe(200);
    expect((await get(url, { range: 'bytes=1000-' })).status).toBe(206);
    expect((await get(url)).status).toBe(404);
    expect((await get(url, { range: 'bytes=0-99' })).status).toBe(404);
    await logged(4);
    expect(server.stats(token)).toMatchObject({ fetches: 1, completed: 2, ranges: 1 });
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const)('answers %s with 405', async (method) => {
    const { url } = await server.grant(imageSha);
    const res = await get(url, {}, method);
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
  });

  it.each([
    ['dot segments after the file', (t: string) => `/images/${t}/${imageSha}.bin/../../../../etc/passwd`],
    ['dot segments instead of the digest', (t: string) => `/images/${t}/../../../etc/passwd`],
    ['encoded dot segments', (t: string) => `/images/${t}/%2e%2e%2f%2e%2e%2fetc%2fpasswd`],
    ['a store-relative name', (t: string) => `/images/${t}/..%2Fsha256%2F${imageSha}`],
    ['the digest without .bin', (t: string) => `/images/${t}/${imageSha}`],
    ['an upper-case digest', (t: string) => `/images/${t}/${imageSha.toUpperCase()}.bin`],
    ['no token', () => `/images/${imageSha}.bin`],
    ['the store layout', () => `/images/sha256/${imageSha}`],
  ])('answers 404 to a path that is not a grant: %s', async (_name, path) => {
    const { token } = await server.grant(imageSha);
    expect(await rawGet(path(token))).toBe(404);
  });

  it.each([
    ['an image the store does not hold', 'e'.repeat(64), ImageErrorCode.notFound],
    ['a name that is not a sha256', '../../etc/passwd', ImageErrorCode.path],
  ])('refuses to grant %s', async (_name, sha, code) => {
    await expect(server.grant(sha)).rejects.toMatchObject({ code });
  });

  it('hashes an image once for a wave of grants, and again once its file changed', async () => {
    const sha = await storeGenerated(2 * MiB);
    const verify = vi.spyOn(store, 'verify');
    try {
      await Promise.all(Array.from({ length: 10 }, (_, i) => server.grant(sha, { label: `node-${i}` })));
      await server.grant(sha);
      expect(verify).toHaveBeenCalledTimes(1);
      await flipByte(store.imagePath(sha), 1000);
      await flipByte(store.imagePath(sha), 1000);
      await server.grant(sha);
      expect(verify).toHaveBeenCalledTimes(2);
    } finally {
      verify.mockRestore();
    }
  });

  it('refuses to grant an image whose file no longer matches its digest', async () => {
    const sha = await storeGenerated(200_000);
    await flipByte(store.imagePath(sha), 100_000);
    await expect(server.grant(sha)).rejects.toMatchObject({ code: ImageErrorCode.corrupt });
  });

  it('logs one line per request with label, status, bytes, range and time, never the whole token', async () => {
    const { url, token } = await server.grant(imageSha, { label: 'r640-17/job-9' });
    await get(url);
    await get(url, { range: 'bytes=0-99' });
    await get(`${server.url}/images/${token}/${otherSha}.bin`);
    await logged(3);
    const lines = fetchLines().sort((a, b) => Number(a['status']) - Number(b['status']));
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => [l['status'], l['bytes'], l['range']])).toEqual([
      [200, IMAGE.length, undefined],
      [206, 100, `bytes 0-99/${IMAGE.length}`],
      [404, undefined, undefined],
    ]);
    // Served fetches are routine (debug: off the console); a refused one is worth a warning.
    expect(lines.map((l) => l['level'])).toEqual([20, 20, 40]);
    for (const line of lines) {
      expect(line).toMatchObject({ grant: `${token.slice(0, 6)}…`, ms: expect.any(Number) });
    }
    expect(lines[0]?.['label']).toBe('r640-17/job-9');
    expect(lines[2]?.['outcome']).toBe('wrong-image');
    expect(log.lines()).not.toContain(token);
  });
});

async function flipByte(path: string, offset: number): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const one = Buffer.alloc(1);
    await file.read(one, 0, 1, offset);
    one[0] = (one[0] ?? 0) ^ 0xff;
    await file.write(one, 0, 1, offset);
  } finally {
    await file.close();
  }
}

describe('image server: integrity', () => {
  it('aborts a transfer whose image was corrupted on disk after the grant', async () => {
    const size = 4 * MiB;
    const sha = await storeGenerated(size);
    const { url, token } = await server.grant(sha);
    await flipByte(store.imagePath(sha), 3 * MiB);

    const res = await request(url);
    expect(res.statusCode).toBe(200);
    const got = await drain(res.body);
    expect(got.error).toBeDefined();
    expect(got.bytes).toBeLessThan(size);
    // The server logs once it has recorded the corruption, which may come after the client's error.
    await vi.waitFor(() => expect(fetchLines().at(-1)).toMatchObject({ outcome: 'corrupt', level: 50 }), {
      timeout: 10_000,
    });
    expect(server.stats(token)).toMatchObject({ corrupt: true, completed: 0 });

    // Known bad from now on: no more bytes, no partial reads, no new grants.
    expect((await get(url)).status).toBe(500);
    expect((await get(url, { range: 'bytes=0-99' })).status).toBe(500);
    await expect(server.grant(sha)).rejects.toMatchObject({ code: ImageErrorCode.corrupt });
  });

  it('re-verifies a file changed since the grant before serving a partial range from it', async () => {
    const sha = await storeGenerated(256 * 1024);
    const { url } = await server.grant(sha);
    expect((await get(url, { range: 'bytes=0-99' })).status).toBe(206);
    await flipByte(store.imagePath(sha), 200_000);
    expect((await get(url, { range: 'bytes=0-99' })).status).toBe(500);
  });

  it('answers 404 once the image was removed from the store', async () => {
    const sha = await storeGenerated(1000);
    const { url } = await server.grant(sha);
    await store.remove(sha);
    expect((await get(url)).status).toBe(404);
  });
});

describe('image server: HTTPS', () => {
  it.each([
    ['a self-signed certificate it makes', async () => 'self-signed' as const],
    [
      'a certificate it is given',
      async () => {
        const pems = await generate([{ name: 'commonName', value: 'fw-images' }], {
          keyType: 'ec',
          algorithm: 'sha256',
          extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
        });
        return { cert: pems.cert, key: pems.private };
      },
    ],
  ])('serves over TLS with %s to a client that trusts it', async (_name, tls) => {
    const secure = await startImageServer({ store, tls: await tls() }, { clock, logger: log.logger });
    const trusting = new Agent({ connect: { ca: secure.certificate } });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(secure.scheme).toBe('https');
      expect(new X509Certificate(secure.certificate ?? '').publicKey.asymmetricKeyType).toBe('ec');
      const { url } = await secure.grant(imageSha);
      const res = await request(url, { dispatcher: trusting });
      expect(res.statusCode).toBe(200);
      expect((await drain(res.body)).sha256).toBe(imageSha);
      // The certificate is really checked: a client that does not trust it is refused.
      await expect(request(url, { dispatcher: new Agent() })).rejects.toThrow();
    } finally {
      await trusting.close();
      await secure.close();
    }
  });
});

/** Descriptors (numbers as text) of the image files this process holds open (Linux). */
async function openImageFds(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return fds.filter((_, i) => links[i]?.startsWith(join(root, 'images')));
}

/** The read position of descriptor `fd` (Linux /proc/self/fdinfo). */
async function filePosition(fd: string): Promise<number> {
  const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8').catch(() => '');
  return Number(/^pos:\s+(\d+)/m.exec(info)?.[1] ?? -1);
}

/** Paths of the image files this process holds open (Linux). */
async function openImageFiles(): Promise<string[]> {
  if (!existsSync('/proc/self/fd')) return [];
  const links = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return links.filter((l) => l.startsWith(join(root, 'images')));
}

describe('image server: resources', () => {
  it('serves 20 concurrent downloads of a 32 MiB image whole and counts them', async () => {
    const size = 32 * MiB;
    const sha = await storeGenerated(size);
    const { url, token } = await server.grant(sha);
    const results = await Promise.all(
      Array.from({ length: 20 }, async () => drain((await request(url)).body)),
    );
    expect(results.every((r) => r.sha256 === sha && r.bytes === size && !r.error)).toBe(true);
    await logged(20);
    expect(server.stats(token)).toMatchObject({ fetches: 20, completed: 20, bytes: 20 * size });
  });

  it.runIf(existsSync('/proc/self/fdinfo'))(
    'reads the image from disk only as fast as the client takes it (never holds it in memory)',
    async () => {
      // (What streaming saves in memory is a figure for `npm run bench:push`, not a test.)
      const size = 64 * MiB;
      const sha = await storeGenerated(size);
      const { url } = await server.grant(sha);
      const res = await request(url);
      const body = res.body[Symbol.asyncIterator]();
      expect((await body.next()).done).toBe(false);
      // The client reads no more: once the socket and stream buffers are full, the server must
      // stop reading the file. Wait until its read position stands still, then look at it.
      const [fd] = await openImageFds();
      expect(fd, 'the image file is open while the transfer is in flight').toBeDefined();
      let pos = -1;
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const now = await filePosition(fd as string);
        if (now === pos) break;
        pos = now;
      }
      // Buffers between file and client hold a few MiB; a server that read the image whole
      // would stand at its end (or have closed the file).
      expect(pos).toBeGreaterThan(0);
      expect(pos).toBeLessThan(size / 4);
      res.body.destroy();
    },
  );

  it('closes with a transfer in flight: the client sees a broken transfer, no file stays open', async () => {
    const size = 16 * MiB;
    const sha = await storeGenerated(size);
    const { url } = await server.grant(sha);
    const res = await request(url);
    const body = res.body[Symbol.asyncIterator]();
    expect((await body.next()).done).toBe(false);
    expect(await openImageFiles()).toHaveLength(1);

    await server.close();
    let error: unknown;
    try {
      while (!(await body.next()).done);
    } catch (err) {
      error = err;
    }
    expect(error).toBeDefined();
    // The store's reader closes its descriptor asynchronously once destroyed.
    await vi.waitFor(async () => expect(await openImageFiles()).toEqual([]), { timeout: 10_000 });
    expect(fetchLines().at(-1)).toMatchObject({ outcome: 'aborted' });
    await expect(request(url)).rejects.toThrow();
  });
});

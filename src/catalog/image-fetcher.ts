/**
 * HTTP(S) download of one image into a resumable .partial file, with undici. An interrupted
 * download keeps its bytes and its validators (ETag / Last-Modified); the next attempt asks for
 * the rest with `Range: bytes=<offset>-` and `If-Range`. A 206 whose Content-Range starts at the
 * offset is appended; a 200 means the server ignored the range (or the file changed) and the
 * download restarts from zero; a 416 at the full length means it was already complete.
 */
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { type Dispatcher, request } from 'undici';
import type { ExpectedImage } from './digest-stream.ts';
import { ImageErrorCode, ImageStoreError } from './image-errors.ts';
import { removeIfPresent } from './image-store.ts';

export interface FetchSettings {
  maxRedirections: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxBytes: number;
  userAgent: string;
}

/** Download settings; every default in one block. */
export const FETCH_DEFAULTS: Readonly<FetchSettings> = {
  /** Vendor CDNs redirect once or twice (to a regional mirror); more is a loop. */
  maxRedirections: 5,
  /** Time to the response headers. Vendor CDNs answer in well under this. */
  headersTimeoutMs: 30_000,
  /** Longest silence between body chunks (not the whole transfer: images reach gigabytes). */
  bodyTimeoutMs: 60_000,
  /** Cap on an image whose catalog entry gives no size (the largest vendor images are ~2 GiB). */
  maxBytes: 8 * 1024 * 1024 * 1024,
  userAgent: 'firmwarden',
};

/** What an interrupted download remembers beside its bytes. */
interface PartialMeta {
  url: string;
  etag?: string;
  lastModified?: string;
}

export interface DownloadArgs {
  url: string;
  /** From ImageStore.partialPaths(). */
  paths: { data: string; meta: string };
  expected: ExpectedImage;
  dispatcher: Dispatcher;
  settings: FetchSettings;
  signal?: AbortSignal;
  /**
   * Asked before the first request and before following each redirect; throws to refuse the URL
   * (image-hosts.ts). Redirects are followed here, one checked hop at a time, up to
   * settings.maxRedirections.
   */
  checkUrl?: (url: string) => Promise<void>;
  /** Called per chunk written: bytes on disk so far, the total when known, the chunk's size. */
  onBytes?: (bytes: number, total: number | undefined, chunk: number) => void;
}

export interface DownloadResult {
  /** Bytes already on disk that the server's 206 let us keep (0 when none). */
  resumedFrom: number;
  /** A partial existed but had to be discarded (server ignored Range, file changed). */
  restarted: boolean;
  /** Bytes received in this call. */
  transferred: number;
}

/** Downloads `url` into `paths.data`, resuming what is there. Errors are ImageStoreError. */
export async function downloadToPartial(args: DownloadArgs): Promise<DownloadResult> {
  const { url, paths, expected, settings } = args;
  const limit = expected.size ?? settings.maxBytes;
  let offset = await partialOffset(paths, url);
  if (offset > limit) {
    await discard(paths);
    offset = 0;
  }
  if (offset > 0 && offset === expected.size)
    return { resumedFrom: offset, restarted: false, transferred: 0 };
  const meta = offset > 0 ? await readMeta(paths.meta) : undefined;

  const headers: Record<string, string> = { 'user-agent': settings.userAgent, 'accept-encoding': 'identity' };
  if (offset > 0) {
    headers['range'] = `bytes=${offset}-`;
    const validator = meta?.etag && !meta.etag.startsWith('W/') ? meta.etag : meta?.lastModified;
    if (validator) headers['if-range'] = validator;
  }

  const response = await requestFollowing(args, headers);
  const { statusCode, body } = response;
  const header = (name: string): string | undefined => {
    const v = response.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };

  if (statusCode === 416 && offset > 0) {
    await body.dump();
    const total = /^bytes \*\/(\d+)$/.exec(header('content-range') ?? '')?.[1];
    if (total !== undefined && Number(total) === offset)
      return { resumedFrom: offset, restarted: false, transferred: 0 };
    await discard(paths);
    throw new ImageStoreError(
      ImageErrorCode.fetch,
      url,
      'range not satisfiable: partial download discarded',
      { retryable: true },
    );
  }
  if (statusCode !== 200 && statusCode !== 206) {
    await body.dump();
    throw new ImageStoreError(ImageErrorCode.fetch, url, `HTTP ${statusCode}`, {
      retryable: statusCode >= 500 || statusCode === 408 || statusCode === 429,
    });
  }

  let start = 0;
  let total: number | undefined;
  if (statusCode === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header('content-range') ?? '');
    if (range === null || Number(range[1]) !== offset) {
      await body.dump();
      await discard(paths);
      throw new ImageStoreError(
        ImageErrorCode.fetch,
        url,
        'unexpected Content-Range: partial download discarded',
        { retryable: true },
      );
    }
    start = offset;
    total = range[3] === '*' ? undefined : Number(range[3]);
  } else {
    const length = header('content-length');
    total = length === undefined ? undefined : Number(length);
  }
  if (total !== undefined && expected.size !== undefined && total !== expected.size) {
    await body.dump();
    await discard(paths);
    throw new ImageStoreError(
      ImageErrorCode.size,
      url,
      `server offers ${total} bytes, expected ${expected.size}`,
    );
  }

  const etag = header('etag');
  const lastModified = header('last-modified');
  await writeFile(
    paths.meta,
    JSON.stringify({
      url,
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    } satisfies PartialMeta),
  );

  // Append after a 206; after a 200 start over (the server ignored Range or the file changed).
  const handle = await open(paths.data, start > 0 ? 'a' : 'w');
  let written = start;
  let transferred = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (written + chunk.length > limit) {
        body.destroy();
        await handle.close();
        await discard(paths);
        throw new ImageStoreError(ImageErrorCode.size, url, `more than the expected ${limit} bytes`);
      }
      // Each chunk is on disk before the next is read: an interruption keeps everything written
      // (chunks still queued in the response stream when the connection dies are fetched again).
      await handle.write(chunk);
      written += chunk.length;
      transferred += chunk.length;
      args.onBytes?.(written, total, chunk.length);
    }
  } catch (err) {
    if (err instanceof ImageStoreError) throw err;
    throw networkError(url, err, args.signal);
  } finally {
    await handle.close().catch(() => undefined);
  }
  return { resumedFrom: start, restarted: offset > 0 && start === 0, transferred };
}

/**
 * GET `args.url`, following redirects itself so that every hop is checked (checkUrl) before it is
 * asked: a redirect to a host the catalog may not use is refused without connecting to it.
 */
async function requestFollowing(
  args: DownloadArgs,
  headers: Record<string, string>,
): Promise<Dispatcher.ResponseData> {
  const { url, settings } = args;
  let current = url;
  for (let hop = 0; ; hop++) {
    await args.checkUrl?.(current);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(current, {
        method: 'GET',
        headers,
        dispatcher: args.dispatcher,
        headersTimeout: settings.headersTimeoutMs,
        bodyTimeout: settings.bodyTimeoutMs,
        ...(args.signal === undefined ? {} : { signal: args.signal }),
      });
    } catch (err) {
      throw networkError(url, err, args.signal);
    }
    const location = response.headers['location'];
    const target = Array.isArray(location) ? location[0] : location;
    if (![301, 302, 303, 307, 308].includes(response.statusCode) || target === undefined) return response;
    await response.body.dump();
    if (hop >= settings.maxRedirections) {
      throw new ImageStoreError(ImageErrorCode.fetch, url, `more than ${hop} redirects`);
    }
    try {
      current = new URL(target, current).href;
    } catch (err) {
      throw new ImageStoreError(ImageErrorCode.fetch, url, 'redirect to an invalid URL', { cause: err });
    }
    if (!/^https?:$/.test(new URL(current).protocol))
      throw new ImageStoreError(ImageErrorCode.host, url, 'redirect to a URL that is not http(s)');
  }
}

/** Bytes already downloaded for `url` (0 when there is no partial, or it was for another URL). */
async function partialOffset(paths: { data: string; meta: string }, url: string): Promise<number> {
  const meta = await readMeta(paths.meta);
  if (meta === undefined || meta.url !== url) {
    await discard(paths);
    return 0;
  }
  try {
    return (await stat(paths.data)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

async function readMeta(path: string): Promise<PartialMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(path, 'utf8')) as PartialMeta;
    return typeof meta?.url === 'string' ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a partial download (data and metadata). */
export async function discard(paths: { data: string; meta: string }): Promise<void> {
  await removeIfPresent(paths.data);
  await removeIfPresent(paths.meta);
}

function networkError(url: string, err: unknown, signal: AbortSignal | undefined): ImageStoreError {
  const code = (err as { code?: string }).code;
  const reason = (err as Error).message || String(err);
  return new ImageStoreError(ImageErrorCode.fetch, url, `${code ? `${code}: ` : ''}${reason}`, {
    cause: err,
    retryable: !signal?.aborted,
  });
}

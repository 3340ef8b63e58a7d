/**
 * How a simulated BMC downloads a SimpleUpdate image: undici over HTTP(S), streamed into the image
 * verifier with backpressure (never the whole image in memory), one plain GET or sequential Range
 * requests. Like most BMCs it does not verify the image server's certificate unless told to
 * (SimImageFetchOptions.verifyTls). Every download is recorded in stats.imageFetches.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Agent, request } from 'undici';
import type { SimImageFetch, SimImageFetchOptions } from '../types.ts';

const IDLE_TIMEOUT_MS = 30_000;

export interface FetchCredentials {
  username?: string;
  password?: string;
}

/** The URL as recorded: no credentials, no query, no fragment. */
export function recordedUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** A download that did not complete. */
export class ImageFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageFetchError';
  }
}

export class ImageFetcher {
  readonly #options: SimImageFetchOptions;
  readonly #signal: AbortSignal;
  #agent: Agent | undefined;

  constructor(options: SimImageFetchOptions, signal: AbortSignal) {
    this.#options = options;
    this.#signal = signal;
  }

  #dispatcher(): Agent {
    const idle = this.#options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    this.#agent ??= new Agent({
      connect: {
        rejectUnauthorized: this.#options.verifyTls === true,
        ...(this.#options.ca === undefined ? {} : { ca: this.#options.ca }),
      },
      headersTimeout: idle,
      bodyTimeout: idle,
      connections: 4,
    });
    return this.#agent;
  }

  /**
   * Downloads `url` into `sink` and ends it. Resolves when the sink finished; rejects with
   * ImageFetchError (recorded in `record.error`) when the download fails or passes `maxBytes`.
   */
  async fetch(
    url: URL,
    creds: FetchCredentials,
    sink: Writable,
    record: SimImageFetch,
    maxBytes?: number,
  ): Promise<void> {
    try {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new ImageFetchError(
          `transfer protocol ${url.protocol.replace(':', '').toUpperCase()} is not simulated`,
        );
      }
      const headers: Record<string, string> = {};
      const user = creds.username ?? decodeURIComponent(url.username);
      const pass = creds.password ?? decodeURIComponent(url.password);
      if (user !== '' || pass !== '') {
        headers['authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      }
      const plain = new URL(url);
      plain.username = '';
      plain.password = '';
      const chunk = this.#options.rangeChunkBytes;
      if (chunk !== undefined && chunk > 0) await this.#ranged(plain, headers, chunk, sink, record, maxBytes);
      else await this.#whole(plain, headers, sink, record, maxBytes);
      sink.end();
      await finished(sink);
    } catch (err) {
      const message =
        err instanceof ImageFetchError ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
      record.error = message;
      if (!sink.writableEnded) sink.end();
      throw err instanceof ImageFetchError ? err : new ImageFetchError(message);
    }
  }

  async #whole(
    url: URL,
    headers: Record<string, string>,
    sink: Writable,
    record: SimImageFetch,
    maxBytes?: number,
  ): Promise<void> {
    const res = await request(url, { dispatcher: this.#dispatcher(), headers, signal: this.#signal });
    record.status = res.statusCode;
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new ImageFetchError(`image server answered HTTP ${res.statusCode}`);
    }
    await this.#pump(res.body, sink, record, maxBytes);
  }

  async #ranged(
    url: URL,
    headers: Record<string, string>,
    chunk: number,
    sink: Writable,
    record: SimImageFetch,
    maxBytes?: number,
  ): Promise<void> {
    let offset = 0;
    let total: number | undefined;
    while (total === undefined || offset < total) {
      const range = `bytes=${offset}-${offset + chunk - 1}`;
      record.ranges.push(range);
      const res = await request(url, {
        dispatcher: this.#dispatcher(),
        headers: { ...headers, range },
        signal: this.#signal,
      });
      record.status = res.statusCode;
      if (res.statusCode === 200 && offset === 0) {
        // The server ignores Range: take the whole file from this answer.
        await this.#pump(res.body, sink, record, maxBytes);
        return;
      }
      if (res.statusCode !== 206) {
        await res.body.dump();
        throw new ImageFetchError(`image server answered HTTP ${res.statusCode} to Range ${range}`);
      }
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''));
      if (m === null || Number(m[1]) !== offset) {
        await res.body.dump();
        throw new ImageFetchError(`bad Content-Range ${String(res.headers['content-range'])} for ${range}`);
      }
      await this.#pump(res.body, sink, record, maxBytes);
      offset = Number(m[2]) + 1;
      total = Number(m[3]);
    }
  }

  async #pump(
    body: AsyncIterable<Buffer>,
    sink: Writable,
    record: SimImageFetch,
    maxBytes: number | undefined,
  ): Promise<void> {
    for await (const c of body) {
      record.bytes += c.length;
      if (maxBytes !== undefined && record.bytes > maxBytes) {
        throw new ImageFetchError(`image is larger than MaxImageSizeBytes ${maxBytes}`);
      }
      if (!sink.write(c)) await once(sink, 'drain');
    }
  }

  async close(): Promise<void> {
    const agent = this.#agent;
    this.#agent = undefined;
    if (agent !== undefined) await agent.destroy();
  }
}

/**
 * Reads the watched catalog source: a local file, or an http(s) URL fetched with undici. A URL is
 * asked conditionally (If-None-Match / If-Modified-Since from the last recorded validators), so an
 * unchanged catalog costs a 304; whatever arrives is identified by its sha256, so a server that
 * changes its ETag without changing the content does not count as a new catalog.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Dispatcher, getGlobalDispatcher, request } from 'undici';
import { normalizeHost } from '../catalog/image-hosts.ts';
import { CATALOG_DEFAULTS } from '../catalog/load-catalog.ts';
import { FirmwardenError } from '../errors.ts';
import type { CatalogSourceRef } from './load-config.ts';

/** Fetch settings; every default in one block. */
export const SOURCE_DEFAULTS = {
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 60_000,
  maxRedirections: 5,
  /** The catalog loader's own cap: larger files would be refused after the download anyway. */
  maxBytes: CATALOG_DEFAULTS.maxBytes,
  userAgent: 'firmwarden-daemon',
} as const;

/** What identifies a version of the source. */
export interface SourceValidators {
  digest: string;
  etag?: string;
  lastModified?: string;
}

export interface SourceRead extends SourceValidators {
  /** The server answered 304: `bytes` is absent and `digest` is the previous one. */
  notModified: boolean;
  bytes?: Buffer;
}

/**
 * GET `url`, following redirects only to its own host or an allowed one: the catalog's text is
 * recorded and its errors journalled, so a redirect must not make the daemon read (and report)
 * another host of its network. Refused hops are named, never fetched.
 */
async function requestFollowing(
  url: string,
  headers: Record<string, string>,
  options: SourceOptions,
): Promise<Dispatcher.ResponseData> {
  const hosts = new Set([new URL(url).hostname, ...(options.allowHosts ?? [])].map(normalizeHost));
  const dispatcher = options.dispatcher ?? getGlobalDispatcher();
  let current = url;
  for (let hop = 0; ; hop++) {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(current, {
        method: 'GET',
        headers,
        dispatcher,
        headersTimeout: SOURCE_DEFAULTS.headersTimeoutMs,
        bodyTimeout: SOURCE_DEFAULTS.bodyTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new FirmwardenError('FW_ERR_CATALOG_SOURCE', `[GET] "${url}": ${(err as Error).message}`, {
        cause: err,
      });
    }
    const location = response.headers['location'];
    const target = Array.isArray(location) ? location[0] : location;
    if (![301, 302, 303, 307, 308].includes(response.statusCode) || target === undefined) return response;
    await response.body.dump();
    const next = URL.canParse(target, current) ? new URL(target, current) : undefined;
    if (next === undefined || !/^https?:$/.test(next.protocol) || !hosts.has(normalizeHost(next.hostname))) {
      throw new FirmwardenError(
        'FW_ERR_CATALOG_SOURCE',
        `[GET] "${url}": redirect to ${next ? `host ${JSON.stringify(next.hostname)}` : 'an invalid URL'} refused: only the source's own host and catalog.allowHosts are followed`,
      );
    }
    if (hop >= SOURCE_DEFAULTS.maxRedirections)
      throw new FirmwardenError('FW_ERR_CATALOG_SOURCE', `[GET] "${url}": more than ${hop} redirects`);
    current = next.href;
  }
}

/** "https://…" or the file path: how the source is named in records and messages. */
export function sourceLabel(source: CatalogSourceRef): string {
  return source.kind === 'url' ? source.url : source.path;
}

export function contentDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface SourceOptions {
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Hosts a redirect may lead to besides the source URL's own (catalog.allowHosts). */
  allowHosts?: readonly string[];
}

/** Reads the source; with `previous`, a URL is asked only for a newer version. */
export async function readCatalogSource(
  source: CatalogSourceRef,
  previous: SourceValidators | undefined,
  options: SourceOptions = {},
): Promise<SourceRead> {
  if (source.kind === 'file') {
    let bytes: Buffer;
    try {
      bytes = await readFile(source.path);
    } catch (err) {
      throw new FirmwardenError(
        'FW_ERR_CATALOG_SOURCE',
        `catalog source ${source.path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        { cause: err },
      );
    }
    return { notModified: false, bytes, digest: contentDigest(bytes) };
  }
  return fetchUrl(source.url, previous, options);
}

async function fetchUrl(
  url: string,
  previous: SourceValidators | undefined,
  options: SourceOptions,
): Promise<SourceRead> {
  const headers: Record<string, string> = { 'user-agent': SOURCE_DEFAULTS.userAgent };
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
  const response = await requestFollowing(url, headers, options);
  const header = (name: string): string | undefined => {
    const v = response.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const validators = {
    ...(header('etag') ? { etag: header('etag') as string } : {}),
    ...(header('last-modified') ? { lastModified: header('last-modified') as string } : {}),
  };
  if (response.statusCode === 304 && previous) {
    await response.body.dump();
    return { ...previous, ...validators, notModified: true };
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new FirmwardenError('FW_ERR_CATALOG_SOURCE', `[GET] "${url}": ${response.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > SOURCE_DEFAULTS.maxBytes) {
        response.body.destroy();
        throw new FirmwardenError(
          'FW_ERR_CATALOG_SOURCE',
          `[GET] "${url}": more than ${SOURCE_DEFAULTS.maxBytes} bytes (the catalog size limit)`,
        );
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof FirmwardenError) throw err;
    if (options.signal?.aborted) throw options.signal.reason;
    throw new FirmwardenError('FW_ERR_CATALOG_SOURCE', `[GET] "${url}": ${(err as Error).message}`, {
      cause: err,
    });
  }
  const bytes = Buffer.concat(chunks);
  return { notModified: false, bytes, digest: contentDigest(bytes), ...validators };
}

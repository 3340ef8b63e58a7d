/**
 * syncCatalog: makes the image store hold a verified copy of every image a catalog references.
 * http(s) images are downloaded with resume (image-fetcher.ts); file:// URLs and image.file
 * paths (relative to the catalog file) are copied. Each image is verified against the catalog's
 * digests and size before it is renamed into the store, so a failed image leaves nothing behind.
 * Entries that share an image are fetched once. This is what `firmwarden catalog sync` calls.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Agent, type Dispatcher, getGlobalDispatcher } from 'undici';
import { type Clock, systemClock } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import type { Catalog } from './catalog.ts';
import type { ExpectedImage } from './digest-stream.ts';
import { ImageErrorCode, ImageStoreError } from './image-errors.ts';
import { discard, downloadToPartial, FETCH_DEFAULTS, type FetchSettings } from './image-fetcher.ts';
import { checkImageHost, guardedLookup, type HostLookup, imageHostPolicy } from './image-hosts.ts';
import type { ImageStore, StoredImage } from './image-store.ts';
import { checkedLocalImage } from './local-images.ts';
import type { CatalogEntry } from './model.ts';

/** Sync defaults; every default in one block. */
export const SYNC_DEFAULTS = {
  /** Images fetched at once. Vendor CDNs are happy with a handful. */
  concurrency: 4,
  /** Tries per image for retryable failures (connection drops, 5xx, 429), resuming each time. */
  attempts: 4,
  /** First retry delay; doubles each time. */
  retryDelayMs: 1_000,
} as const;

/** Side effects: HTTP dispatcher (tests pass one bound to 127.0.0.1), the clock for backoff, DNS. */
export interface SyncDeps {
  dispatcher?: Dispatcher;
  clock?: Clock;
  /** Host name resolution for the public-address rule (image-hosts.ts); dns.lookup by default. */
  lookup?: HostLookup;
}

/** What happened to one catalog entry's image. */
export interface SyncEntryResult {
  entryId: string;
  /** downloaded/copied now, already present (verified), or failed. */
  status: 'downloaded' | 'present' | 'failed';
  sha256?: string;
  size?: number;
  /** URL or file path the image came from (or would have). */
  source?: string;
  /** Bytes kept from an earlier interrupted download. */
  resumedFrom?: number;
  attempts: number;
  error?: { code: string; message: string };
}

export interface SyncReport {
  results: SyncEntryResult[];
  downloaded: number;
  present: number;
  failed: number;
  /**
   * Bytes brought into the store in this sync: received over the network or copied from a local
   * file (a catalog of file images transfers as much as one of URLs; resumed bytes not counted).
   */
  bytesTransferred: number;
  ok: boolean;
}

/** Progress events, one image at a time (entryIds: every entry sharing the image). */
export type SyncProgress =
  | { phase: 'start'; entryIds: string[]; source: string }
  | { phase: 'bytes'; entryIds: string[]; source: string; bytes: number; total: number | undefined }
  | { phase: 'retry'; entryIds: string[]; source: string; attempt: number; error: string }
  | { phase: 'done'; entryIds: string[]; source: string; status: SyncEntryResult['status'] };

export interface SyncOptions {
  catalog: Catalog;
  store: ImageStore;
  concurrency?: number;
  onProgress?: (event: SyncProgress) => void;
  deps?: SyncDeps;
  attempts?: number;
  retryDelayMs?: number;
  /** Re-hash images already in the store before trusting them (default true). */
  verifyExisting?: boolean;
  /** Only sync these entries. */
  entryIds?: readonly string[];
  fetch?: Partial<FetchSettings>;
  signal?: AbortSignal;
  /**
   * Hosts images may also be downloaded from, beyond the catalog's own (catalog.allowHosts,
   * `catalog sync --allow-host`); see image-hosts.ts for the rules.
   */
  allowHosts?: readonly string[];
}

interface ImageGroup {
  entries: CatalogEntry[];
  expected: ExpectedImage;
  sources: string[];
  /** The entry naming each local source (its path is checked against the catalog's folder). */
  locals: Map<string, CatalogEntry>;
}

/** Fetches and verifies every image the catalog references; never throws for one image. */
export async function syncCatalog(options: SyncOptions): Promise<SyncReport> {
  const wanted = options.entryIds === undefined ? undefined : new Set(options.entryIds);
  const groups = groupByImage(options.catalog, wanted);
  const lookup = options.deps?.lookup;
  const hosts = await imageHostPolicy(options.catalog, {
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    ...(lookup ? { lookup } : {}),
  });
  // Our own connections re-check the addresses they connect to (DNS rebinding); an injected
  // dispatcher (tests, embedding code) brings its own connector.
  const own =
    options.deps?.dispatcher === undefined && hosts.publicOnly
      ? new Agent({ connect: { lookup: guardedLookup(hosts) } })
      : undefined;
  const ctx: GroupContext = {
    options,
    // No redirect interceptor: image-fetcher follows redirects itself, checking each hop's host.
    dispatcher: options.deps?.dispatcher ?? own ?? getGlobalDispatcher(),
    checkUrl: (url, label) => checkImageHost(hosts, url, label, lookup),
    clock: options.deps?.clock ?? systemClock,
    settings: { ...FETCH_DEFAULTS, ...options.fetch },
    transferred: 0,
  };
  const results: SyncEntryResult[] = [];
  const queue = [...groups];
  const workers = Array.from(
    { length: Math.max(1, options.concurrency ?? SYNC_DEFAULTS.concurrency) },
    async () => {
      for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
        results.push(...(await syncGroup(group, ctx).catch((err) => failedGroup(group!, err))));
      }
    },
  );
  await Promise.all(workers).finally(() => own?.close());
  const order = new Map(options.catalog.entries.map((e, i) => [e.id, i]));
  results.sort((a, b) => (order.get(a.entryId) ?? 0) - (order.get(b.entryId) ?? 0));
  const count = (s: SyncEntryResult['status']) => results.filter((r) => r.status === s).length;
  const failed = count('failed');
  return {
    results,
    downloaded: count('downloaded'),
    present: count('present'),
    failed,
    bytesTransferred: ctx.transferred,
    ok: failed === 0,
  };
}

interface GroupContext {
  options: SyncOptions;
  dispatcher: Dispatcher;
  checkUrl: (url: string, label: string) => Promise<void>;
  clock: Clock;
  settings: FetchSettings;
  transferred: number;
}

/** Entries grouped by image identity (sha256, else md5), with every distinct source. */
function groupByImage(catalog: Catalog, wanted: ReadonlySet<string> | undefined): ImageGroup[] {
  const groups = new Map<string, ImageGroup>();
  for (const entry of catalog.entries) {
    if (wanted !== undefined && !wanted.has(entry.id)) continue;
    const { sha256, md5, size } = entry.image;
    const key = sha256 !== undefined ? `sha256:${sha256}` : `md5:${md5}`;
    const source = imageSource(entry, catalog.source.baseDir);
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        entries: [],
        expected: { ...(sha256 ? { sha256 } : {}), ...(md5 ? { md5 } : {}), ...(size ? { size } : {}) },
        sources: [],
        locals: new Map(),
      };
      groups.set(key, group);
    }
    group.entries.push(entry);
    if (!group.sources.includes(source)) group.sources.push(source);
    if (!/^https?:/i.test(source) && !group.locals.has(source)) group.locals.set(source, entry);
  }
  return [...groups.values()];
}

/**
 * An http(s) URL, or the file path an image is named by (file:// URLs and image.file resolved;
 * checkedLocalImage decides before opening whether it may be read).
 */
function imageSource(entry: CatalogEntry, baseDir: string): string {
  const { url, file } = entry.image;
  if (url !== undefined) return url;
  return resolve(baseDir, file as string);
}

async function syncGroup(group: ImageGroup, ctx: GroupContext): Promise<SyncEntryResult[]> {
  const { store, onProgress } = ctx.options;
  const ids = group.entries.map((e) => e.id);
  const results = (r: Omit<SyncEntryResult, 'entryId'>) => ids.map((entryId) => ({ entryId, ...r }));
  const present = await verifiedPresent(group.expected, store, ctx.options.verifyExisting ?? true);
  if (present !== undefined) {
    onProgress?.({ phase: 'done', entryIds: ids, source: group.sources[0]!, status: 'present' });
    return results({ status: 'present', sha256: present.sha256, size: present.size, attempts: 0 });
  }
  let lastError: unknown;
  let attempts = 0;
  for (const source of group.sources) {
    onProgress?.({ phase: 'start', entryIds: ids, source });
    const maxAttempts = /^https?:/i.test(source) ? (ctx.options.attempts ?? SYNC_DEFAULTS.attempts) : 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      attempts++;
      try {
        const { stored, resumedFrom } = await fetchOnce(source, group, ctx, ids);
        onProgress?.({ phase: 'done', entryIds: ids, source, status: 'downloaded' });
        return results({
          status: 'downloaded',
          sha256: stored.sha256,
          size: stored.size,
          source,
          ...(resumedFrom > 0 ? { resumedFrom } : {}),
          attempts,
        });
      } catch (err) {
        lastError = err;
        const retryable = err instanceof ImageStoreError && err.retryable && !ctx.options.signal?.aborted;
        if (!retryable || attempt === maxAttempts) break;
        onProgress?.({ phase: 'retry', entryIds: ids, source, attempt, error: describeError(err) });
        const delay = (ctx.options.retryDelayMs ?? SYNC_DEFAULTS.retryDelayMs) * 2 ** (attempt - 1);
        // An abort ends the sleep; the next attempt then fails fast and is reported.
        await ctx.clock.sleep(delay, ctx.options.signal).catch(() => undefined);
      }
    }
  }
  onProgress?.({ phase: 'done', entryIds: ids, source: group.sources.at(-1)!, status: 'failed' });
  const code = lastError instanceof FirmwardenError ? lastError.code : ImageErrorCode.fetch;
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  return results({ status: 'failed', source: group.sources.at(-1)!, attempts, error: { code, message } });
}

/** Results for a group whose sync hit an unexpected error (store I/O, not the image). */
function failedGroup(group: ImageGroup, err: unknown): SyncEntryResult[] {
  const code = err instanceof FirmwardenError ? err.code : ImageErrorCode.io;
  const message = err instanceof Error ? err.message : String(err);
  return group.entries.map((e) => ({
    entryId: e.id,
    status: 'failed',
    attempts: 0,
    error: { code, message },
  }));
}

/** A stored image meeting `expected`, re-verified unless told not to; a corrupt copy is removed. */
async function verifiedPresent(
  expected: ExpectedImage,
  store: ImageStore,
  verify: boolean,
): Promise<StoredImage | undefined> {
  const sha256 = await store.resolve(expected);
  if (sha256 === undefined) return undefined;
  if (!verify) {
    const path = store.imagePath(sha256);
    return { sha256, md5: expected.md5 ?? '', size: (await stat(path)).size, path };
  }
  try {
    const stored = await store.verify(sha256);
    const sizeOk = expected.size === undefined || stored.size === expected.size;
    const md5Ok = expected.md5 === undefined || stored.md5 === expected.md5;
    if (sizeOk && md5Ok) return stored;
  } catch (err) {
    if (!(err instanceof ImageStoreError && err.code === ImageErrorCode.corrupt)) throw err;
  }
  await store.remove(sha256);
  return undefined;
}

async function fetchOnce(
  source: string,
  group: ImageGroup,
  ctx: GroupContext,
  ids: string[],
): Promise<{ stored: StoredImage; resumedFrom: number }> {
  const { store, onProgress } = ctx.options;
  const { expected } = group;
  if (!/^https?:/i.test(source)) {
    const path = await checkedLocalImage(ctx.options.catalog, group.locals.get(source) as CatalogEntry);
    const stream = createReadStream(path);
    const opened = new Promise<void>((ok, fail) => {
      stream.once('open', () => ok());
      stream.once('error', fail);
    });
    try {
      await opened;
    } catch (err) {
      const code =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? ImageErrorCode.notFound : ImageErrorCode.source;
      throw new ImageStoreError(code, source, `cannot read: ${(err as Error).message}`, { cause: err });
    }
    const total = expected.size ?? (await stat(path)).size;
    let bytes = 0;
    const counted = async function* () {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        ctx.transferred += chunk.length;
        onProgress?.({ phase: 'bytes', entryIds: ids, source, bytes, total });
        yield chunk;
      }
    };
    return { stored: await store.put(counted(), expected, source), resumedFrom: 0 };
  }
  const paths = store.partialPaths(expected.sha256 ?? `md5-${expected.md5}`);
  const result = await downloadToPartial({
    url: source,
    paths,
    expected,
    dispatcher: ctx.dispatcher,
    settings: ctx.settings,
    checkUrl: (url) => ctx.checkUrl(url, source),
    ...(ctx.options.signal === undefined ? {} : { signal: ctx.options.signal }),
    onBytes: (bytes, total, chunk) => {
      ctx.transferred += chunk;
      onProgress?.({ phase: 'bytes', entryIds: ids, source, bytes, total });
    },
  });
  try {
    const stored = await store.putFile(paths.data, expected, { move: true, label: source });
    await discard(paths);
    return { stored, resumedFrom: result.resumedFrom };
  } catch (err) {
    // Complete but wrong: resuming would only reproduce it. Leave nothing behind.
    await discard(paths);
    throw err;
  }
}

/**
 * catalog-watch: poll the catalog source and, when it changed, load it, record which entries are
 * new or changed, and download their images into the image store (syncCatalog verifies each) as
 * soon as they appear. Images that failed stay pending and are retried on the next poll even
 * when the catalog did not change. What was seen last (digest, ETag, pending entries, the entry
 * index) is read back from this job's own journal entries.
 */
import { join } from 'node:path';
import { type Catalog, ImageStore, syncCatalog } from '../../catalog/index.ts';
import { FirmwardenError } from '../../errors.ts';
import type { JournalRecord } from '../../store/types.ts';
import {
  catalogChanges,
  type EntryChange,
  type EntryFingerprints,
  fingerprintCatalog,
} from '../catalog-changes.ts';
import { readCatalogSource, type SourceRead, type SourceValidators, sourceLabel } from '../catalog-source.ts';
import { loadFileCatalog, parseUrlCatalog } from '../configured-catalog.ts';
import type { JobContext, JobReport } from '../job-context.ts';
import { JobName, jobEvent } from '../job-names.ts';
import { foldJournal } from '../journal-fold.ts';
import type { DaemonConfig } from '../load-config.ts';

/** Entries listed per kind of change in one journal entry; the counts are always complete. */
const LISTED = 100;

/** What the watch recorded about its source, carried by every successful run. */
export interface WatchState extends SourceValidators {
  /** Entry ids whose images failed to download: retried on the next poll. */
  pending: string[];
}

interface History {
  state?: WatchState;
  /** The entry index recorded the last time the catalog changed. */
  index?: EntryFingerprints;
}

export async function catalogWatch(ctx: JobContext): Promise<JobReport> {
  const cfg = ctx.config.catalog as NonNullable<DaemonConfig['catalog']>;
  const source = sourceLabel(cfg.source);
  const history = await readHistory(ctx, source);
  const pending = history.state?.pending ?? [];
  const http = {
    ...(ctx.dispatcher ? { dispatcher: ctx.dispatcher } : {}),
    ...(cfg.allowHosts ? { allowHosts: cfg.allowHosts } : {}),
    signal: ctx.signal,
  };
  // With images pending, ask for the content even if it is unchanged: they need the catalog.
  let read = await readCatalogSource(cfg.source, pending.length > 0 ? undefined : history.state, http);
  const unchanged = read.digest === history.state?.digest;
  if (unchanged && pending.length === 0) {
    return {
      outcome: 'ok',
      summary: `catalog unchanged (${read.notModified ? '304 not modified' : `sha256 ${read.digest.slice(0, 12)}`})`,
      data: { source, changed: false, state: stateOf(read, []) },
    };
  }
  let catalog: Catalog;
  ({ catalog, read } = await loadRead(ctx, read));
  const index = fingerprintCatalog(catalog);
  const diff = unchanged
    ? { added: [], changed: [], removed: [] }
    : catalogChanges(history.index ?? {}, catalog);
  const ids = new Set(catalog.entries.map((e) => e.id));
  // New and changed entries, and pending ones the catalog still has.
  const wanted = [
    ...new Set([
      ...diff.added.map((c) => c.id),
      ...diff.changed.map((c) => c.id),
      ...pending.filter((id) => ids.has(id)),
    ]),
  ];

  let sync: Record<string, unknown> | undefined;
  let failed: string[] = [];
  let stored = 0;
  if (cfg.download && wanted.length > 0) {
    const store = await ImageStore.open(ctx.config.images);
    const report = await syncCatalog({
      catalog,
      store,
      entryIds: wanted,
      concurrency: cfg.concurrency,
      ...(cfg.allowHosts ? { allowHosts: cfg.allowHosts } : {}),
      deps: { clock: ctx.deps.clock, ...(ctx.dispatcher ? { dispatcher: ctx.dispatcher } : {}) },
      signal: ctx.signal,
    });
    const failures = report.results.filter((r) => r.status === 'failed');
    failed = failures.map((r) => r.entryId);
    stored = report.downloaded + report.present;
    sync = {
      images: ctx.config.images,
      downloaded: report.downloaded,
      present: report.present,
      failed: report.failed,
      bytes: report.bytesTransferred,
      ...(failures.length
        ? { failures: failures.slice(0, LISTED).map((r) => ({ entryId: r.entryId, ...r.error })) }
        : {}),
    };
  }
  const newCount = diff.added.length + diff.changed.length;
  const parts = [
    unchanged
      ? 'catalog unchanged'
      : `catalog changed: ${diff.added.length} new, ${diff.changed.length} changed, ${diff.removed.length} removed`,
    !cfg.download
      ? 'downloads off'
      : wanted.length
        ? `images of ${stored} of ${wanted.length} entries in the store${failed.length ? `, ${failed.length} failed (retried next poll)` : ''}`
        : undefined,
  ].filter(Boolean);
  ctx.deps.logger.info(
    { source, added: diff.added.length, changed: diff.changed.length, failed: failed.length },
    parts.join('; '),
  );
  return {
    outcome: failed.length > 0 ? 'partial' : 'ok',
    summary: parts.join('; '),
    data: {
      source,
      changed: !unchanged,
      state: stateOf(read, failed),
      catalog: {
        format: catalog.source.format,
        ...(catalog.source.name ? { name: catalog.source.name } : {}),
        ...(catalog.source.dateTime ? { dateTime: catalog.source.dateTime } : {}),
        entries: catalog.entries.length,
      },
      ...(unchanged ? {} : { index }),
      ...(newCount > 0 || diff.removed.length > 0 ? listed(diff) : {}),
      ...(sync ? { sync } : {}),
    },
  };
}

function stateOf(read: SourceValidators, pending: string[]): WatchState {
  return {
    digest: read.digest,
    ...(read.etag ? { etag: read.etag } : {}),
    ...(read.lastModified ? { lastModified: read.lastModified } : {}),
    pending,
  };
}

function listed(diff: { added: EntryChange[]; changed: EntryChange[]; removed: string[] }) {
  return {
    added: diff.added.slice(0, LISTED),
    changedEntries: diff.changed.slice(0, LISTED),
    removed: diff.removed.slice(0, LISTED),
    counts: { added: diff.added.length, changed: diff.changed.length, removed: diff.removed.length },
  };
}

/** The newest state and index this job recorded for this source. */
async function readHistory(ctx: JobContext, source: string): Promise<History> {
  return foldJournal<History>(ctx.store, {
    cursorFile: join(ctx.config.stateDir, 'daemon', `${JobName.catalogWatch}.cursor.json`),
    key: source,
    event: jobEvent(JobName.catalogWatch),
    initial: {},
    reduce: (h: History, entry: JournalRecord) => {
      const data = entry.data as
        | { source?: string; state?: WatchState; index?: EntryFingerprints }
        | undefined;
      if (data?.source !== source || data.state === undefined) return h;
      return { state: data.state, index: data.index ?? h.index };
    },
  });
}

/** Loads the catalog that was read (configured-catalog.ts says how). */
async function loadRead(ctx: JobContext, first: SourceRead): Promise<{ catalog: Catalog; read: SourceRead }> {
  const cfg = ctx.config.catalog as NonNullable<DaemonConfig['catalog']>;
  if (cfg.source.kind === 'file') return loadFileCatalog(ctx.config, first);
  const url = cfg.source.url;
  if (first.bytes === undefined)
    throw new FirmwardenError('FW_ERR_CATALOG_SOURCE', `[GET] "${url}": no content`);
  return { catalog: await parseUrlCatalog(ctx.config, url, first.bytes), read: first };
}

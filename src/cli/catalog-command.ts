/**
 * `firmwarden catalog sync|show`: fetch and verify every image a catalog references into the
 * image store (exit 1 when any image failed), or describe what a catalog holds and what its
 * import left out. Catalog errors are bad input (exit 2).
 */
import {
  type Catalog,
  ImageStore,
  loadCatalog,
  type SyncProgress,
  type SyncReport,
  syncCatalog,
} from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { CATALOG_HELP } from './command-help.ts';
import { formatBytes, formatDuration, formatRate } from './progress-text.ts';
import { progressView } from './progress-view.ts';
import { table } from './render.ts';
import { tableNotes } from './table-notes.ts';

export async function catalogCommand(
  argv: string[],
  deps: Deps,
  out: NodeJS.WritableStream,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'sync') return syncSubcommand(rest, deps, out);
  if (sub === 'show') return showSubcommand(rest, out);
  throw new ConfigError(
    'firmwarden catalog',
    `${sub === undefined ? 'a subcommand is required' : `unknown subcommand ${JSON.stringify(sub)}`}\n\n${CATALOG_HELP}`,
  );
}

async function syncSubcommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('catalog sync', argv, {
    catalog: { type: 'string' },
    store: { type: 'string' },
    'base-url': { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    concurrency: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.catalog || !values.store) {
    throw new ConfigError(
      'firmwarden catalog sync',
      `--catalog FILE and --store DIR are required\n\n${CATALOG_HELP}`,
    );
  }
  const concurrency = intFlag('catalog sync', 'concurrency', values.concurrency, 4);
  const catalog = await loadCatalog(
    values.catalog,
    values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] },
  );
  let store: ImageStore;
  try {
    store = await ImageStore.open(values.store);
  } catch (err) {
    throw new ConfigError(values.store, `cannot open image store: ${(err as Error).message}`, { cause: err });
  }
  const startedAt = deps.clock.now();
  const view = progressView(deps.progress, { now: deps.clock.now, quiet: Boolean(values.json) });
  const onProgress = syncProgress(view, catalog, startedAt);
  let report: SyncReport;
  try {
    report = await syncCatalog({
      catalog,
      store,
      ...(concurrency > 0 ? { concurrency } : {}),
      onProgress,
      ...(values['allow-host'] ? { allowHosts: values['allow-host'] } : {}),
      deps: { clock: deps.clock },
    });
  } finally {
    view.done();
  }
  const elapsed = deps.clock.now() - startedAt;
  const images = new Set(report.results.filter((r) => r.status === 'downloaded').map((r) => r.sha256)).size;
  if (values.json) {
    out.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const rows = report.results.map((r) => [
      r.entryId,
      r.status,
      r.size === undefined ? '' : String(r.size),
      r.resumedFrom ? `resumed at ${r.resumedFrom}` : '',
      r.error ? `${r.error.code}: ${r.error.message}` : (r.source ?? ''),
    ]);
    out.write(
      `${table(['ENTRY', 'STATUS', 'BYTES', 'RESUME', 'SOURCE / ERROR'], rows)}\n\n` +
        `${report.results.length} entries: ${report.downloaded} downloaded, ${report.present} already present, ${report.failed} failed\n` +
        `${transferText(images, report.bytesTransferred, elapsed)} into ${values.store}\n`,
    );
  }
  return report.ok ? EXIT.ok : EXIT.partial;
}

/** `24 images, 1.2 GiB in 0:38 (32 MiB/s)`; no rate when no time was measured. */
export function transferText(images: number, bytes: number, ms: number): string {
  const rate = ms > 0 ? ` (${formatRate(bytes, ms)})` : '';
  return `${images} ${images === 1 ? 'image' : 'images'}, ${formatBytes(bytes)} in ${formatDuration(ms)}${rate}`;
}

/**
 * Sync events into the view: on a terminal a line per image in flight (bytes so far), and the
 * counter line of images done with the bytes so far; retries are printed everywhere.
 */
export function syncProgress(view: ReturnType<typeof progressView>, catalog: Catalog, startedAt: number) {
  const total = new Set(catalog.entries.map((e) => e.image.sha256 ?? `md5:${e.image.md5}`)).size;
  const sizes = new Map<string, number>();
  let bytes = 0;
  let done = 0;
  let failed = 0;
  const counter = () =>
    view.counter({
      label: 'sync',
      unit: 'images',
      total,
      done,
      failed,
      startedAt,
      note: formatBytes(bytes),
    });
  return (event: SyncProgress) => {
    const id = event.entryIds[0] as string;
    if (event.phase === 'bytes') {
      // Per image, as events give bytes so far (a restarted download goes back to 0).
      bytes += event.bytes - (sizes.get(id) ?? 0);
      sizes.set(id, event.bytes);
      // Off a terminal every chunk would be a line: bytes show in the counter line only.
      if (view.tty) {
        const of = event.total
          ? ` / ${formatBytes(event.total)} ${Math.floor((event.bytes * 100) / event.total)}%`
          : '';
        view.update({ server: id, step: `${formatBytes(event.bytes)}${of}` });
      }
    } else if (event.phase === 'retry') {
      view.update({ server: id, step: `retry ${event.attempt}: ${event.error}` });
    } else if (event.phase === 'start') {
      if (view.tty) view.update({ server: id, step: 'starting' });
      return;
    } else {
      done++;
      if (event.status === 'failed') failed++;
      view.drop(id);
    }
    counter();
  };
}

async function showSubcommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('catalog show', argv, {
    catalog: { type: 'string' },
    'base-url': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.catalog)
    throw new ConfigError('firmwarden catalog show', `--catalog FILE is required\n\n${CATALOG_HELP}`);
  const catalog = await loadCatalog(
    values.catalog,
    values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] },
  );
  const summary = summarize(catalog);
  out.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : `${renderShow(summary)}\n`);
  return EXIT.ok;
}

/** What `catalog show` reports. */
export interface CatalogSummary {
  source: Catalog['source'];
  stats: Catalog['stats'];
  byVendor: Record<string, number>;
  byCriticality: Record<string, number>;
  skipped: Catalog['skipped'];
}

function summarize(catalog: Catalog): CatalogSummary {
  const count = (key: (e: Catalog['entries'][number]) => string) => {
    const out: Record<string, number> = {};
    for (const e of catalog.entries) out[key(e)] = (out[key(e)] ?? 0) + 1;
    return out;
  };
  return {
    source: catalog.source,
    stats: catalog.stats,
    byVendor: count((e) => e.vendor),
    byCriticality: count((e) => e.criticality),
    skipped: catalog.skipped,
  };
}

function renderShow(s: CatalogSummary): string {
  const src = s.source;
  const facts = [
    `catalog ${src.file}: ${src.format}, ${src.encoding}`,
    src.name ? `name ${src.name}` : undefined,
    src.dateTime ? `dated ${src.dateTime}` : undefined,
    src.baseLocation ? `packages at ${src.baseLocation}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const counts = (title: string, record: Partial<Record<string, number>>) =>
    table(
      [title, 'ENTRIES'],
      Object.entries(record)
        .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
        .map(([k, n]) => [k, String(n)]),
    );
  const parts = [
    facts,
    `${s.stats.seen} items, ${s.stats.imported} imported, ${s.stats.skipped} skipped`,
    '',
    counts('FORMAT', { [src.format]: s.stats.imported }),
    '',
    counts('VENDOR', s.byVendor),
    '',
    counts('KIND', s.stats.byKind),
    '',
    counts('CRITICALITY', s.byCriticality),
  ];
  if (s.stats.byComponentType) parts.push('', counts('DELL COMPONENT TYPE', s.stats.byComponentType));
  if (s.stats.bundles) {
    const b = s.stats.bundles;
    parts.push(
      '',
      `Dell bundles: ${b.count}, ${b.packageRefs} package references (${b.distinctPackages} distinct, ${b.unresolvedPackages} unresolved), ${b.componentsWithoutBundle} components in no bundle`,
    );
  }
  if (s.skipped.length > 0) {
    const notes = tableNotes();
    parts.push(
      '',
      `skipped (${s.skipped.length}):`,
      // One detail is shared by many skipped elements ("only FRMW and BIOS are imported"): once, below.
      table(
        ['ELEMENT', 'REASON', 'KEY', 'DETAIL'],
        s.skipped.map((k) => [k.element, k.reason, k.key ?? '', notes.cell(k.detail)]),
      ),
      ...notes.lines(),
    );
  }
  return parts.join('\n');
}

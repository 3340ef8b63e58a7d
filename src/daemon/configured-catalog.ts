/**
 * The daemon's catalog, loaded from its configured source: a file through loadCatalog (HPE
 * SHA256SUMS beside it), a URL's bytes parsed with package paths relative to the URL unless the
 * catalog names its own download location or catalog.baseUrl is set. catalog-watch polls with it;
 * integrity-check reads it for the reference digests.
 */
import { join } from 'node:path';
import { type Catalog, loadCatalog, parseRemoteCatalog } from '../catalog/index.ts';
import { ConfigError, FirmwardenError } from '../errors.ts';
import { readCatalogSource, type SourceRead } from './catalog-source.ts';
import type { DaemonConfig } from './load-config.ts';

type CatalogConfig = NonNullable<DaemonConfig['catalog']>;

/** Parses bytes read from a URL source (parseRemoteCatalog: no local image files). */
export function parseUrlCatalog(config: DaemonConfig, url: string, bytes: Buffer): Promise<Catalog> {
  const cfg = config.catalog as CatalogConfig;
  return parseRemoteCatalog(bytes, {
    url,
    baseDir: join(config.stateDir, 'catalog-watch'),
    ...(cfg.baseUrl ? { baseUrl: cfg.baseUrl } : {}),
  });
}

/**
 * Loads the catalog a file source holds, re-reading it if it changed while it was parsed (so the
 * digest returned belongs to the catalog returned); `first` is a read already made, if any.
 */
export async function loadFileCatalog(
  config: DaemonConfig,
  first?: SourceRead,
): Promise<{ catalog: Catalog; read: SourceRead }> {
  const cfg = config.catalog as CatalogConfig;
  if (cfg.source.kind !== 'file') throw new Error('loadFileCatalog: the source is a URL');
  const base = cfg.baseUrl ? { baseUrl: cfg.baseUrl } : {};
  let read = first ?? (await readCatalogSource(cfg.source, undefined));
  for (let attempt = 0; attempt < 3; attempt++) {
    const catalog = await loadCatalog(cfg.source.path, base);
    const again = await readCatalogSource(cfg.source, undefined);
    if (again.digest === read.digest) return { catalog, read };
    read = again;
  }
  throw new FirmwardenError(
    'FW_ERR_CATALOG_SOURCE',
    `catalog source ${cfg.source.path}: keeps changing while read`,
  );
}

/** The configured catalog as it is now (a URL is fetched unconditionally). */
export async function loadConfiguredCatalog(config: DaemonConfig, signal?: AbortSignal): Promise<Catalog> {
  const cfg = config.catalog;
  if (!cfg) throw new ConfigError(config.file, 'catalog: not configured');
  if (cfg.source.kind === 'file') return (await loadFileCatalog(config)).catalog;
  const read = await readCatalogSource(cfg.source, undefined, {
    ...(signal ? { signal } : {}),
    ...(cfg.allowHosts ? { allowHosts: cfg.allowHosts } : {}),
  });
  if (read.bytes === undefined)
    throw new FirmwardenError('FW_ERR_CATALOG_SOURCE', `[GET] "${cfg.source.url}": no content`);
  return parseUrlCatalog(config, cfg.source.url, read.bytes);
}

/**
 * The configured catalog for compliance and plan views, kept in memory and reloaded only when
 * its content changes: a file is re-read and re-parsed when its sha256 differs; a URL is asked
 * conditionally (ETag / Last-Modified) so an unchanged catalog costs a 304. Dell's catalogs take
 * seconds to parse, and the dashboard polls.
 */
import { type Catalog, loadCatalog } from '../catalog/index.ts';
import { readCatalogSource, type SourceValidators } from '../daemon/catalog-source.ts';
import { parseUrlCatalog } from '../daemon/configured-catalog.ts';
import type { DaemonConfig } from '../daemon/load-config.ts';
import { FirmwardenError } from '../errors.ts';
import { ApiError } from './api-errors.ts';

export class CatalogCache {
  readonly #config: DaemonConfig;
  #current: { catalog: Catalog; validators: SourceValidators } | undefined;
  #loading: Promise<Catalog> | undefined;

  constructor(config: DaemonConfig) {
    this.#config = config;
  }

  get configured(): boolean {
    return this.#config.catalog !== undefined;
  }

  /** The catalog as it is now; concurrent callers share one load. */
  get(): Promise<Catalog> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<Catalog> {
    const cfg = this.#config.catalog;
    if (!cfg) {
      throw new ApiError(
        'FW_API_NOT_CONFIGURED',
        `catalog: not configured in ${this.#config.file} (compliance and plan need catalog.source)`,
      );
    }
    const read = await readCatalogSource(
      cfg.source,
      this.#current?.validators,
      cfg.allowHosts ? { allowHosts: cfg.allowHosts } : {},
    );
    if (this.#current && (read.notModified || read.digest === this.#current.validators.digest)) {
      return this.#current.catalog;
    }
    const base = cfg.baseUrl ? { baseUrl: cfg.baseUrl } : {};
    let catalog: Catalog;
    if (cfg.source.kind === 'file') {
      catalog = await loadCatalog(cfg.source.path, base);
    } else {
      if (read.bytes === undefined)
        throw new FirmwardenError('FW_ERR_CATALOG_SOURCE', `[GET] "${cfg.source.url}": no content`);
      // Parsed as catalog-watch parses it.
      catalog = await parseUrlCatalog(this.#config, cfg.source.url, read.bytes);
    }
    const { bytes: _bytes, notModified: _nm, ...validators } = read;
    this.#current = { catalog, validators };
    return catalog;
  }
}

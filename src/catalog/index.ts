export type { Catalog, CatalogSource, CatalogStats, DellBundle, SkippedItem } from './catalog.ts';
export { SkipReason } from './catalog.ts';
export type { CatalogIssue } from './catalog-errors.ts';
export { CatalogErrorCode, CatalogParseError, CatalogValidationError } from './catalog-errors.ts';
export type { NativeDocumentOptions } from './catalog-writer.ts';
export { stringifyCatalog, toNativeDocument } from './catalog-writer.ts';
export type { Digests, ExpectedImage } from './digest-stream.ts';
export { ImageErrorCode, ImageStoreError } from './image-errors.ts';
export type { FetchSettings } from './image-fetcher.ts';
export { FETCH_DEFAULTS } from './image-fetcher.ts';
export type { HostLookup } from './image-hosts.ts';
export type { StoredImage } from './image-store.ts';
export { ImageStore } from './image-store.ts';
export { catalogJsonSchemaText } from './json-schema.ts';
export type { LoadCatalogOptions, ParseCatalogOptions, RemoteCatalogOptions } from './load-catalog.ts';
export { CATALOG_DEFAULTS, loadCatalog, parseCatalogBytes, parseRemoteCatalog } from './load-catalog.ts';
export type { CatalogEntry, NativeCatalogFile } from './model.ts';
export {
  CatalogEntrySchema,
  CatalogFormat,
  Criticality,
  CriticalitySchema,
  NativeCatalogFileSchema,
  RequiredApplyTime,
} from './model.ts';
export type { SyncDeps, SyncEntryResult, SyncOptions, SyncProgress, SyncReport } from './sync-catalog.ts';
export { SYNC_DEFAULTS, syncCatalog } from './sync-catalog.ts';

/**
 * Everything the API's routes work with, built once per app: the daemon config it was started
 * with, the open state store, deps, the tokens, and the services that outlive one request (catalog
 * cache, background operations, rollout drivers, the journal reader, metrics).
 */
import type { DaemonConfig } from '../daemon/load-config.ts';
import type { Deps } from '../deps.ts';
import type { Store } from '../store/types.ts';
import type { ApiSettings } from './api-config.ts';
import type { TokenRegistry } from './auth.ts';
import type { CatalogCache } from './catalog-cache.ts';
import type { JournalTail } from './journal-tail.ts';
import type { ApiMetrics } from './metrics.ts';
import type { Operations } from './operations.ts';
import type { RolloutDrivers } from './rollout-drivers.ts';
import type { ViewCache } from './view-cache.ts';

/** The api settings with defaults, when the config has no api section (tests, library callers). */
export type EffectiveSettings = Omit<ApiSettings, 'tokens'>;

export interface ApiContext {
  config: DaemonConfig;
  settings: EffectiveSettings;
  store: Store;
  deps: Deps;
  tokens: TokenRegistry;
  catalog: CatalogCache;
  operations: Operations;
  drivers: RolloutDrivers;
  journal: JournalTail;
  metrics: ApiMetrics;
  /** Parsed fleet file and plans reused across polls (view-cache.ts). */
  views: ViewCache;
  /** Journal actor and lease holder of work this process does itself: "api:<pid>@<host>". */
  processActor: string;
  /** A replacement for the dashboard page served at GET / (default: src/dashboard's). */
  dashboardPage?: () => string;
}

/**
 * Picks and opens the state store from configuration. SQLite (one file) is the default; a
 * PostgreSQL backend for several managers will plug in here behind the same Store contract.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../deps.ts';
import { ConfigError, UnsupportedError } from '../errors.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './types.ts';

/** Where the state lives. At most one backend; none means SQLite at the default path. */
export interface StoreConfig {
  /** SQLite database file (':memory:' for a throwaway store). */
  sqlite?: string;
  /** PostgreSQL connection URL: not implemented yet. */
  postgres?: string;
}

/** Next to the executor's other state (`--state`, default .firmwarden), relative to the cwd. */
export const DEFAULT_STORE_PATH = '.firmwarden/state.db';

/** Opens the configured store and brings its schema up to date (FW_ERR_STORE_SCHEMA if newer). */
export async function openStore(
  config: StoreConfig | undefined,
  deps: { clock: Clock; busyTimeoutMs?: number },
): Promise<Store> {
  if (config?.postgres !== undefined) {
    if (config.sqlite !== undefined)
      throw new ConfigError('store', 'set either sqlite or postgres, not both');
    throw new UnsupportedError(
      'store: the postgres backend is not implemented yet; use sqlite (one file shared by the processes of one machine)',
    );
  }
  const file = config?.sqlite ?? DEFAULT_STORE_PATH;
  if (file !== ':memory:') await mkdir(dirname(file), { recursive: true });
  return SqliteStore.open(file, deps);
}

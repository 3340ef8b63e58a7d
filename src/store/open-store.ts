/**
 * Picks and opens the state store from configuration: SQLite (one file, the processes of one
 * machine) by default, PostgreSQL (a connection URL) when several instances share their state.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { PostgresStore } from './postgres-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './types.ts';

/** Where the state lives. At most one backend ('' counts as unset); none means SQLite at the default path. */
export interface StoreConfig {
  /** SQLite database file (':memory:' for a throwaway store). */
  sqlite?: string;
  /** PostgreSQL connection URL (postgres://user@host:5432/db); keep the password out of it. */
  postgres?: string;
  /** PostgreSQL: the password (programmatic use; configs name an env var instead). */
  password?: string;
  /** PostgreSQL: the environment variable holding the password, read when the store opens. */
  passwordEnv?: string;
  /** PostgreSQL: the schema holding firmwarden's tables (created by migrate); default search_path. */
  schema?: string;
}

/** Next to the executor's other state (`--state`, default .firmwarden), relative to the cwd. */
export const DEFAULT_STORE_PATH = '.firmwarden/state.db';

/** Opens the configured store and brings its schema up to date (FW_ERR_STORE_SCHEMA if newer). */
export async function openStore(
  config: StoreConfig | undefined,
  deps: { clock: Clock; busyTimeoutMs?: number },
): Promise<Store> {
  if (config?.postgres !== undefined) {
    if (config.sqlite) throw new ConfigError('store', 'set either sqlite or postgres, not both');
    let password = config.password;
    if (password === undefined && config.passwordEnv !== undefined) {
      password = process.env[config.passwordEnv];
      if (password === undefined) {
        throw new ConfigError('store', `passwordEnv: environment variable ${config.passwordEnv} is not set`);
      }
    }
    return PostgresStore.open(
      {
        url: config.postgres,
        ...(password !== undefined ? { password } : {}),
        ...(config.schema !== undefined ? { schema: config.schema } : {}),
      },
      deps,
    );
  }
  const file = config?.sqlite || DEFAULT_STORE_PATH;
  if (file !== ':memory:') await mkdir(dirname(file), { recursive: true });
  return SqliteStore.open(file, deps);
}

/**
 * The `store` section of a config file (daemon, cluster status): one SQLite file, or a
 * PostgreSQL URL shared by several instances. The password of a PostgreSQL URL comes from an
 * environment variable named in the config (or libpq's PGPASSWORD), never from the file itself:
 * config files get committed and copied around, and a URL with a password ends up in logs.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { SCHEMA_NAME, urlHasPassword } from './postgres-connection.ts';

export const StoreSectionSchema = z
  .object({
    sqlite: z
      .string()
      .min(1)
      .optional()
      .describe('SQLite state database file (created when missing; not :memory:)'),
    postgres: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .optional()
      .describe(
        'PostgreSQL URL shared by several instances: postgres://user@host:5432/db (no password here)',
      ),
    passwordEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional()
      .describe('environment variable holding the PostgreSQL password (default: libpq PGPASSWORD, or none)'),
    schema: z
      .string()
      .regex(SCHEMA_NAME, 'a lowercase identifier')
      .optional()
      .describe('PostgreSQL schema for the tables (created by store migrate; default: search_path)'),
  })
  .strict()
  .describe('the state store: sqlite (one machine) or postgres (several instances), not both');
export type StoreSection = z.infer<typeof StoreSectionSchema>;

/** The store, resolved: SQLite file absolute ('' when PostgreSQL), PostgreSQL settings by reference. */
export interface ResolvedStore {
  /** The SQLite file (absolute); '' when the store is PostgreSQL. */
  sqlite: string;
  postgres?: string;
  passwordEnv?: string;
  schema?: string;
}

/** Checks and resolves a store section; `path` names the config file in errors. */
export function resolveStoreSection(section: StoreSection, base: string, path: string): ResolvedStore {
  if ((section.sqlite === undefined) === (section.postgres === undefined)) {
    throw new ConfigError(path, 'store: set exactly one of sqlite and postgres');
  }
  if (section.postgres !== undefined) {
    if (urlHasPassword(section.postgres)) {
      throw new ConfigError(
        path,
        'store.postgres: the URL carries a password; put it in an environment variable and name it in store.passwordEnv',
      );
    }
    if (section.passwordEnv !== undefined && process.env[section.passwordEnv] === undefined) {
      throw new ConfigError(
        path,
        `store.passwordEnv: environment variable ${section.passwordEnv} is not set`,
      );
    }
    return {
      sqlite: '',
      postgres: section.postgres,
      ...(section.passwordEnv !== undefined ? { passwordEnv: section.passwordEnv } : {}),
      ...(section.schema !== undefined ? { schema: section.schema } : {}),
    };
  }
  if (section.passwordEnv !== undefined || section.schema !== undefined) {
    throw new ConfigError(path, 'store: passwordEnv and schema apply to postgres only');
  }
  if (section.sqlite === ':memory:') {
    // Every job runs in its own worker thread with its own connection: leases need one database.
    throw new ConfigError(path, 'store.sqlite: the daemon needs a database file, not :memory:');
  }
  return { sqlite: resolve(base, section.sqlite as string) };
}

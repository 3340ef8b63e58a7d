/**
 * `firmwarden store migrate`: brings the state store's schema up to date (SQLite file or
 * PostgreSQL database) and says which migrations it applied. Instances also migrate when they
 * open the store; this command lets an operator do it first, once, with their own credentials.
 * Also where the CLI's store flags are read (--config, --postgres, --sqlite).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadDaemonConfig } from '../daemon/load-config.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { SCHEMA_VERSION } from '../store/migrations.ts';
import { DEFAULT_STORE_PATH, type StoreConfig } from '../store/open-store.ts';
import { describePgUrl, urlHasPassword } from '../store/postgres-connection.ts';
import { PostgresStore } from '../store/postgres-store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { EXIT, parse } from './args.ts';
import { STORE_HELP } from './command-help.ts';

/** The flags every store-reading command takes. */
export const STORE_FLAGS = {
  config: { type: 'string' },
  postgres: { type: 'string' },
  schema: { type: 'string' },
  'password-env': { type: 'string' },
  sqlite: { type: 'string' },
} as const;

/** The store the flags name. */
export async function storeFromFlags(
  command: string,
  values: { config?: string; postgres?: string; schema?: string; 'password-env'?: string; sqlite?: string },
): Promise<StoreConfig> {
  const given = [values.config, values.postgres, values.sqlite].filter((v) => v !== undefined);
  if (given.length > 1)
    throw new ConfigError(`firmwarden ${command}`, 'give one of --config, --postgres, --sqlite');
  if (values.config !== undefined) return (await loadDaemonConfig(values.config)).store;
  if (values.postgres !== undefined) {
    if (urlHasPassword(values.postgres)) {
      throw new ConfigError(
        `firmwarden ${command}`,
        '--postgres: keep the password out of the URL (it would show in ps and shell history); use --password-env VAR',
      );
    }
    return {
      postgres: values.postgres,
      ...(values.schema !== undefined ? { schema: values.schema } : {}),
      ...(values['password-env'] !== undefined ? { passwordEnv: values['password-env'] } : {}),
    };
  }
  if (values.schema !== undefined || values['password-env'] !== undefined) {
    throw new ConfigError(`firmwarden ${command}`, '--schema and --password-env go with --postgres');
  }
  return { sqlite: values.sqlite ?? DEFAULT_STORE_PATH };
}

export async function storeCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'migrate') {
    throw new ConfigError(
      'firmwarden store',
      `unknown subcommand ${JSON.stringify(sub ?? '')}\n\n${STORE_HELP}`,
    );
  }
  const { values } = parse('store migrate', rest, STORE_FLAGS);
  const config = await storeFromFlags('store migrate', values);
  let applied: number[];
  let source: string;
  if (config.postgres !== undefined) {
    source = describePgUrl(config.postgres, config.schema);
    const password = config.passwordEnv !== undefined ? process.env[config.passwordEnv] : undefined;
    if (config.passwordEnv !== undefined && password === undefined) {
      throw new ConfigError(
        'firmwarden store migrate',
        `environment variable ${config.passwordEnv} is not set`,
      );
    }
    const store = new PostgresStore(
      {
        url: config.postgres,
        ...(password !== undefined ? { password } : {}),
        ...(config.schema !== undefined ? { schema: config.schema } : {}),
      },
      deps,
    );
    try {
      applied = await store.migrateReport();
    } finally {
      await store.close();
    }
  } else {
    const file = config.sqlite || DEFAULT_STORE_PATH;
    source = file;
    await mkdir(dirname(file), { recursive: true });
    const store = new SqliteStore(file, deps);
    try {
      applied = await store.migrateReport();
    } finally {
      await store.close();
    }
  }
  out.write(
    applied.length > 0
      ? `store ${source}: applied migrations ${applied.join(', ')}; schema version ${SCHEMA_VERSION}\n`
      : `store ${source}: up to date at schema version ${SCHEMA_VERSION}\n`,
  );
  return EXIT.ok;
}

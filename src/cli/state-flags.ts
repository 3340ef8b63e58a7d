/**
 * The store flags of the read-only record commands (`jobs`, `journal`): the daemon config's store
 * (--config), PostgreSQL (--postgres), a SQLite file (--sqlite), or --state DIR as `update` and
 * `rollout` take it (DIR/state.db). The same store the HTTP API reads.
 */
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { DEFAULT_STORE_PATH, openStore } from '../store/open-store.ts';
import type { Store } from '../store/types.ts';
import { STORE_FLAGS, storeFromFlags } from './store-command.ts';

/** parseArgs options: the store flags plus --state DIR. */
export const STATE_FLAGS = { ...STORE_FLAGS, state: { type: 'string' } } as const;

type StateValues = Parameters<typeof storeFromFlags>[1] & { state?: string | undefined };

/**
 * Opens the store the flags name. `stateDir` is set when it is a local state folder (--state, or
 * the default .firmwarden), where `firmwarden update` also keeps its executor journal file.
 */
export async function openStateStore(
  command: string,
  values: StateValues,
  deps: Deps,
): Promise<{ store: Store; stateDir?: string }> {
  const { state, ...flags } = values;
  if (state !== undefined) {
    if (flags.config !== undefined || flags.postgres !== undefined || flags.sqlite !== undefined)
      throw new ConfigError(
        `firmwarden ${command}`,
        'give --state DIR or one of --config, --postgres, --sqlite',
      );
    const file = join(state, 'state.db');
    await mustExist(file);
    return { store: await openStore({ sqlite: file }, deps), stateDir: state };
  }
  const config = await storeFromFlags(command, flags);
  // A reader never creates a store: a mistyped path would otherwise show an empty history.
  if (config.sqlite !== undefined) await mustExist(config.sqlite);
  const local = flags.config === undefined && flags.postgres === undefined && flags.sqlite === undefined;
  return {
    store: await openStore(config, deps),
    ...(local ? { stateDir: dirname(DEFAULT_STORE_PATH) } : {}),
  };
}

async function mustExist(file: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new ConfigError(
      file,
      'no state store here: nothing was recorded yet, or give --state DIR, --config FILE, --postgres URL or --sqlite FILE',
    );
  }
}

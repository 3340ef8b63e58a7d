/** openStore: the backend from config, a migrated SQLite file by default, PostgreSQL by URL. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STORE_PATH, openStore } from '../../src/store/open-store.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { describePostgres, dropSchema, PG_URL, uniqueSchema } from './backends.ts';
import { tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('openStore', () => {
  it('opens a migrated SQLite file, creating its directory, and keeps data across opens', async () => {
    const file = join(dir, 'nested', 'state', 'fw.db');
    const first = await openStore({ sqlite: file }, { clock: fakeClock() });
    await first.append({ actor: 'cli', event: 'hello' });
    await first.close();
    await first.close();
    const second = await openStore({ sqlite: file }, { clock: fakeClock() });
    expect((await second.journal()).map((e) => e.event)).toEqual(['hello']);
    await second.close();
    expect((await stat(file)).isFile()).toBe(true);
  });

  it('defaults to .firmwarden/state.db under the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const store = await openStore(undefined, { clock: fakeClock() });
      await store.close();
      expect((await stat(join(dir, DEFAULT_STORE_PATH))).isFile()).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('opens an in-memory store', async () => {
    const store = await openStore({ sqlite: ':memory:' }, { clock: fakeClock() });
    expect(await store.append({ actor: 'cli', event: 'x' })).toBe(1);
    await store.close();
  });

  it('refuses both backends at once', async () => {
    await expect(
      openStore({ sqlite: 'x.db', postgres: 'postgres://db' }, { clock: fakeClock() }),
    ).rejects.toMatchObject({ code: 'FW_ERR_CONFIG' });
  });

  it('names an unreachable PostgreSQL server without its password', async () => {
    const err = await openStore(
      { postgres: 'postgres://fw:s3cret-pw@127.0.0.1:1/firmwarden?password=s3cret-pw' },
      { clock: fakeClock() },
    ).catch((e) => e);
    expect(err.code).toBe('FW_ERR_STORE_IO');
    expect(err.message).toContain('postgres://fw@127.0.0.1:1/firmwarden');
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain('s3cret');
  });
});

describePostgres('openStore with a PostgreSQL URL', () => {
  it('opens a migrated store in the given schema and keeps data across opens', async () => {
    const schema = uniqueSchema();
    try {
      const first = await openStore({ postgres: PG_URL as string, schema }, { clock: fakeClock() });
      await first.append({ actor: 'cli', event: 'hello' });
      await first.close();
      await first.close();
      const second = await openStore({ postgres: PG_URL as string, schema }, { clock: fakeClock() });
      expect((await second.journal()).map((e) => e.event)).toEqual(['hello']);
      await second.close();
    } finally {
      await dropSchema(schema);
    }
  });
});

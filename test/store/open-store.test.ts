/** openStore: the backend from config, a migrated SQLite file by default, PostgreSQL not yet. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STORE_PATH, openStore } from '../../src/store/open-store.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
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

  it.each([
    ['postgres', { postgres: 'postgres://fw@db/firmwarden' }, 'FW_ERR_UNSUPPORTED'],
    ['both backends', { sqlite: 'x.db', postgres: 'postgres://db' }, 'FW_ERR_CONFIG'],
  ])('refuses %s', async (_, config, code) => {
    await expect(openStore(config, { clock: fakeClock() })).rejects.toMatchObject({ code });
  });
});

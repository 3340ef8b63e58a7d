/** The journal: append-only, ordered, filtered, paged; and the executor's Journal on top of it. */

import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { processActor, StoreJournal } from '../../src/store/store-journal.ts';
import type { Store } from '../../src/store/types.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { describeBackends, describePostgres, PG_URL, pgTestStore } from './backends.ts';
import { tempDir } from './helpers.ts';

describeBackends('store journal', (backend) => {
  let store: Store;
  beforeEach(async () => ({ store } = await backend.open()));
  afterEach(() => store.close());

  async function seed() {
    await store.append({
      actor: 'cli:1@mgmt',
      rolloutId: 'ro-1',
      server: 'a',
      event: 'intent',
      data: { to: '2.19' },
    });
    await store.append({ actor: 'cli:1@mgmt', rolloutId: 'ro-1', server: 'b', event: 'intent' });
    await store.append({
      actor: 'daemon:7@mgmt',
      server: 'a',
      event: 'outcome',
      data: { outcome: 'verified' },
    });
    await store.append({ actor: 'cli:1@mgmt', rolloutId: 'ro-2', server: 'a', event: 'intent' });
    await store.append({ actor: 'cli:1@mgmt', event: 'catalog-sync' });
  }

  describe('journal', () => {
    it('returns increasing sequence numbers and the entries in append order, optional fields absent', async () => {
      const seqs = [
        await store.append({ actor: 'cli:1@mgmt', event: 'first' }),
        await store.append({ actor: 'cli:1@mgmt', event: 'second', data: [1, 'two'] }),
      ];
      expect(seqs[1]).toBeGreaterThan(seqs[0] as number);
      expect(await store.journal()).toEqual([
        { seq: seqs[0], at: '2026-11-22T03:00:00.000Z', actor: 'cli:1@mgmt', event: 'first' },
        {
          seq: seqs[1],
          at: '2026-11-22T03:00:00.000Z',
          actor: 'cli:1@mgmt',
          event: 'second',
          data: [1, 'two'],
        },
      ]);
    });

    it.each([
      ['no filter', {}, ['a:intent', 'b:intent', 'a:outcome', 'a:intent', '-:catalog-sync']],
      ['rolloutId', { rolloutId: 'ro-1' }, ['a:intent', 'b:intent']],
      ['server', { server: 'a' }, ['a:intent', 'a:outcome', 'a:intent']],
      ['rolloutId and server', { rolloutId: 'ro-1', server: 'a' }, ['a:intent']],
      ['limit', { limit: 2 }, ['a:intent', 'b:intent']],
      ['limit 0', { limit: 0 }, []],
      ['server and limit', { server: 'a', limit: 2 }, ['a:intent', 'a:outcome']],
    ])('filters by %s', async (_, filter, expected) => {
      await seed();
      const entries = await store.journal(filter);
      expect(entries.map((e) => `${e.server ?? '-'}:${e.event}`)).toEqual(expected);
    });

    it('pages with afterSeq: following the last seq seen reads each entry once', async () => {
      await seed();
      const seen: number[] = [];
      let after = 0;
      for (;;) {
        const page = await store.journal({ afterSeq: after, limit: 2 });
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.seq));
        after = page.at(-1)?.seq as number;
      }
      expect(seen).toEqual((await store.journal()).map((e) => e.seq));
      expect(seen).toHaveLength(5);
    });

    it.each([
      ['an empty actor', { actor: '', event: 'x' }],
      ['an empty event', { actor: 'cli', event: '' }],
      ['data that is not JSON', { actor: 'cli', event: 'x', data: 10n }],
    ])('refuses %s with FW_ERR_STORE_INPUT', async (_, entry) => {
      const err = await store.append(entry).catch((e) => e);
      expect(err.code).toBe('FW_ERR_STORE_INPUT');
      expect(await store.journal()).toEqual([]);
    });

    it('refuses a negative or fractional limit', async () => {
      await expect(store.journal({ limit: -1 })).rejects.toMatchObject({ code: 'FW_ERR_STORE_INPUT' });
      await expect(store.journal({ limit: 1.5 })).rejects.toMatchObject({ code: 'FW_ERR_STORE_INPUT' });
    });
  });

  describe('StoreJournal (the executor Journal on the store)', () => {
    it('writes intents and outcomes with actor, rollout and the rest as data', async () => {
      const journal = new StoreJournal(store, { actor: 'cli:42@mgmt', rolloutId: 'ro-1' });
      await journal.append({ server: 'r640-01', event: 'intent', component: 'BIOS', to: '2.19.1' });
      await journal.append({ server: 'r640-01', event: 'host-reset-intent' });
      expect(await store.journal({ rolloutId: 'ro-1' })).toEqual([
        expect.objectContaining({
          actor: 'cli:42@mgmt',
          rolloutId: 'ro-1',
          server: 'r640-01',
          event: 'intent',
          data: { component: 'BIOS', to: '2.19.1' },
        }),
        {
          seq: 2,
          at: '2026-11-22T03:00:00.000Z',
          actor: 'cli:42@mgmt',
          rolloutId: 'ro-1',
          server: 'r640-01',
          event: 'host-reset-intent',
        },
      ]);
    });

    it('leaves rolloutId out outside a rollout', async () => {
      await new StoreJournal(store, { actor: processActor('cli') }).append({ server: 's', event: 'hold' });
      const [entry] = await store.journal();
      expect(entry?.rolloutId).toBeUndefined();
      expect(entry?.actor).toMatch(new RegExp(`^cli:${process.pid}@.+`));
    });
  });
});

describe('journal on disk', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it.each([
    ['UPDATE', "UPDATE journal SET event = 'rewritten'"],
    ['DELETE', 'DELETE FROM journal'],
  ])('refuses %s through raw SQL (append-only trigger)', async (_, sql) => {
    const file = join(dir, 'state.db');
    const disk = await SqliteStore.open(file, { clock: fakeClock() });
    await disk.append({ actor: 'cli', event: 'intent' });
    await disk.close();
    const db = new DatabaseSync(file);
    expect(() => db.exec(sql)).toThrow(/append-only/);
    db.close();
    const again = await SqliteStore.open(file, { clock: fakeClock() });
    expect((await again.journal()).map((e) => e.event)).toEqual(['intent']);
    await again.close();
  });
});

describePostgres('journal in PostgreSQL', () => {
  it.each([
    ['UPDATE', "UPDATE journal SET event = 'rewritten'"],
    ['DELETE', 'DELETE FROM journal'],
    ['TRUNCATE', 'TRUNCATE journal'],
  ])('refuses %s through raw SQL (append-only trigger)', async (_, sql) => {
    const { store } = await pgTestStore();
    try {
      await store.append({ actor: 'cli', event: 'intent' });
      const pool = (store as unknown as { source: string }).source;
      expect(pool).not.toContain('password');
      const schema = pool.split('#')[1] as string;
      const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        await expect(client.query(sql)).rejects.toThrow(/append-only/);
      } finally {
        await client.end();
      }
      expect((await store.journal()).map((e) => e.event)).toEqual(['intent']);
    } finally {
      await store.close();
    }
  });
});

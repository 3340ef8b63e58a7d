/** JSON columns edited or damaged outside firmwarden read back as FW_ERR_STORE_CORRUPT naming the row. */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ServerInventory } from '../../src/inventory/model.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const inventory = {
  server: 'a',
  bmc: 'https://a',
  vendor: 'generic',
  labels: {},
  scannedAt: '2026-11-22T03:00:00Z',
  components: [],
  copies: [],
} as ServerInventory;

it.each([
  [
    'journal.data',
    "UPDATE journal SET data = '{not json'",
    (s: SqliteStore) => s.journal(),
    /journal seq 1: column data/,
  ],
  [
    'rollouts.spec',
    "UPDATE rollouts SET spec = '[1,'",
    (s: SqliteStore) => s.getRollout('ro'),
    /rollout "ro": column spec/,
  ],
  [
    'rollout_servers.labels',
    "UPDATE rollout_servers SET labels = '[]'",
    (s: SqliteStore) => s.rolloutServers('ro'),
    /server "a": column labels is not a JSON object/,
  ],
  [
    'inventory_snapshots.inventory',
    'UPDATE inventory_snapshots SET inventory = \'{"server":"b"}\'',
    (s: SqliteStore) => s.latestInventory(),
    /inventory snapshot 1 of "a": names server "b"/,
  ],
])('%s', async (_, damage, read, message) => {
  const file = join(dir, 'state.db');
  const store = await SqliteStore.open(file, { clock: fakeClock() });
  await store.createRollout({
    id: 'ro',
    name: 'r',
    spec: {},
    servers: [{ server: 'a', wave: 0, labels: {} }],
  });
  await store.saveInventory(inventory);
  await store.append({ actor: 'cli', event: 'intent', data: { ok: true } });
  const db = new DatabaseSync(file);
  // The journal refuses UPDATE: damage it the way a disk or a hand edit would, past the trigger.
  db.exec('DROP TRIGGER journal_no_update');
  db.exec(damage);
  db.close();

  const err = await read(store).catch((e) => e);
  expect(err.code).toBe('FW_ERR_STORE_CORRUPT');
  expect(err.message).toContain(file);
  expect(err.message).toMatch(message);
  await store.close();
});

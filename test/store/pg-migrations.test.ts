/**
 * PostgreSQL migrations: the same versions and names as SQLite's, applied once even when several
 * instances start at the same moment, a newer schema refused, CHECK lists in step with types.ts;
 * and several stores (pools, as several instances would) claiming on one schema at once.
 */
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { PG_MIGRATIONS } from '../../src/store/postgres-migrations.ts';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import { RolloutStatus, ServerStep } from '../../src/store/types.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { describePostgres, dropSchema, PG_URL, uniqueSchema } from './backends.ts';

describePostgres('migrations and concurrency', () => {
  let schema: string;
  let client: pg.Client;
  beforeEach(async () => {
    schema = uniqueSchema();
    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
    await dropSchema(schema);
  });
  const open = () => PostgresStore.open({ url: PG_URL as string, schema }, { clock: fakeClock() });

  it('mirrors the SQLite migrations version by version', () => {
    expect(PG_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
  });

  it('applies every migration once when several instances open a fresh schema at the same time', async () => {
    const stores = await Promise.all(Array.from({ length: 5 }, open));
    const rows = await client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await stores[0]?.migrateReport()).toEqual([]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('refuses a schema newer than this firmwarden, naming the store without password', async () => {
    await (await open()).close();
    await client.query(`INSERT INTO "${schema}".schema_migrations VALUES ($1, 'from the future', 'x')`, [
      SCHEMA_VERSION + 1,
    ]);
    const err = await open().catch((e) => e);
    expect(err.code).toBe('FW_ERR_STORE_SCHEMA');
    expect(err.message).toContain(`#${schema}`);
    expect(err.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
  });

  it.each([
    ['rollouts', 'status', Object.values(RolloutStatus)],
    ['rollout_servers', 'step', Object.values(ServerStep)],
  ])('the CHECK list of %s.%s matches types.ts', async (table, column, values) => {
    await (await open()).close();
    const res = await client.query(
      `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = $1 AND t.relname = $2 AND c.contype = 'c'`,
      [schema, table],
    );
    const def = res.rows.map((r) => String(r.def)).find((d) => d.includes(column)) ?? '';
    expect(def.match(/'[a-z]+'/g)?.map((v) => v.slice(1, -1))).toEqual(values);
  });

  it('several stores claiming on one schema at once never exceed the limits nor share a server', async () => {
    const stores = await Promise.all(Array.from({ length: 3 }, open));
    const [first] = stores as [PostgresStore];
    const servers = Array.from({ length: 24 }, (_, i) => ({
      server: `s${String(i).padStart(2, '0')}`,
      wave: 0,
      labels: { rack: `r${i % 4}` },
    }));
    await first.createRollout({ id: 'race', name: 'race', spec: {}, servers });
    await first.setRolloutStatus('race', ['pending'], 'running');
    const claimedBy = new Map<string, string>();
    for (let round = 0; round < 12; round++) {
      const got = await Promise.all(
        stores.map((s, i) =>
          s.claimServers('race', `i${i}`, { limit: 3, maxUnavailable: 4, perLabel: { rack: 1 } }),
        ),
      );
      const rows = await first.rolloutServers('race');
      const inFlight = rows.filter((r) => r.step === 'claimed');
      expect(inFlight.length).toBeLessThanOrEqual(4);
      expect(new Set(inFlight.map((r) => r.labels['rack'])).size).toBe(inFlight.length);
      for (const [i, list] of got.entries()) {
        for (const r of list) {
          expect(claimedBy.has(r.server), r.server).toBe(false);
          claimedBy.set(r.server, `i${i}`);
        }
      }
      // Finish one in-flight server per round: claims trickle as slots free up.
      const one = inFlight[0];
      if (one) await first.setServerStep('race', one.server, ['claimed'], 'done');
    }
    expect(claimedBy.size).toBeGreaterThan(4);
    await Promise.all(stores.map((s) => s.close()));
  });
});

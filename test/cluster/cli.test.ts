/**
 * `firmwarden store migrate` and `firmwarden cluster status` against a real PostgreSQL (and
 * migrate on SQLite): migrations reported once then "up to date", passwords refused on the
 * command line, and the status naming live and gone instances, the coordinator and the holders.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterCommand } from '../../src/cli/cluster-command.ts';
import { storeCommand } from '../../src/cli/store-command.ts';
import { defaultDeps, systemClock } from '../../src/deps.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { describePostgres, dropSchema, PG_URL, uniqueSchema } from '../store/backends.ts';

const deps = defaultDeps({ logger: captureLogger('warn').logger });
// Every migration this build knows, as `store migrate` lists them ("1, 2, 3, 4").
const ALL = MIGRATIONS.map((m) => m.version).join(', ');

async function run(command: typeof storeCommand, argv: string[]): Promise<{ code: number; out: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => {
    text += String(d);
  });
  const code = await command(argv, deps, out);
  return { code, out: text };
}

describe('store migrate on SQLite', () => {
  it('applies every migration to a new file, then reports it up to date', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-migrate-'));
    try {
      const file = join(dir, 'nested', 'state.db');
      expect((await run(storeCommand, ['migrate', '--sqlite', file])).out).toContain(
        `applied migrations ${ALL};`,
      );
      expect((await run(storeCommand, ['migrate', '--sqlite', file])).out).toContain(
        `up to date at schema version ${SCHEMA_VERSION}`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a password in a --postgres URL without echoing it', async () => {
    const err = await run(storeCommand, ['migrate', '--postgres', 'postgres://fw:s3cret@db/fw']).catch(
      (e) => e,
    );
    expect(err.code).toBe('FW_ERR_CONFIG');
    expect(err.message).not.toContain('s3cret');
  });
});

describePostgres('store migrate and cluster status', () => {
  let schema: string;
  beforeEach(() => {
    schema = uniqueSchema();
  });
  afterEach(() => dropSchema(schema));
  const pgFlags = () => ['--postgres', PG_URL as string, '--schema', schema];

  it('migrates a fresh schema once, naming the store without password', async () => {
    const first = await run(storeCommand, ['migrate', ...pgFlags()]);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`#${schema}: applied migrations ${ALL}; schema version ${SCHEMA_VERSION}`);
    expect((await run(storeCommand, ['migrate', ...pgFlags()])).out).toContain(
      `up to date at schema version ${SCHEMA_VERSION}`,
    );
  });

  it('shows instances alive and gone, the coordinator, and who holds which server', async () => {
    const store = await PostgresStore.open({ url: PG_URL as string, schema }, { clock: systemClock });
    try {
      await store.createRollout({
        id: 'ro',
        name: 'bios',
        spec: {},
        servers: ['s1', 's2', 's3'].map((server) => ({ server, wave: 0, labels: { site: 'fra1' } })),
      });
      await store.setRolloutStatus('ro', ['pending'], 'running');
      await store.heartbeat({ id: 'daemon:1@fra', name: 'fra1-a', labels: { site: 'fra1' } }, 60_000);
      await store.heartbeat({ id: 'daemon:2@ams', name: 'ams1-a', labels: {} }, 1);
      await store.acquireLease('rollout:ro', 'daemon:1@fra', 60_000);
      await store.claimServers('ro', 'daemon:1@fra', { limit: 1, maxUnavailable: 3 });
      await store.claimServers('ro', 'daemon:2@ams', { limit: 1, maxUnavailable: 3 });
      await new Promise((r) => setTimeout(r, 5));

      const text = (await run(clusterCommand, ['status', ...pgFlags()])).out;
      expect(text).toContain('instances (1 alive of 2)');
      expect(text).toMatch(/fra1-a\s+daemon:1@fra\s+site=fra1\s+\S+\s+alive\s+1/);
      expect(text).toMatch(/ams1-a\s+daemon:2@ams\s+\(any\)\s+\S+\s+gone\s+1/);
      expect(text).toMatch(/rollout ro \(bios\): running; coordinator fra1-a \(lease until /);
      expect(text).toMatch(/s1\s+claimed\s+fra1-a\s+alive/);
      expect(text).toMatch(/s2\s+claimed\s+ams1-a\s+gone: will be adopted/);

      const json = JSON.parse((await run(clusterCommand, ['status', ...pgFlags(), '--json'])).out);
      expect(json.rollouts[0]).toMatchObject({
        id: 'ro',
        coordinator: 'fra1-a',
        counts: { claimed: 2, pending: 1 },
      });
      expect(typeof json.clockSkewMs).toBe('number');
    } finally {
      await store.close();
    }
  });
});

/**
 * The daemon config for a cluster: a PostgreSQL store whose password comes from an environment
 * variable (never from the file), a cluster section with label affinity; bad store sections are
 * refused naming the field. And the per-instance lease of rollout-window in a cluster.
 */
import { describe, expect, it } from 'vitest';
import { jobLeaseName } from '../../src/daemon/job-names.ts';
import { parseDaemonConfig } from '../../src/daemon/load-config.ts';

const FILE = '/etc/firmwarden/daemon.yaml';
const config = (store: string, extra = '') => `version: 1
store: ${store}
rollout: { spec: rollout.yaml }
${extra}
jobs:
  rollout-window: { schedule: "every 5 minutes" }
`;

describe('daemon config with a PostgreSQL store', () => {
  it('keeps the URL, names the password variable, and reads the cluster section', async () => {
    process.env['FW_TEST_PG_PASSWORD'] = 'not-in-the-config';
    const c = await parseDaemonConfig(
      config(
        '{ postgres: "postgres://firmwarden@db.example:5432/fw", passwordEnv: FW_TEST_PG_PASSWORD, schema: fleet_a }',
        'cluster: { instance: fra1-a, labels: { site: fra1 }, maxServers: 4, leaseTtlSeconds: 20 }',
      ),
      FILE,
    );
    expect(c.store).toEqual({
      sqlite: '',
      postgres: 'postgres://firmwarden@db.example:5432/fw',
      passwordEnv: 'FW_TEST_PG_PASSWORD',
      schema: 'fleet_a',
    });
    expect(JSON.stringify(c)).not.toContain('not-in-the-config');
    expect(c.stateDir).toBe('/etc/firmwarden/state');
    expect(c.cluster).toEqual({
      instance: 'fra1-a',
      labels: { site: 'fra1' },
      maxServers: 4,
      leaseTtlMs: 20_000,
    });
  });

  it.each([
    [
      'a password in the URL',
      '{ postgres: "postgres://fw:hunter2@db/fw" }',
      /store\.postgres: the URL carries a password/,
    ],
    ['both backends', '{ sqlite: s.db, postgres: "postgres://db/fw" }', /exactly one of sqlite and postgres/],
    ['neither backend', '{}', /exactly one of sqlite and postgres/],
    [
      'an unset password variable',
      '{ postgres: "postgres://db/fw", passwordEnv: FW_NOT_SET_ANYWHERE }',
      /FW_NOT_SET_ANYWHERE is not set/,
    ],
    ['a schema for SQLite', '{ sqlite: s.db, schema: x }', /apply to postgres only/],
    [
      'a schema that is not an identifier',
      '{ postgres: "postgres://db/fw", schema: "a;drop" }',
      /store\.schema/,
    ],
    ['a URL of another scheme', '{ postgres: "mysql://db/fw" }', /store\.postgres/],
  ])('refuses %s, naming the field', async (_, store, message) => {
    const err = await parseDaemonConfig(config(store), FILE).catch((e) => e);
    expect(err.code).toBe('FW_ERR_CONFIG');
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('hunter2');
  });

  it('gives rollout-window one lease per instance in a cluster, other jobs one for all', () => {
    expect(jobLeaseName('rollout-window', 'daemon:1@a')).toBe('job:rollout-window@daemon:1@a');
    expect(jobLeaseName('rollout-window')).toBe('job:rollout-window');
    expect(jobLeaseName('inventory-scan', 'daemon:1@a')).toBe('job:inventory-scan');
  });
});

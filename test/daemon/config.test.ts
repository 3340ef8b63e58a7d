import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAEMON_SCHEMA_PATH, daemonJsonSchema } from '../../scripts/gen-daemon-schema.ts';
import { loadDaemonConfig, parseDaemonConfig } from '../../src/daemon/load-config.ts';
import { parseSchedule } from '../../src/daemon/schedule.ts';
import { FirmwardenError } from '../../src/errors.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-daemon-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const GOOD = `version: 1
store: { sqlite: state/firmwarden.db }
fleet: fleet.yaml
catalog: { source: "https://repo.example.net/firmware/catalog.yaml" }
rollout: { spec: rollout.yaml }
jobs:
  inventory-scan: { schedule: "every 15 minutes", timeoutSeconds: 600 }
  catalog-watch: { schedule: "*/5 * * * *" }
  rollout-window: { schedule: "90 minutes" }
  integrity-check: { enabled: false, schedule: "at 04:00" }
`;

/** The ConfigError a config text gets, as "file: message". */
async function errorOf(text: string, file = '/etc/firmwarden/daemon.yaml'): Promise<FirmwardenError> {
  try {
    await parseDaemonConfig(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(FirmwardenError);
    return err as FirmwardenError;
  }
  throw new Error('expected a config error');
}

describe('daemon config', () => {
  it('resolves paths against the config file and applies defaults', async () => {
    const config = await parseDaemonConfig(GOOD, '/etc/firmwarden/daemon.yaml');
    expect(config.store.sqlite).toBe('/etc/firmwarden/state/firmwarden.db');
    expect(config.stateDir).toBe('/etc/firmwarden/state');
    expect(config.images).toBe('/etc/firmwarden/state/images');
    expect(config.fleet).toBe('/etc/firmwarden/fleet.yaml');
    expect(config.catalog?.source).toEqual({
      kind: 'url',
      url: 'https://repo.example.net/firmware/catalog.yaml',
    });
    expect(config.catalog?.download).toBe(true);
    expect(config.jobs['inventory-scan']).toMatchObject({ enabled: true, timeoutMs: 600_000 });
    expect(config.jobs['inventory-scan'].schedule).toEqual({ kind: 'text', text: 'every 15 minutes' });
    expect(config.jobs['catalog-watch'].schedule).toEqual({
      kind: 'cron',
      text: '*/5 * * * *',
      hasSeconds: false,
    });
    expect(config.jobs['rollout-window'].schedule).toMatchObject({ kind: 'interval', ms: 90 * 60_000 });
    expect(config.jobs['integrity-check'].enabled).toBe(false);
    // The resolved config travels to workers as workerData: it must survive structured cloning.
    expect(structuredClone(config)).toEqual(config);
  });

  it.each([
    [
      'a bad cron expression',
      'jobs:\n  inventory-scan: { schedule: "61 * * * *" }',
      /jobs\.inventory-scan\.schedule: not a valid cron expression.*minutes/,
    ],
    [
      'a schedule later.js reads only partly',
      'jobs:\n  inventory-scan: { schedule: "every day at 03:00" }',
      /jobs\.inventory-scan\.schedule: .*not understood from character 7/,
    ],
    [
      'an interval later.js would fold into hours',
      'jobs:\n  catalog-watch: { schedule: "every 90 minutes" }',
      /jobs\.catalog-watch\.schedule: .*use a fixed interval like "90 minutes"/,
    ],
    [
      'words that are no schedule',
      'jobs:\n  catalog-watch: { schedule: "now and then" }',
      /jobs\.catalog-watch\.schedule: not a schedule/,
    ],
    [
      'an unknown job',
      'jobs:\n  firmware-dance: { schedule: "every 5 minutes" }',
      /jobs: unknown job "firmware-dance"; expected inventory-scan, catalog-watch/,
    ],
    [
      'an enabled job without a schedule',
      'jobs:\n  inventory-scan: { timeoutSeconds: 60 }',
      /jobs\.inventory-scan\.schedule: required when the job is enabled/,
    ],
    [
      'a timeout that is not a number',
      'jobs:\n  inventory-scan: { schedule: "at 03:00", timeoutSeconds: soon }',
      /jobs\.inventory-scan\.timeoutSeconds: .*number/,
    ],
    [
      'a job without its input',
      'jobs:\n  rollout-window: { schedule: "at 22:00" }',
      /jobs\.rollout-window: needs "rollout"/,
    ],
    [
      'a plain http catalog',
      'catalog: { source: "http://mirror/catalog.xml" }\njobs: {}',
      /catalog\.source: plain http URL .* needs catalog\.allowHttp: true/,
    ],
    [
      'an in-memory store',
      'jobs: {}',
      /store\.sqlite: the daemon needs a database file, not :memory:/,
      ':memory:',
    ],
    ['a lease that expires before it is renewed', 'leaseTtlSeconds: 0.1\njobs: {}', /leaseTtlSeconds: .*>=1/],
    [
      'an unknown top-level field',
      'stor: { sqlite: x.db }\njobs: {}',
      /\(top level\): Unrecognized key: "stor"/,
    ],
  ])('%s names the file and the field', async (_name, body, message, sqlite = 'state.db') => {
    const text = `version: 1\nstore: { sqlite: "${sqlite}" }\n${body}\n`;
    const err = await errorOf(text);
    expect(err.code).toBe('FW_ERR_CONFIG');
    expect(err.message).toMatch(/^\/etc\/firmwarden\/daemon\.yaml: /);
    expect(err.message).toMatch(message);
  });

  it('says which file is missing', async () => {
    const missing = join(dir, 'nope.yaml');
    await expect(loadDaemonConfig(missing)).rejects.toMatchObject({
      code: 'FW_ERR_CONFIG',
      message: expect.stringMatching(new RegExp(`^${missing}: cannot read daemon config: .*ENOENT`)),
    });
  });

  it('reads JSON configs too and names the JSON error', async () => {
    const file = join(dir, 'daemon.json');
    await writeFile(file, '{"version": 1, "store": {"sqlite": "s.db"}, "jobs": {');
    await expect(loadDaemonConfig(file)).rejects.toThrow(new RegExp(`^${file}: not valid JSON`));
    await writeFile(file, JSON.stringify({ version: 1, store: { sqlite: 's.db' }, jobs: {} }));
    expect((await loadDaemonConfig(file)).store.sqlite).toBe(join(dir, 's.db'));
  });

  it('has a committed JSON Schema generated from the zod schema', async () => {
    expect(await readFile(DAEMON_SCHEMA_PATH, 'utf8')).toBe(daemonJsonSchema());
  });
});

describe('schedules (bree parser plus the checks bree leaves out)', () => {
  it.each([
    ['*/15 * * * *', { kind: 'cron', hasSeconds: false }],
    ['*/2 * * * * *', { kind: 'cron', hasSeconds: true }],
    ['every 15 minutes', { kind: 'text' }],
    ['at 03:00', { kind: 'text' }],
    ['every weekday at 22:00', { kind: 'text' }],
    ['every 1 second', { kind: 'text' }],
    ['90 minutes', { kind: 'interval', ms: 5_400_000 }],
    ['30s', { kind: 'interval', ms: 30_000 }],
  ])('accepts %s', async (text, expected) => {
    expect(await parseSchedule(text)).toMatchObject(expected);
  });

  it.each([
    ['0 3 * * MON', /Element 'MON' of daysOfWeek field is invalid/],
    ['* * *', /not a schedule/],
    ['at 25:00', /not understood from character 4/],
    ['every 0 seconds', /count must be at least 1/],
    ['500ms', /shorter than 1 second/],
    ['', /empty schedule/],
  ])('refuses %s', async (text, message) => {
    await expect(parseSchedule(text)).rejects.toThrow(message);
  });
});

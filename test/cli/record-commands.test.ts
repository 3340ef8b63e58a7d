/**
 * The record commands over one SQLite state store, written the way the processes write it (the
 * executor's intents and outcomes, `update`'s per-server entry, daemon job runs and leases, a
 * rollout): `journal` filters by server and time and merges the update journal file, `jobs`
 * says what runs now and how the last run ended, `rollout list` lists every rollout. Each prints
 * what the matching HTTP API route serves.
 */
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../../src/cli/args.ts';
import { jobsCommand } from '../../src/cli/jobs-command.ts';
import { type JournalLine, journalCommand } from '../../src/cli/journal-command.ts';
import { rolloutCommand } from '../../src/cli/rollout-command.ts';
import { defaultDeps } from '../../src/deps.ts';
import { openStore } from '../../src/store/open-store.ts';
import { StoreJournal } from '../../src/store/store-journal.ts';
import type { Store } from '../../src/store/types.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { type FakeClock, fakeClock } from '../helpers/fake-clock.ts';

const START = Date.parse('2026-11-22T03:00:00Z');
const HOUR = 3_600_000;
let dir: string;
let clock: FakeClock;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-records-'));
  clock = fakeClock(START);
  const store: Store = await openStore({ sqlite: join(dir, 'state.db') }, { clock });
  try {
    // A rollout's executor journals through the store (store-journal.ts).
    const executor = new StoreJournal(store, { actor: 'daemon:1@mgmt', rolloutId: 'r-1' });
    await executor.append({ server: 'bmc-a', event: 'intent', component: 'BIOS', from: '1.0', to: '2.0' });
    await clock.sleep(HOUR);
    await executor.append({ server: 'bmc-a', event: 'outcome', component: 'BIOS', outcome: 'verified' });
    await store.append({
      actor: 'daemon:1@mgmt',
      event: 'job-inventory-scan',
      data: { outcome: 'partial', summary: '9 of 10 servers read', runId: 'run-1', durationMs: 4200 },
    });
    await clock.sleep(HOUR);
    // `firmwarden update` writes one entry per server (update-command.ts recordOutcomes).
    await store.append({
      actor: 'cli:2@mgmt',
      server: 'bmc-b',
      event: 'update-failed',
      data: {
        outcome: 'failed',
        actions: [{ component: 'BMC', from: '5.0', to: '5.1', outcome: 'failed' }],
        error: { code: 'FW_ERR_TASK_FAILED', message: 'task failed' },
      },
    });
    await store.acquireLease('job:catalog-watch', 'daemon:1@mgmt', 10 * HOUR);
    await store.createRollout({
      id: 'r-1',
      name: 'bios-wave',
      spec: { secretHook: 'https://hooks.example/x' },
      servers: [
        { server: 'bmc-a', wave: 0, labels: {} },
        { server: 'bmc-b', wave: 1, labels: {} },
      ],
    });
    await store.setServerStep('r-1', 'bmc-a', ['pending'], 'done');
  } finally {
    await store.close();
  }
  // ...and its intents in the executor journal file beside the store.
  await writeFile(
    join(dir, 'journal.jsonl'),
    `${JSON.stringify({ at: new Date(START + 2 * HOUR - 60_000).toISOString(), server: 'bmc-b', event: 'intent', component: 'BMC', to: '5.1' })}\n`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(command: typeof jobsCommand, ...argv: string[]) {
  let text = '';
  const out = new Writable({
    write(c, _e, cb) {
      text += String(c);
      cb();
    },
  });
  const deps = defaultDeps({ clock, logger: captureLogger('silent').logger });
  const code = await command(argv, deps, out);
  return { code, text };
}

describe('firmwarden journal', () => {
  it('lists intents and outcomes per server, with the update journal file merged in by time', async () => {
    const r = await run(journalCommand, '--state', dir, '--json');
    expect(r.code).toBe(0);
    const entries = (JSON.parse(r.text) as { entries: JournalLine[] }).entries;
    expect(entries.map((e) => `${e.server ?? '-'} ${e.event}`)).toEqual([
      'bmc-a intent',
      'bmc-a outcome',
      '- job-inventory-scan',
      'bmc-b intent',
      'bmc-b update-failed',
    ]);
    expect(entries[3]?.source).toBe('update-journal-file');
    expect(entries[0]).toMatchObject({ actor: 'daemon:1@mgmt', rolloutId: 'r-1', source: 'store' });
  });

  it('--server, --since and --event filter; the table names the component and outcome', async () => {
    const a = await run(journalCommand, '--state', dir, '--server', 'bmc-a');
    expect(a.text).toMatch(/bmc-a +intent +daemon:1@mgmt +BIOS; 1\.0 → 2\.0/);
    expect(a.text).toMatch(/bmc-a +outcome +daemon:1@mgmt +BIOS; verified/);
    expect(a.text).not.toMatch(/bmc-b/);
    clock.now = () => START + 3 * HOUR;
    const recent = await run(journalCommand, '--state', dir, '--since', '90m', '--json');
    const events = (JSON.parse(recent.text) as { entries: JournalLine[] }).entries.map((e) => e.event);
    expect(events).toEqual(['intent', 'update-failed']);
    const failed = await run(journalCommand, '--state', dir, '--event', 'update-failed');
    expect(failed.text).toMatch(
      /bmc-b +update-failed +cli:2@mgmt +failed; BMC 5\.0 → 5\.1 failed; error: task failed/,
    );
    const since = await run(journalCommand, '--state', dir, '--since', '2026-11-22T04:30:00Z', '--json');
    expect((JSON.parse(since.text) as { entries: unknown[] }).entries).toHaveLength(2);
  });

  it('--since that is neither a time nor an age is bad input naming the flag', async () => {
    const err = await run(journalCommand, '--state', dir, '--since', 'yesterday').catch((e: unknown) => e);
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/--since expects an ISO 8601 date/);
  });
});

describe('a state folder without a store', () => {
  it.each([
    ['journal', journalCommand],
    ['jobs', jobsCommand],
  ] as const)('%s refuses it, naming the file, and creates nothing', async (_name, command) => {
    const missing = join(dir, 'no-such-state');
    const err = await run(command, '--state', missing).catch((e: unknown) => e);
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/no-such-state\/state\.db: no state store here/);
    await expect(access(missing)).rejects.toThrow();
  });
});

describe('firmwarden jobs', () => {
  it('says which job runs now and how each last run ended', async () => {
    const r = await run(jobsCommand, '--state', dir);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/inventory-scan +idle +2026-11-22T04:00:00\.000Z +partial +9 of 10 servers read/);
    expect(r.text).toMatch(/catalog-watch +running \(daemon:1@mgmt\) +never/);
    expect(r.text).toMatch(/recent runs[\s\S]*inventory-scan +partial +4\.2 s +daemon:1@mgmt/);
    const j = JSON.parse((await run(jobsCommand, '--state', dir, '--json', '--job', 'inventory-scan')).text);
    expect(j.jobs).toEqual([expect.objectContaining({ job: 'inventory-scan', running: false })]);
    expect(j.runs).toEqual([expect.objectContaining({ runId: 'run-1', outcome: 'partial' })]);
  });

  it('an unknown job is bad input naming the jobs', async () => {
    await expect(run(jobsCommand, '--state', dir, '--job', 'scan')).rejects.toThrow(
      /--job "scan" is not a daemon job: expected one of inventory-scan, catalog-watch/,
    );
  });
});

describe('firmwarden rollout list', () => {
  it('lists every rollout with its servers by step, never its spec', async () => {
    const r = await run(rolloutCommand, 'list', '--state', dir);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/r-1 +bios-wave +pending +\S+ +\S+ +2 +1 done, 1 pending/);
    const j = JSON.parse((await run(rolloutCommand, 'list', '--state', dir, '--json')).text);
    expect(j.rollouts).toEqual([
      expect.objectContaining({ id: 'r-1', servers: 2, steps: { done: 1, pending: 1 } }),
    ]);
    expect(JSON.stringify(j)).not.toContain('hooks.example');
  });
});

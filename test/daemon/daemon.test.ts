/**
 * The daemon with bree: jobs run on a one-second schedule in worker threads and journal their
 * results; a worker that dies is journalled and its lease freed while the daemon keeps going; a
 * run that finds the previous one busy is journalled as skipped; SIGTERM stops it cleanly.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonCommand } from '../../src/cli/daemon-command.ts';
import { startDaemon } from '../../src/daemon/daemon.ts';
import type { JobResult } from '../../src/daemon/job-context.ts';
import { type Bed, daemonBed, dataOf, entries } from './helpers.ts';

let bed: Bed;
beforeAll(async () => {
  // Workers log to stderr at the daemon's level: keep the test output quiet.
  bed = await daemonBed({ count: 2, vendors: ['generic', 'supermicro'], seed: 8 }, 'warn');
});
afterAll(() => bed?.close());

/** Resolves with the first result `pick` accepts; rejects after `ms`. */
function waitFor(results: JobResult[], pick: (r: JobResult) => boolean, ms = 20_000): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const found = results.find(pick);
      if (found) {
        clearInterval(poll);
        resolve(found);
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error(`no such result in ${ms} ms: ${JSON.stringify(results)}`));
      }
    }, 25);
  });
}

describe('daemon', () => {
  it('runs jobs on their schedule in worker threads, records the results, and stops cleanly', async () => {
    const config = await bed.config({
      jobs: {
        'inventory-scan': { schedule: 'every 1 second' },
        'integrity-check': { schedule: '1s' },
        'catalog-watch': { enabled: false, schedule: 'at 03:00' },
      },
    });
    const results: JobResult[] = [];
    const daemon = await startDaemon(config, bed.deps, { onResult: (r) => results.push(r) });
    expect(daemon.jobs).toEqual(['inventory-scan', 'integrity-check']);
    let scan: JobResult;
    try {
      // A scan can outlast one second: the next tick is then journalled as skipped (bree overlap).
      scan = await waitFor(results, (r) => r.job === 'inventory-scan' && r.outcome !== 'skipped');
      await waitFor(results, (r) => r.job === 'integrity-check' && r.data?.['reason'] !== undefined);
    } finally {
      await daemon.stop();
    }
    expect(scan.outcome, scan.summary).toBe('ok');
    const store = await bed.store();
    const entry = (await entries(store, 'job-inventory-scan')).find((e) => dataOf(e)['runId'] === scan.runId);
    expect(entry?.actor).toMatch(/^daemon:\d+@/);
    // Journalled from a worker thread, not the test's main thread.
    expect(dataOf(entry)).toMatchObject({ outcome: 'ok', runId: scan.runId, read: 2 });
    expect(dataOf(entry)['worker']).toBeGreaterThan(0);
    expect((await store.latestInventory()).servers).toHaveLength(2);
    expect(
      (await entries(store, 'job-integrity-check')).map((e) => String(dataOf(e)['reason'])),
    ).toContainEqual(expect.stringMatching(/^backup-slice: no catalog is configured/));
    expect(await entries(store, 'daemon-start')).toHaveLength(1);
    expect(dataOf((await entries(store, 'daemon-stop'))[0])).toEqual({ graceful: true });
    for (const job of ['inventory-scan', 'integrity-check']) {
      expect((await store.acquireLease(`job:${job}`, 'probe', 1_000)).holder).toBe('probe');
      await store.releaseLease(`job:${job}`, 'probe');
    }
  });

  it('journals a worker that died and frees its lease, journals overlapping runs as skipped, and keeps going', async () => {
    const jobsDir = join(bed.dir, 'fake-jobs');
    await mkdir(jobsDir, { recursive: true });
    // Takes no lease itself: the test holds it under the holder the worker announces.
    await writeFile(
      join(jobsDir, 'inventory-scan.ts'),
      `import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ type: 'started', runId: 'doomed', holder: 'daemon:0@nowhere#doomed' });
setTimeout(() => process.exit(3), 50);
`,
    );
    // Busy for longer than its one-second schedule.
    await writeFile(
      join(jobsDir, 'integrity-check.ts'),
      `import { parentPort } from 'node:worker_threads';
setTimeout(() => {
  parentPort.postMessage({ type: 'result', result: { job: 'integrity-check', runId: 'slow', outcome: 'ok', summary: 'slow', startedAt: new Date().toISOString(), durationMs: 2500 } });
  process.exit(0);
}, 2500);
`,
    );
    const config = await bed.config(
      {
        store: { sqlite: 'state/crash.db' },
        jobs: { 'inventory-scan': { schedule: '1s' }, 'integrity-check': { schedule: '1s' } },
      },
      'crash.yaml',
    );
    const { SqliteStore } = await import('../../src/store/sqlite-store.ts');
    const store = await SqliteStore.open(config.store.sqlite, bed.deps);
    await store.acquireLease('job:inventory-scan', 'daemon:0@nowhere#doomed', 60_000);
    const results: JobResult[] = [];
    const daemon = await startDaemon(config, bed.deps, { jobsDir, onResult: (r) => results.push(r) });
    try {
      const dead = await waitFor(results, (r) => r.job === 'inventory-scan');
      expect(dead).toMatchObject({
        outcome: 'failed',
        runId: 'doomed',
        error: { code: 'FW_ERR_JOB_WORKER' },
      });
      expect(dead.summary).toBe('failed: worker exited with code 3 before reporting a result');
      expect((await store.acquireLease('job:inventory-scan', 'probe', 1_000)).holder).toBe('probe');
      await store.releaseLease('job:inventory-scan', 'probe');
      // Still scheduling after the crash.
      await waitFor(results, (r) => r.job === 'inventory-scan' && r !== dead);
      const overlap = await waitFor(results, (r) => r.job === 'integrity-check' && r.outcome === 'skipped');
      expect(overlap.summary).toBe(
        'skipped: already running (the previous run in this daemon has not finished)',
      );
    } finally {
      await daemon.stop();
    }
    const journal = await entries(store, 'job-inventory-scan');
    expect(dataOf(journal[0])).toMatchObject({ outcome: 'failed', exitCode: 3, runId: 'doomed' });
    await store.close();
  });

  it('runs integrity-check at start-up and again after a change is journalled, not only on its schedule', async () => {
    const config = await bed.config(
      {
        store: { sqlite: 'state/triggers.db' },
        jobs: { 'inventory-scan': { schedule: '1s' }, 'integrity-check': { schedule: '24 hours' } },
      },
      'triggers.yaml',
    );
    const results: JobResult[] = [];
    const checks = () => results.filter((r) => r.job === 'integrity-check' && r.runId !== 'overlap');
    const daemon = await startDaemon(config, bed.deps, { onResult: (r) => results.push(r) });
    const { SqliteStore } = await import('../../src/store/sqlite-store.ts');
    const store = await SqliteStore.open(config.store.sqlite, bed.deps);
    try {
      await waitFor(results, (r) => r.job === 'integrity-check');
      expect(checks()).toHaveLength(1);
      // Another process (a CLI rollout on the same store) finishes a server.
      const seq = await store.append({ actor: 'cli:1@elsewhere', server: 'sim-0001', event: 'step-done' });
      // The next inventory-scan result makes the daemon look at the journal.
      await waitFor(results, (r) => r.job === 'inventory-scan' && (r.seq ?? 0) > seq);
      await waitFor(results, () => checks().length === 2);
    } finally {
      await daemon.stop();
      await store.close();
    }
  });

  it('--once runs one job in the foreground and exits with its outcome', async () => {
    await bed.config({ jobs: {} }, 'once.yaml');
    let text = '';
    const out = new Writable({
      write(chunk, _e, cb) {
        text += String(chunk);
        cb();
      },
    });
    const file = join(bed.dir, 'once.yaml');
    expect(await daemonCommand(['--config', file, '--once', 'inventory-scan'], bed.deps, out)).toBe(0);
    expect(text).toMatch(/^inventory-scan: 2 of 2 servers read, \d+ components\n$/);
    expect(await daemonCommand(['--config', file, '--once', 'integrity-check'], bed.deps, out)).toBe(0);
    await expect(daemonCommand(['--config', file, '--once', 'dance'], bed.deps, out)).rejects.toMatchObject({
      code: 'FW_ERR_CONFIG',
      message: expect.stringMatching(/unknown job "dance"; expected inventory-scan/),
    });
    await expect(
      daemonCommand(['--config', file, '--once', 'rollout-window'], bed.deps, out),
    ).rejects.toThrow(/once\.yaml: jobs\.rollout-window: needs "rollout"/);
  });

  it('stops on SIGTERM: running jobs are cancelled or finish, leases are released', async () => {
    const file = join(bed.dir, 'sigterm.yaml');
    await bed.config(
      { store: { sqlite: 'state/sigterm.db' }, jobs: { 'inventory-scan': { schedule: '1s' } } },
      'sigterm.yaml',
    );
    for (const b of bed.fleet!.bmcs) b.setFaults({ latencyMs: 150 });
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('./child/run-daemon.ts', import.meta.url)), '--config', file],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FIRMWARDEN_LOG_LEVEL: 'warn' } },
    );
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    // 'close': the exit code once stdout is drained too.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      const { SqliteStore } = await import('../../src/store/sqlite-store.ts');
      await new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (stdout.includes('running')) {
            clearInterval(poll);
            resolve();
          } else if (Date.now() - started > 10_000) {
            clearInterval(poll);
            reject(new Error(`daemon did not start: ${stdout}`));
          }
        }, 20);
      });
      // Let a run get under way (the first one starts at the one-second mark): a BMC is answering
      // one of its requests (each takes 150 ms) when the daemon is told to stop.
      await new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (bed.fleet!.bmcs.some((b) => b.stats.inFlight > 0)) {
            clearInterval(poll);
            resolve();
          } else if (Date.now() - started > 30_000) {
            clearInterval(poll);
            reject(new Error('no inventory-scan request reached the fleet in 30 s'));
          }
        }, 5);
      });
      child.kill('SIGTERM');
      // Stopped by SIGTERM, cleanly: 143 (128 + 15), as every command a signal stops.
      expect(await exited).toBe(143);
      expect(stdout).toContain('SIGTERM: stopping');
      const store = await SqliteStore.open(join(bed.dir, 'state', 'sigterm.db'), bed.deps);
      try {
        const runs = await entries(store, 'job-inventory-scan');
        expect(runs.length).toBeGreaterThan(0);
        // On a slow machine the 1 s schedule can fire while the first run still holds its lease: that
        // run is journalled 'skipped'. Never 'failed' or 'partial': stopping broke nothing.
        for (const r of runs) expect(['ok', 'cancelled', 'skipped']).toContain(dataOf(r)['outcome']);
        expect(dataOf((await entries(store, 'daemon-stop'))[0])).toEqual({ graceful: true });
        expect((await store.acquireLease('job:inventory-scan', 'probe', 1_000)).holder).toBe('probe');
      } finally {
        await store.close();
      }
    } finally {
      for (const b of bed.fleet!.bmcs) b.setFaults({ latencyMs: 0 });
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

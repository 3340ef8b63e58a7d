/**
 * inventory-scan against a simulated fleet over loopback HTTPS: every server's snapshot lands in
 * the store and the run is journalled; one job at a time (the store lease), whoever asks.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonConfig } from '../../src/daemon/load-config.ts';
import { runJob } from '../../src/daemon/run-job.ts';
import { type Bed, daemonBed, dataOf, entries } from './helpers.ts';

let bed: Bed;
let config: DaemonConfig;
beforeAll(async () => {
  bed = await daemonBed({ count: 3, vendors: ['dell', 'hpe', 'openbmc'], seed: 3 });
  config = await bed.config({ jobs: { 'inventory-scan': { schedule: 'every 15 minutes' } } });
});
afterAll(() => bed?.close());

describe('inventory-scan', () => {
  it('saves every server snapshot and journals a summary as the daemon', async () => {
    const result = await runJob('inventory-scan', config, bed.deps);
    expect(result.outcome).toBe('ok');
    expect(result.summary).toMatch(/^3 of 3 servers read, \d+ components$/);
    const store = await bed.store();
    const latest = await store.latestInventory();
    expect(latest.servers.map((s) => s.server).sort()).toEqual(bed.fleet!.bmcs.map((b) => b.name).sort());
    expect(latest.servers.every((s) => s.components.length > 0 && !s.error)).toBe(true);
    const [entry] = await entries(store, 'job-inventory-scan');
    expect(entry?.actor).toBe(`daemon:${process.pid}@${hostname()}`);
    expect(dataOf(entry)).toMatchObject({
      outcome: 'ok',
      runId: result.runId,
      servers: 3,
      read: 3,
      failed: 0,
    });
    // The lease is free again.
    expect((await store.acquireLease('job:inventory-scan', 'probe', 1_000)).holder).toBe('probe');
    await store.releaseLease('job:inventory-scan', 'probe');
  });

  it('is partial when a server cannot be read, and still saves the others', async () => {
    const down = bed.fleet!.bmcs[1]!;
    down.setFaults({ errorRate: 1 });
    try {
      const result = await runJob('inventory-scan', config, bed.deps);
      expect(result.outcome).toBe('partial');
      expect(result.data).toMatchObject({ read: 2, failed: 1, failures: [{ server: down.name }] });
    } finally {
      down.setFaults({ errorRate: 0 });
    }
  });

  it('runs once when two runs start together: the other records "skipped: already running"', async () => {
    const store = await bed.store();
    const before = (await entries(store, 'job-inventory-scan')).length;
    // Two processes' worth of runs: separate store connections, same database file.
    const results = await Promise.all([
      runJob('inventory-scan', config, bed.deps),
      runJob('inventory-scan', config, bed.deps),
    ]);
    const outcomes = results.map((r) => r.outcome).sort();
    expect(outcomes).toEqual(['ok', 'skipped']);
    const skipped = results.find((r) => r.outcome === 'skipped')!;
    const ran = results.find((r) => r.outcome === 'ok')!;
    expect(skipped.summary).toMatch(
      /^skipped: already running \(daemon:\d+@.+#\w+ holds job:inventory-scan until /,
    );
    expect(skipped.summary).toContain(ran.runId);
    const journal = (await entries(store, 'job-inventory-scan')).slice(before);
    expect(journal.map((e) => dataOf(e)['outcome']).sort()).toEqual(['ok', 'skipped']);
    expect(dataOf(journal.find((e) => dataOf(e)['outcome'] === 'skipped'))['reason']).toBe('already running');
  });

  it('skips while another live daemon holds the lease, and takes over one from a dead process', async () => {
    const store = await bed.store();
    await store.acquireLease('job:inventory-scan', `daemon:${process.pid}@${hostname()}#other`, 60_000);
    expect((await runJob('inventory-scan', config, bed.deps)).outcome).toBe('skipped');
    await store.releaseLease('job:inventory-scan', `daemon:${process.pid}@${hostname()}#other`);
    // kill -9 leaves a lease behind; its pid is gone from this host, so it is taken over at once.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const dead = `daemon:${gone}@${hostname()}#crashed`;
    await store.acquireLease('job:inventory-scan', dead, 60_000);
    const result = await runJob('inventory-scan', config, bed.deps);
    expect(result.outcome).toBe('ok');
    expect(result.data?.['takenOverFrom']).toBe(dead);
  });

  it('fails with FW_ERR_JOB_TIMEOUT when the run outlives its timeout, and frees the lease', async () => {
    const slow = await bed.config(
      { jobs: { 'inventory-scan': { schedule: 'every 15 minutes', timeoutSeconds: 0.1 } } },
      'slow.yaml',
    );
    for (const b of bed.fleet!.bmcs) b.setFaults({ latencyMs: 250 });
    try {
      const result = await runJob('inventory-scan', slow, bed.deps);
      expect(result.outcome).toBe('failed');
      expect(result.error?.code).toBe('FW_ERR_JOB_TIMEOUT');
    } finally {
      for (const b of bed.fleet!.bmcs) b.setFaults({ latencyMs: 0 });
    }
    expect((await runJob('inventory-scan', config, bed.deps)).outcome).toBe('ok');
  });
});

/**
 * inventory-scan against a simulated fleet over loopback HTTPS: every server's snapshot lands in
 * the store and the run is journalled; one job at a time (the store lease), whoever asks. A host
 * or BMC reset made by someone else shows as a moved LastResetTime and is journalled.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observedResets } from '../../src/daemon/jobs/inventory-scan.ts';
import type { DaemonConfig } from '../../src/daemon/load-config.ts';
import { runJob } from '../../src/daemon/run-job.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import type { ServerInventory } from '../../src/inventory/model.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
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

  it('journals resets made outside firmwarden: LastResetTime of the host and of the BMC moved', async () => {
    const store = await bed.store();
    expect((await runJob('inventory-scan', config, bed.deps)).outcome).toBe('ok');
    const sim = bed.fleet!.bmcs.find((b) => b.vendor === 'openbmc')!;
    const server = (await loadFleetFile(bed.fleetFile!)).find((s) => s.name === sim.name)!;
    const before = (await store.latestInventory([sim.name])).servers[0]!;
    expect(before.lastReset).toEqual({ system: expect.any(String), bmc: expect.any(String) });
    // Somebody resets the host and the BMC by hand (Redfish actions, as an operator's script would).
    const client = new RedfishClient(server.client, bed.deps);
    try {
      await client.post('/redfish/v1/Systems/system/Actions/ComputerSystem.Reset', {
        ResetType: 'ForceRestart',
      });
      while (sim.powerState !== 'On' || !sim.availability.available)
        await new Promise((r) => setTimeout(r, 20));
      await client.post('/redfish/v1/Managers/bmc/Actions/Manager.Reset', { ResetType: 'GracefulRestart' });
    } finally {
      await client.close();
    }
    await new Promise((r) => setTimeout(r, 20));
    while (sim.rebooting) await new Promise((r) => setTimeout(r, 20));
    const result = await runJob('inventory-scan', config, bed.deps);
    expect(result.summary).toMatch(/; 2 resets observed$/);
    const resets = (await entries(store, 'reset-observed')).filter((e) => e.server === sim.name);
    expect(resets.map((e) => dataOf(e)['which']).sort()).toEqual(['bmc', 'system']);
    for (const e of resets) {
      const which = dataOf(e)['which'] as 'bmc' | 'system';
      expect(dataOf(e)['from']).toBe(before.lastReset?.[which]);
      expect(Date.parse(dataOf(e)['to'] as string)).toBeGreaterThan(Date.parse(before.scannedAt));
    }
    // Servers whose BMC does not report LastResetTime (HPE here) never produce one.
    const hpe = bed.fleet!.bmcs.find((b) => b.vendor === 'hpe')!;
    expect((await store.latestInventory([hpe.name])).servers[0]?.lastReset).toBeUndefined();
  });
});

describe('observedResets', () => {
  const inv = (
    lastReset?: ServerInventory['lastReset'],
    extra: Partial<ServerInventory> = {},
  ): ServerInventory => ({
    server: 's1',
    bmc: 'https://bmc',
    vendor: 'generic',
    labels: {},
    scannedAt: '2026-11-22T03:00:00.000Z',
    components: [],
    copies: [],
    ...(lastReset ? { lastReset } : {}),
    ...extra,
  });

  it('is empty for a first sighting and for unchanged times', () => {
    expect(observedResets(undefined, inv({ system: 'a' }))).toEqual([]);
    expect(observedResets(inv({ system: 'a', bmc: 'b' }), inv({ system: 'a', bmc: 'b' }))).toEqual([]);
  });

  it('reports each time that moved', () => {
    expect(observedResets(inv({ system: 'a', bmc: 'b' }), inv({ system: 'a2', bmc: 'b' }))).toEqual([
      { server: 's1', which: 'system', from: 'a', to: 'a2' },
    ]);
  });

  it('after a failed scan, a reset time later than that scan is a reset', () => {
    const failed = inv(undefined, { error: { code: 'FW_ERR_CONNECTION', message: 'refused' } });
    expect(observedResets(failed, inv({ bmc: '2026-11-22T03:01:00Z' }))).toEqual([
      {
        server: 's1',
        which: 'bmc',
        from: 'unknown (the scan at 2026-11-22T03:00:00.000Z failed)',
        to: '2026-11-22T03:01:00Z',
      },
    ]);
    expect(observedResets(failed, inv({ bmc: '2026-11-22T02:59:00Z' }))).toEqual([]);
  });
});

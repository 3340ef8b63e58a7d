/**
 * integrity-check: the backup slice check runs over the configured fleet and catalog (copies made,
 * corruption found, restored when backup.autoRestore says so, verified by reading the inventory
 * back); a check with nothing to look at is skipped and claims nothing; the registry runs what is
 * registered and one failing check does not stop the others.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initFleet } from '../../src/backup/index.ts';
import { ImageStore } from '../../src/catalog/index.ts';
import { IntegrityCheckRegistry } from '../../src/daemon/integrity-checks.ts';
import type { JobContext } from '../../src/daemon/job-context.ts';
import { runIntegrityChecks } from '../../src/daemon/jobs/integrity-check.ts';
import type { DaemonConfig } from '../../src/daemon/load-config.ts';
import { runJob } from '../../src/daemon/run-job.ts';
import { systemClock } from '../../src/deps.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import { scanServer } from '../../src/inventory/scan.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { writeInstalledCatalog } from '../../src/simulator/index.ts';
import { type Bed, daemonBed, dataOf, entries } from './helpers.ts';

let bed: Bed;
let config: DaemonConfig;
beforeAll(async () => {
  bed = await daemonBed({ count: 2, vendors: ['lenovo', 'openbmc'], seed: 2 });
  config = await bed.config({ jobs: { 'integrity-check': { schedule: 'at 04:00' } } });
});
afterAll(() => bed?.close());

const jobCtx = async (cfg: DaemonConfig): Promise<JobContext> => ({
  name: 'integrity-check',
  config: cfg,
  deps: bed.deps,
  store: await bed.store(),
  actor: 'test',
  runId: 'r1',
  signal: new AbortController().signal,
});

describe('integrity-check', () => {
  it('without a catalog the backup check is skipped, and the run claims nothing about the fleet', async () => {
    const result = await runJob('integrity-check', config, bed.deps);
    expect(result).toMatchObject({
      outcome: 'skipped',
      summary: expect.stringMatching(/^skipped: backup-slice: no catalog is configured/),
      data: { checks: [{ name: 'backup-slice', skipped: expect.stringMatching(/no catalog/) }] },
    });
    const [entry] = await entries(await bed.store(), 'job-integrity-check');
    expect(dataOf(entry)).toMatchObject({ outcome: 'skipped' });
    expect(dataOf(entry)['findings']).toBeUndefined();
  });

  it('with no check registered the run is skipped', async () => {
    const report = await runIntegrityChecks(await jobCtx(config), new IntegrityCheckRegistry());
    expect(report).toMatchObject({
      outcome: 'skipped',
      summary: 'skipped: no integrity checker is configured',
    });
  });

  it('runs every registered check over the fleet; one failing check does not stop the others', async () => {
    const seen: string[][] = [];
    const registry = new IntegrityCheckRegistry()
      .register('backup-slice', async (ctx) => {
        seen.push(ctx.servers.map((s) => s.name));
        return {
          checked: ctx.servers.length,
          findings: [{ server: ctx.servers[0]!.name, problem: 'backup-missing' }],
        };
      })
      .register('spdm-measurements', async () => {
        throw new Error('no ComponentIntegrity resource');
      });
    expect(() => registry.register('backup-slice', async () => ({ checked: 0, findings: [] }))).toThrow(
      /registered twice/,
    );
    const report = await runIntegrityChecks(await jobCtx(config), registry);
    expect(seen).toEqual([bed.fleet!.bmcs.map((b) => b.name)]);
    expect(report.outcome).toBe('partial');
    expect(report.summary).toBe('2 integrity checks: 1 problems found; 1 checks failed to run');
    expect(report.data?.['checks']).toEqual([
      {
        name: 'backup-slice',
        checked: 2,
        findings: 1,
        problems: [{ server: bed.fleet!.bmcs[0]!.name, problem: 'backup-missing' }],
      },
      {
        name: 'spdm-measurements',
        error: { code: 'FW_ERR_UNEXPECTED', message: 'no ComponentIntegrity resource' },
      },
    ]);
  });
});

describe('integrity-check with the backup slice (generic profile, slice path)', () => {
  let slice: Bed;
  let base: Parameters<Bed['config']>[0];
  beforeAll(async () => {
    slice = await daemonBed({ count: 1, vendors: ['generic'], seed: 5 }, 'warn');
    const installed = await writeInstalledCatalog({
      fleet: slice.fleet!,
      dir: join(slice.dir, 'catalog'),
      components: ['bmc', 'bios'],
    });
    base = {
      catalog: { source: installed.catalogFile, download: false },
      jobs: { 'integrity-check': { schedule: 'at 04:00' } },
    };
    const servers = await loadFleetFile(slice.fleetFile!);
    const [init] = await initFleet(
      {
        servers,
        store: await ImageStore.open(join(slice.dir, 'state', 'images')),
        state: await slice.store(),
        actor: 'test',
      },
      slice.deps,
    );
    expect(init?.init?.outcome).toBe('created');
  });
  afterAll(() => slice?.close());

  it('makes the missing copies (store and slice) and finds nothing wrong', async () => {
    const cfg = await slice.config(base);
    const result = await runJob('integrity-check', cfg, slice.deps);
    expect(result.outcome).toBe('ok');
    const [check] = (result.data?.['checks'] ?? []) as Array<Record<string, unknown>>;
    expect(check).toMatchObject({
      name: 'backup-slice',
      checked: 1,
      findings: 0,
      data: { copiesMade: 2, unprotected: 0, corrupted: 0, mechanisms: { 'sim-0001': 'slice' } },
    });
    const copies = (await (await slice.store()).journal({ server: 'sim-0001' })).filter(
      (e) => e.event === 'backup.copy',
    );
    expect(copies.length).toBeGreaterThanOrEqual(2);
  });

  it('reports a corrupted BIOS without touching it when autoRestore is off', async () => {
    slice.fleet!.bmcs[0]!.corrupt('bios', 'health-critical');
    const result = await runJob('integrity-check', await slice.config(base), slice.deps);
    expect(result.outcome).toBe('partial');
    const [check] = (result.data?.['checks'] ?? []) as Array<Record<string, unknown>>;
    expect(check?.['problems']).toEqual([
      {
        server: 'sim-0001',
        problem: 'image-corrupt',
        detail: expect.stringMatching(/Status\.Health is Critical/),
      },
    ]);
    expect(slice.fleet!.bmcs[0]!.corruptions).toHaveLength(1);
  });

  it('restores it when backup.autoRestore is on, verified by reading the inventory back', async () => {
    const result = await runJob(
      'integrity-check',
      await slice.config({ ...base, backup: { autoRestore: true } }),
      slice.deps,
    );
    expect(result.outcome).toBe('ok');
    expect(result.summary).toBe('1 integrity checks: 0 problems found; 1 repaired');
    const [check] = (result.data?.['checks'] ?? []) as Array<Record<string, unknown>>;
    expect(check?.['problems']).toEqual([
      {
        server: 'sim-0001',
        problem: 'restored',
        detail: expect.stringMatching(/restore from slice: verified/),
      },
    ]);
    expect(slice.fleet!.bmcs[0]!.corruptions).toEqual([]);
    const [server] = await loadFleetFile(slice.fleetFile!);
    const client = new RedfishClient(server!.client, slice.deps);
    try {
      const inv = await scanServer(client, server!, systemClock);
      expect(inv.components.find((c) => c.kind === 'bios')).toMatchObject({ health: 'OK', state: 'Enabled' });
    } finally {
      await client.close();
    }
  });
});

/** integrity-check: honest about having no checker, and a registry that runs what is registered. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrityCheckRegistry } from '../../src/daemon/integrity-checks.ts';
import type { JobContext } from '../../src/daemon/job-context.ts';
import { runIntegrityChecks } from '../../src/daemon/jobs/integrity-check.ts';
import type { DaemonConfig } from '../../src/daemon/load-config.ts';
import { runJob } from '../../src/daemon/run-job.ts';
import { type Bed, daemonBed, dataOf, entries } from './helpers.ts';

let bed: Bed;
let config: DaemonConfig;
beforeAll(async () => {
  bed = await daemonBed({ count: 2, vendors: ['lenovo', 'openbmc'], seed: 2 });
  config = await bed.config({ jobs: { 'integrity-check': { schedule: 'at 04:00' } } });
});
afterAll(() => bed?.close());

describe('integrity-check', () => {
  it('records that no checker is configured, and claims nothing about the fleet', async () => {
    const result = await runJob('integrity-check', config, bed.deps);
    expect(result).toMatchObject({
      outcome: 'skipped',
      summary: 'skipped: no integrity checker is configured',
      data: { reason: 'no integrity checker is configured', checks: [] },
    });
    const [entry] = await entries(await bed.store(), 'job-integrity-check');
    expect(dataOf(entry)).toMatchObject({ outcome: 'skipped', reason: 'no integrity checker is configured' });
    expect(dataOf(entry)['findings']).toBeUndefined();
  });

  it('runs every registered check over the fleet; one failing check does not stop the others', async () => {
    const store = await bed.store();
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
    const ctx: JobContext = {
      name: 'integrity-check',
      config,
      deps: bed.deps,
      store,
      actor: 'test',
      runId: 'r1',
      signal: new AbortController().signal,
    };
    const report = await runIntegrityChecks(ctx, registry);
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

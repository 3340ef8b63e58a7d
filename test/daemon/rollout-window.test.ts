/**
 * rollout-window against a simulated fleet: outside the window nothing is created; inside, the
 * rollout is created once and driven to completion with the images catalog-watch downloaded;
 * later runs find it by spec file and name and have nothing left to do.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runJob } from '../../src/daemon/run-job.ts';
import { writeSimulatedCatalog } from '../../src/simulator/index.ts';
import { type Bed, daemonBed, dataOf, entries } from './helpers.ts';

/** Local "HH:MM" `minutes` from now (windows are in the local time of the process). */
function hhmm(minutes: number): string {
  const d = new Date(Date.now() + minutes * 60_000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

let bed: Bed;
beforeAll(async () => {
  bed = await daemonBed({ count: 2, vendors: ['generic', 'dell'], seed: 9 });
  await writeSimulatedCatalog({
    fleet: bed.fleet!,
    dir: join(bed.dir, 'catalog'),
    components: ['bmc', 'bios'],
  });
});
afterAll(() => bed?.close());

async function spec(file: string, name: string, window: { start: string; durationMinutes: number }) {
  await writeFile(
    join(bed.dir, file),
    stringify({
      version: 1,
      name,
      fleet: 'fleet.yaml',
      catalog: 'catalog/catalog.yaml',
      windows: [window],
      waves: { canary: 1, batch: 1 },
      update: { timeouts: { taskMs: 15_000, bmcRebootMs: 10_000, hostResetMs: 5_000, pollMs: 25 } },
    }),
  );
}

describe('rollout-window', () => {
  it('creates nothing outside the window and says when it opens', async () => {
    await spec('later.yaml', 'later', { start: hhmm(180), durationMinutes: 30 });
    const config = await bed.config({ rollout: { spec: 'later.yaml' }, jobs: {} }, 'later-daemon.yaml');
    const result = await runJob('rollout-window', config, bed.deps);
    expect(result.outcome).toBe('ok');
    expect(result.summary).toMatch(
      /^outside the maintenance window; next opens .*; rollout not created yet$/,
    );
    expect(result.data).toMatchObject({ window: 'closed', nextOpening: expect.any(String) });
    expect(await (await bed.store()).listRollouts()).toEqual([]);
  });

  it('creates the rollout once inside the window, drives it to completion, then finds it again', async () => {
    await spec('rollout.yaml', 'tonight', { start: hhmm(-5), durationMinutes: 120 });
    const config = await bed.config({
      catalog: { source: 'catalog/catalog.yaml' },
      rollout: { spec: 'rollout.yaml' },
      jobs: {},
    });
    // The images the rollout pushes come from the watch, into <stateDir>/images where rollouts look.
    expect((await runJob('catalog-watch', config, bed.deps)).outcome).toBe('ok');

    const first = await runJob('rollout-window', config, bed.deps);
    expect(first.outcome, first.summary).toBe('ok');
    expect(first.data).toMatchObject({ status: 'completed', servers: { done: 2 } });
    const store = await bed.store();
    const rollouts = await store.listRollouts();
    expect(rollouts).toHaveLength(1);
    const id = rollouts[0]!.id;
    expect(first.data?.['rollout']).toBe(id);
    const created = (await entries(store, 'rollout-created'))[0];
    expect(created?.rolloutId).toBe(id);
    expect(created?.actor).toMatch(/^daemon:\d+@/);
    // The job's own entry is filed under the rollout too.
    const jobEntries = (await store.journal({ rolloutId: id })).filter(
      (e) => e.event === 'job-rollout-window',
    );
    expect(dataOf(jobEntries[0])['outcome']).toBe('ok');

    const again = await runJob('rollout-window', config, bed.deps);
    expect(again.summary).toBe(`rollout ${id} is completed; nothing to do`);
    expect(await store.listRollouts()).toHaveLength(1);
  });

  it('leaves a paused rollout alone', async () => {
    const config = await bed.config({ rollout: { spec: 'rollout.yaml' }, jobs: {} }, 'paused-daemon.yaml');
    const store = await bed.store();
    const [rollout] = await store.listRollouts();
    await store.setRolloutStatus(rollout!.id, ['completed'], 'paused', 'operator hold');
    const result = await runJob('rollout-window', config, bed.deps);
    expect(result.summary).toBe(
      `rollout ${rollout!.id} is paused (operator hold); the daemon does not resume paused rollouts`,
    );
    expect(result.outcome).toBe('partial');
    expect((await store.getRollout(rollout!.id))?.status).toBe('paused');
  });
});

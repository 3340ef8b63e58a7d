/**
 * A host reset is a production outage: `rollout resume` resets a host only when the BMC still
 * holds an image staged. A driver that died after its own host reset began (journal: intents, a
 * host-reset-intent, nothing after) left nothing staged: resume verifies, it does not reset again.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageStore } from '../../src/catalog/index.ts';
import { startImageServer } from '../../src/executor/image-server.ts';
import type { Journal, JournalInput } from '../../src/executor/journal.ts';
import { updateServer } from '../../src/executor/update-server.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import { sweepFleet } from '../../src/inventory/sweep.ts';
import { plan } from '../../src/planner/index.ts';
import { createRollout } from '../../src/rollout/create.ts';
import { driveRollout } from '../../src/rollout/driver.ts';
import { loadSpec } from '../../src/rollout/spec.ts';
import type { SimVendor } from '../../src/simulator/index.ts';
import { StoreJournal } from '../../src/store/store-journal.ts';
import { rolloutBed } from './helpers.ts';

/** An actor whose process is gone (a pid that has exited, on this host). */
function deadActor(): string {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  return `cli:${pid}@${hostname()}`;
}

const resets = (intervals: ReadonlyArray<{ reasons: string[] }>) =>
  intervals.filter((i) => i.reasons.includes('host-reset')).length;

describe.each<SimVendor>(['dell', 'openbmc'])('%s: resume after the dead driver reset the host', (vendor) => {
  let bed: Awaited<ReturnType<typeof rolloutBed>>;
  beforeAll(async () => {
    bed = await rolloutBed({ sim: { count: 1, vendors: [vendor], seed: 4 }, components: ['bios'] });
  }, 60_000);
  afterAll(() => bed?.close());

  it('does not reset the host a second time', async () => {
    const loaded = await loadSpec(bed.specFile);
    const rollout = await createRollout(bed.store, loaded, { id: 'once' });
    const dead = deadActor();
    await bed.store.setRolloutStatus(rollout.id, ['pending'], 'running');
    const [claimed] = await bed.store.claimServers(rollout.id, dead, { limit: 1, maxUnavailable: 1 });
    expect(claimed?.server).toBe('sim-0001');
    await bed.store.setServerStep(rollout.id, 'sim-0001', ['claimed'], 'drained');
    await bed.store.setServerStep(rollout.id, 'sim-0001', ['drained'], 'updating');

    // The dead driver's update: staged, host reset done on the BMC, but the process died before
    // it could journal the reset's end or any outcome.
    const store = new StoreJournal(bed.store, { actor: dead, rolloutId: rollout.id });
    const dying: Journal = {
      append: (e: JournalInput) =>
        e.event === 'host-reset' || e.event === 'outcome' ? Promise.resolve() : store.append(e),
    };
    const servers = await loadFleetFile(join(bed.dir, 'fleet.yaml'));
    const fleetPlan = plan(await sweepFleet(servers, bed.deps), bed.catalog, {});
    const images = await ImageStore.open(join(bed.stateDir, 'images'));
    const imageServer = await startImageServer({ store: images }, bed.deps);
    try {
      const report = await updateServer(servers[0] as never, fleetPlan.servers[0] as never, bed.deps, {
        store: images,
        journal: dying,
        imageServer: Object.assign(imageServer, { scheme: 'http' as const }),
        timeouts: { taskMs: 15_000, bmcRebootMs: 10_000, hostResetMs: 5_000, pollMs: 25 },
      });
      expect(report.hostReset).toBeDefined();
    } finally {
      await imageServer.close();
    }
    const bmc = bed.fleet.bmcs[0] as (typeof bed.fleet.bmcs)[number];
    expect(resets(bmc.availability.intervals)).toBe(1);

    const done = await driveRollout(rollout.id, bed.deps, { store: bed.store, stateDir: bed.stateDir });
    expect(done.status).toBe('completed');
    expect((await bed.store.rolloutServers(rollout.id))[0]?.step).toBe('done');
    expect(resets(bmc.availability.intervals)).toBe(1);
    expect(bmc.updateHistory.filter((h) => h.outcome === 'installed')).toHaveLength(1);
    expect(bmc.stats.openSessions).toBe(0);
  }, 60_000);
});

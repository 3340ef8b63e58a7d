/**
 * Rollouts over real sockets against the simulator: a mixed fleet of 50, failures injected, the
 * simulator's own count of hosts out of service at once held against the policy; resume after a
 * failure budget pause; a second driver refused; completion by itself with the acting version at
 * target on every component line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRollout } from '../../src/rollout/create.ts';
import { driveRollout } from '../../src/rollout/driver.ts';
import { loadSpec } from '../../src/rollout/spec.ts';
import { rolloutBed } from './helpers.ts';

const VENDORS = ['generic', 'dell', 'hpe', 'lenovo', 'supermicro', 'openbmc'] as const;

describe('a rollout of 50 mixed servers with injected failures', () => {
  let bed: Awaited<ReturnType<typeof rolloutBed>>;
  const failing = ['sim-0007', 'sim-0020', 'sim-0033'];
  beforeAll(async () => {
    bed = await rolloutBed({
      sim: { count: 50, vendors: [...VENDORS], seed: 11 },
      spec: { waves: { canary: 2, batch: 12 }, maxUnavailable: 4, perLabel: { rack: 2 }, failureBudget: 5 },
    });
    for (const name of failing)
      bed.fleet.bmc(name).setUpdateFaults({ nextUpdateOnly: { applyFailed: true } });
    bed.fleet.availability.reset();
  }, 60_000);
  afterAll(() => bed?.close());

  it('never has more servers out than allowed, pauses with the failures named, then completes on retry', async () => {
    const loaded = await loadSpec(bed.specFile);
    const rollout = await createRollout(bed.store, loaded, { id: 'r50' });
    const seenInFlight: number[] = [];
    const first = await driveRollout(rollout.id, bed.deps, {
      store: bed.store,
      stateDir: bed.stateDir,
      onEvent: async () => {
        const servers = await bed.store.rolloutServers('r50');
        seenInFlight.push(
          servers.filter((s) => ['claimed', 'drained', 'updating', 'verifying'].includes(s.step)).length,
        );
      },
    });
    // The simulator's own count of hosts powered off / resetting / BMC rebooting at once.
    expect(bed.fleet.availability.peak).toBeGreaterThan(0);
    expect(bed.fleet.availability.peak).toBeLessThanOrEqual(4);
    expect(Math.max(...seenInFlight)).toBeLessThanOrEqual(4);
    // Per rack: no more than 2 of one rack out at once, from each BMC's availability intervals.
    const intervals = bed.fleet.bmcs.flatMap((b) =>
      b.availability.intervals.map((iv) => ({
        rack: rackOf(b.name),
        start: iv.start,
        end: iv.end ?? Date.now(),
      })),
    );
    for (const iv of intervals) {
      const overlapping = intervals.filter(
        (o) => o.rack === iv.rack && o.start <= iv.start && o.end > iv.start,
      );
      expect(overlapping.length).toBeLessThanOrEqual(2);
    }

    expect(first.status).toBe('paused');
    const servers = await bed.store.rolloutServers('r50');
    expect(
      servers
        .filter((s) => s.step === 'failed')
        .map((s) => s.server)
        .sort(),
    ).toEqual(failing);
    expect(servers.filter((s) => s.step === 'done')).toHaveLength(47);
    expect(first.note).toMatch(/3 servers failed/);

    // The faults were one-shot: retry the failed servers and the rollout completes by itself.
    for (const s of failing) await bed.store.setServerStep('r50', s, ['failed'], 'pending');
    const second = await driveRollout('r50', bed.deps, { store: bed.store, stateDir: bed.stateDir });
    expect(second.status).toBe('completed');
    const acting = await bed.store.actingVersions('r50');
    expect(acting.length).toBeGreaterThan(0);
    expect(acting.every((a) => a.converged && a.lowest === a.target)).toBe(true);
    // Every image was installed exactly once per component: nothing applied twice.
    for (const b of bed.fleet.bmcs) {
      const installs = b.updateHistory
        .filter((h) => h.outcome === 'installed')
        .flatMap((h) => h.targets.map((t) => t.uri));
      expect(new Set(installs).size, b.name).toBe(installs.length);
    }
    const journal = await bed.store.journal({ rolloutId: 'r50' });
    expect(journal.some((j) => j.event === 'rollout-completed')).toBe(true);
    expect(bed.fleet.bmcs.reduce((n, b) => n + b.stats.openSessions, 0)).toBe(0);
  }, 240_000);
});

describe('guard rails', () => {
  let bed: Awaited<ReturnType<typeof rolloutBed>>;
  beforeAll(async () => {
    bed = await rolloutBed({
      sim: { count: 4, vendors: ['generic', 'dell'], seed: 3 },
      spec: { failureBudget: 1 },
    });
  }, 60_000);
  afterAll(() => bed?.close());

  it('refuses a second driver while the lease is held', async () => {
    const r = await createRollout(bed.store, await loadSpec(bed.specFile), { id: 'guard' });
    await bed.store.acquireLease(`rollout:${r.id}`, 'cli:other@elsewhere', 60_000);
    await expect(
      driveRollout(r.id, bed.deps, { store: bed.store, stateDir: bed.stateDir }),
    ).rejects.toMatchObject({
      code: 'FW_ERR_ROLLOUT_LOCKED',
      message: expect.stringContaining('cli:other@elsewhere'),
    });
    await bed.store.releaseLease(`rollout:${r.id}`, 'cli:other@elsewhere');
  });

  it('pauses when the failure budget is spent and starts nothing more', async () => {
    for (const b of bed.fleet.bmcs) b.setUpdateFaults({ nextUpdateOnly: { verificationFailed: true } });
    const r = await createRollout(bed.store, await loadSpec(bed.specFile), { id: 'budget' });
    const done = await driveRollout(r.id, bed.deps, { store: bed.store, stateDir: bed.stateDir });
    expect(done.status).toBe('paused');
    expect(done.note).toMatch(/failure budget spent/);
    const servers = await bed.store.rolloutServers(r.id);
    // Canary failed: nothing else was started.
    expect(servers.filter((s) => s.step === 'failed')).toHaveLength(1);
    expect(servers.filter((s) => s.step === 'pending')).toHaveLength(3);
  });
});

function rackOf(name: string): string {
  // simLabels: racks of 16 servers; the exact value only has to be consistent.
  return String(Math.floor((Number(name.slice(4)) - 1) / 16));
}

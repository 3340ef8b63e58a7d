/**
 * Three firmwarden instances, each its own process, share one rollout through one PostgreSQL
 * schema and update one simulated fleet. The simulator's own count of hosts out of service holds
 * the limits fleet-wide; killing the coordinator with SIGKILL mid-rollout hands coordination and
 * its servers over within the lease TTL, and the rollout completes; no component receives an
 * image twice (the BMCs' update history) and every server is done exactly once (the journal).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RolloutServerRecord } from '../../src/store/types.ts';
import { describePostgres } from '../store/backends.ts';
import { clusterBed, installedTwice, until } from './helpers.ts';

const VENDORS = ['generic', 'dell', 'hpe', 'openbmc'] as const;
const IN_FLIGHT = ['claimed', 'drained', 'updating', 'verifying'];
const TTL_MS = 3_000;

type Bed = Awaited<ReturnType<typeof clusterBed>>;

/** Every server reached done exactly once, by the journal. */
async function doneOnce(bed: Bed, id: string) {
  const journal = await bed.store.journal({ rolloutId: id });
  const done = journal.filter((j) => j.event === 'step-done');
  const servers = await bed.store.rolloutServers(id);
  for (const s of servers)
    expect(
      done.filter((d) => d.server === s.server),
      s.server,
    ).toHaveLength(1);
  return { journal, done, servers };
}

/** Samples the servers in flight (all holders) while the rollout runs; returns the samples. */
function sampleInFlight(bed: Bed, id: string) {
  const samples: RolloutServerRecord[][] = [];
  let on = true;
  const loop = (async () => {
    while (on) {
      samples.push((await bed.store.rolloutServers(id)).filter((s) => IN_FLIGHT.includes(s.step)));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    samples,
    stop: async () => {
      on = false;
      await loop;
    },
  };
}

describePostgres('three instances share one rollout', () => {
  let bed: Bed;
  beforeAll(async () => {
    bed = await clusterBed({
      id: 'shared',
      sim: { count: 12, vendors: [...VENDORS], seed: 21 },
      spec: { waves: { canary: 1, batch: 11 }, maxUnavailable: 3, perLabel: { role: 2 }, failureBudget: 3 },
    });
  }, 60_000);
  afterAll(() => bed?.close());

  it('keeps maxUnavailable and perLabel fleet-wide, honours affinity, and completes', async () => {
    // Two instances for compute nodes, one for storage nodes (every 4th): affinity by label.
    const a = bed.start('a', { labels: { role: 'compute' } });
    const b = bed.start('b', { labels: { role: 'compute' } });
    const c = bed.start('c', { labels: { role: 'storage' } });
    const sampler = sampleInFlight(bed, 'shared');
    const exits = await Promise.all([a, b, c].map((i) => i.exited));
    await sampler.stop();
    expect(
      exits.map((e) => e.code),
      [a, b, c].map((i) => i.stderr).join('\n'),
    ).toEqual([0, 0, 0]);
    expect((await bed.store.getRollout('shared'))?.status).toBe('completed');

    // Each instance would take up to 3 alone: together they never had more than 3 out.
    expect(bed.fleet.availability.peak).toBeGreaterThan(0);
    expect(bed.fleet.availability.peak).toBeLessThanOrEqual(3);
    expect(Math.max(...sampler.samples.map((s) => s.length))).toBeLessThanOrEqual(3);
    for (const s of sampler.samples) {
      expect(s.filter((r) => r.labels['role'] === 'compute').length).toBeLessThanOrEqual(2);
    }
    // Per role, from the BMCs' own availability intervals.
    const intervals = bed.fleet.bmcs.flatMap((bmc, i) =>
      bmc.availability.intervals.map((iv) => ({
        role: i % 4 === 3 ? 'storage' : 'compute',
        start: iv.start,
        end: iv.end ?? Date.now(),
      })),
    );
    for (const iv of intervals) {
      const overlapping = intervals.filter(
        (o) => o.role === iv.role && o.start <= iv.start && o.end > iv.start,
      );
      expect(overlapping.length).toBeLessThanOrEqual(2);
    }

    const { done, servers } = await doneOnce(bed, 'shared');
    // Work was shared, and each server went to an instance whose affinity matches it.
    const byActor = new Map(done.map((d) => [d.server as string, d.actor]));
    expect(new Set(byActor.values()).size).toBeGreaterThanOrEqual(2);
    for (const s of servers) {
      const expected = s.labels['role'] === 'storage' ? ['instance-c'] : ['instance-a', 'instance-b'];
      expect(expected, s.server).toContain(byActor.get(s.server));
      expect(expected, s.server).toContain(s.holder);
    }
    expect(installedTwice(bed.fleet.bmcs)).toEqual([]);
    const acting = await bed.store.actingVersions('shared');
    expect(acting.length).toBeGreaterThan(0);
    expect(acting.every((l) => l.converged && l.lowest === l.target)).toBe(true);
    expect(await bed.store.instances()).toEqual([]);
  }, 120_000);
});

describePostgres('the coordinator killed mid-rollout', () => {
  let bed: Bed;
  beforeAll(async () => {
    bed = await clusterBed({
      id: 'failover',
      sim: { count: 10, vendors: [...VENDORS], seed: 33 },
      spec: { waves: { canary: 1, batch: 9 }, maxUnavailable: 3, failureBudget: 3 },
    });
  }, 60_000);
  afterAll(() => bed?.close());

  it('hands over within the lease TTL; the rollout completes, nothing applied twice, each server done once', async () => {
    // One server each at a time: every instance, the coordinator too, soon has one in flight.
    const all = ['a', 'b', 'c'].map((n) => bed.start(n, { ttlMs: TTL_MS, maxServers: 1 }));
    // The coordinator, once it is updating a server of its own (mid-rollout, work in flight).
    const coordinator = await until('the coordinator updating a server', async () => {
      const journal = await bed.store.journal({ rolloutId: 'failover' });
      const holder = journal.find((j) => j.event === 'coordinator')?.actor;
      const servers = await bed.store.rolloutServers('failover');
      const busy = servers.some((s) => s.holder === holder && ['updating', 'verifying'].includes(s.step));
      return busy && servers.some((s) => s.step === 'pending')
        ? all.find((i) => i.actor === holder)
        : undefined;
    });
    // Its BMCs answer slowly from here on, so its work is still in flight when it dies.
    const held = (await bed.store.rolloutServers('failover'))
      .filter((s) => s.holder === coordinator.actor && IN_FLIGHT.includes(s.step))
      .map((s) => s.server);
    const slowed = bed.fleet.bmcs.filter((b) => held.includes(b.name));
    for (const b of slowed) b.setFaults({ latencyMs: 2_000 });
    const killedAt = Date.now();
    await coordinator.kill();
    for (const b of slowed) b.setFaults({ latencyMs: 0 });
    // What the dead process left in flight, read once it is gone: what the survivors must adopt.
    const orphaned = (await bed.store.rolloutServers('failover'))
      .filter((s) => s.holder === coordinator.actor && IN_FLIGHT.includes(s.step))
      .map((s) => s.server);

    const survivors = all.filter((i) => i !== coordinator);
    const exits = await Promise.all(survivors.map((i) => i.exited));
    expect(
      exits.map((e) => e.code),
      survivors.map((i) => i.stderr).join('\n'),
    ).toEqual([0, 0]);
    expect((await bed.store.getRollout('failover'))?.status).toBe('completed');

    const { journal, servers } = await doneOnce(bed, 'failover');
    // A survivor became coordinator, naming the dead one, after the kill and within the bound:
    // lease TTL + one idle poll (1 s), with wide slack for process scheduling on a busy CI machine
    // (measured 2.4 s with a 3 s TTL; this bounds it, it does not time it).
    const takeover = journal.find(
      (j) => j.event === 'coordinator' && j.actor !== coordinator.actor && Date.parse(j.at) >= killedAt,
    );
    expect(takeover?.data).toMatchObject({ from: coordinator.actor });
    expect(Date.parse(takeover?.at as string) - killedAt).toBeLessThan(TTL_MS + 1_000 + 10_000);
    // Its servers in flight were adopted by survivors and finished there.
    expect(orphaned.length).toBeGreaterThan(0);
    for (const server of orphaned) {
      const adopted = journal.filter((j) => j.event === 'server-adopted' && j.server === server);
      expect(adopted, server).toHaveLength(1);
      expect(adopted[0]?.data).toMatchObject({ from: coordinator.actor });
      expect(servers.find((s) => s.server === server)?.holder).not.toBe(coordinator.actor);
    }
    expect(installedTwice(bed.fleet.bmcs)).toEqual([]);
    expect(bed.fleet.availability.peak).toBeLessThanOrEqual(3);
    // The dead instance's heartbeat row remains (expired) for status views; survivors left cleanly.
    const rows = await bed.store.instances();
    expect(rows.map((r) => r.id)).toEqual([coordinator.actor]);
    expect(Date.parse(rows[0]?.expiresAt as string)).toBeLessThan(Date.now());
  }, 120_000);
});

/**
 * Work sharing: claims take the lowest unfinished wave within fleet-wide limits (all holders'
 * servers in flight count), follow label affinity, stop at the failure budget and outside a
 * running rollout; holders hand over by compare-and-set; instances heartbeat. Both backends.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimLimits, Store } from '../../src/store/types.ts';
import type { FakeClock } from '../helpers/fake-clock.ts';
import { describeBackends } from './backends.ts';

const racks = ['a', 'a', 'b', 'b', 'c', 'c'];
const fleet = [
  { server: 'canary', wave: 0, labels: { rack: 'a', site: 'fra' } },
  ...racks.map((rack, i) => ({
    server: `s${i}`,
    wave: 1,
    labels: { rack, site: i % 2 === 0 ? 'fra' : 'ams' },
  })),
];
const limits = (over: Partial<ClaimLimits> = {}): ClaimLimits => ({ limit: 10, maxUnavailable: 10, ...over });

describeBackends('claims', (backend) => {
  let store: Store;
  let clock: FakeClock;
  beforeEach(async () => {
    ({ store, clock } = await backend.open());
    await store.createRollout({ id: 'ro', name: 'ro', spec: {}, servers: fleet });
    await store.setRolloutStatus('ro', ['pending'], 'running');
  });
  afterEach(() => store.close());

  const names = (rows: Array<{ server: string }>) => rows.map((r) => r.server);
  const finish = async (...servers: string[]) => {
    for (const s of servers) expect(await store.setServerStep('ro', s, ['claimed'], 'done')).toBe(true);
  };

  describe('claimServers', () => {
    it('claims the canary wave first, then the next wave once it is finished', async () => {
      const first = await store.claimServers('ro', 'i1', limits());
      expect(first).toEqual([
        expect.objectContaining({ server: 'canary', step: 'claimed', attempts: 1, holder: 'i1' }),
      ]);
      expect(await store.claimServers('ro', 'i2', limits())).toEqual([]);
      await finish('canary');
      expect(names(await store.claimServers('ro', 'i2', limits({ limit: 2 })))).toEqual(['s0', 's1']);
      const rows = await store.rolloutServers('ro');
      expect(rows.filter((r) => r.holder === 'i2').map((r) => r.server)).toEqual(['s0', 's1']);
    });

    it('counts every holder against maxUnavailable', async () => {
      await finish(...names(await store.claimServers('ro', 'i1', limits())));
      expect(await store.claimServers('ro', 'i1', limits({ maxUnavailable: 3, limit: 2 }))).toHaveLength(2);
      expect(names(await store.claimServers('ro', 'i2', limits({ maxUnavailable: 3 })))).toEqual(['s2']);
      expect(await store.claimServers('ro', 'i3', limits({ maxUnavailable: 3 }))).toEqual([]);
      await finish('s0');
      expect(names(await store.claimServers('ro', 'i3', limits({ maxUnavailable: 3 })))).toEqual(['s3']);
    });

    it('holds perLabel over every holder', async () => {
      await finish(...names(await store.claimServers('ro', 'i1', limits())));
      expect(
        names(await store.claimServers('ro', 'i1', limits({ perLabel: { rack: 1 }, limit: 1 }))),
      ).toEqual(['s0']);
      // s1 shares rack a with s0 (held by i1): i2 gets the next rack instead.
      expect(names(await store.claimServers('ro', 'i2', limits({ perLabel: { rack: 1 } })))).toEqual([
        's2',
        's4',
      ]);
    });

    it('follows label affinity, while the wave order stays fleet-wide', async () => {
      // The canary is in fra: an ams instance waits for it rather than start wave 1.
      expect(await store.claimServers('ro', 'ams-1', limits({ affinity: { site: 'ams' } }))).toEqual([]);
      await finish(...names(await store.claimServers('ro', 'fra-1', limits({ affinity: { site: 'fra' } }))));
      expect(names(await store.claimServers('ro', 'ams-1', limits({ affinity: { site: 'ams' } })))).toEqual([
        's1',
        's3',
        's5',
      ]);
      expect(
        names(await store.claimServers('ro', 'x', limits({ affinity: { site: ['fra', 'ber'] } }))),
      ).toEqual(['s0', 's2', 's4']);
    });

    it('claims nothing once the failure budget is spent, or unless the rollout is running', async () => {
      await store.claimServers('ro', 'i1', limits());
      await store.setServerStep('ro', 'canary', ['claimed'], 'failed');
      expect(await store.claimServers('ro', 'i1', limits({ failureBudget: 1 }))).toEqual([]);
      await store.setServerStep('ro', 'canary', ['failed'], 'done');
      await store.setRolloutStatus('ro', ['running'], 'paused');
      expect(await store.claimServers('ro', 'i1', limits())).toEqual([]);
      expect(await store.claimServers('nope', 'i1', limits())).toEqual([]);
    });

    it.each([
      ['a negative limit', { limit: -1 }],
      ['a fractional maxUnavailable', { maxUnavailable: 1.5 }],
      ['a perLabel that is not a count', { perLabel: { rack: Number.NaN } }],
    ])('refuses %s with FW_ERR_STORE_INPUT', async (_, over) => {
      await expect(store.claimServers('ro', 'i1', limits(over))).rejects.toMatchObject({
        code: 'FW_ERR_STORE_INPUT',
      });
    });

    it('of concurrent claims, the limits still hold and no server is claimed twice', async () => {
      await finish(...names(await store.claimServers('ro', 'i0', limits())));
      const got = await Promise.all(
        ['i1', 'i2', 'i3', 'i4'].map((i) => store.claimServers('ro', i, limits({ maxUnavailable: 3 }))),
      );
      const all = got.flat().map((r) => r.server);
      expect(all).toHaveLength(3);
      expect(new Set(all).size).toBe(3);
    });
  });

  describe('setServerHolder', () => {
    it('hands a server over only from the expected holder', async () => {
      await store.claimServers('ro', 'dead', limits());
      expect(await store.setServerHolder('ro', 'canary', 'other', 'me')).toBe(false);
      expect(await store.setServerHolder('ro', 'canary', 'dead', 'me')).toBe(true);
      expect(await store.setServerHolder('ro', 'canary', 'dead', 'you')).toBe(false);
      expect((await store.rolloutServers('ro')).find((r) => r.server === 'canary')?.holder).toBe('me');
      // Never claimed: null matches.
      expect(await store.setServerHolder('ro', 's0', null, 'me')).toBe(true);
    });
  });

  describe('instances', () => {
    it('records heartbeats until now + ttl, renews them, lists and removes them', async () => {
      const start = clock.now();
      const row = await store.heartbeat({ id: 'daemon:1@a', name: 'fra-a', labels: { site: 'fra' } }, 15_000);
      expect(row).toEqual({
        id: 'daemon:1@a',
        name: 'fra-a',
        labels: { site: 'fra' },
        startedAt: new Date(start).toISOString(),
        seenAt: new Date(start).toISOString(),
        expiresAt: new Date(start + 15_000).toISOString(),
      });
      await clock.sleep(5_000);
      const renewed = await store.heartbeat(
        { id: 'daemon:1@a', name: 'fra-a', labels: { site: 'fra' } },
        15_000,
      );
      expect(renewed.startedAt).toBe(row.startedAt);
      expect(renewed.expiresAt).toBe(new Date(start + 20_000).toISOString());
      await store.heartbeat({ id: 'daemon:2@b', name: 'ams-a', labels: {} }, 15_000);
      expect((await store.instances()).map((i) => i.name)).toEqual(['ams-a', 'fra-a']);
      await store.leaveCluster('daemon:2@b');
      expect((await store.instances()).map((i) => i.id)).toEqual(['daemon:1@a']);
    });

    it('prunes rows dead for more than a day on the next heartbeat', async () => {
      await store.heartbeat({ id: 'old', name: 'old', labels: {} }, 1_000);
      await clock.sleep(25 * 60 * 60 * 1000);
      await store.heartbeat({ id: 'new', name: 'new', labels: {} }, 1_000);
      expect((await store.instances()).map((i) => i.id)).toEqual(['new']);
    });
  });
});

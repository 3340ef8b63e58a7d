/** Leases: exclusive until expiry on the injected clock, renewable by the holder, released only by it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import type { FakeClock } from '../helpers/fake-clock.ts';
import { describeBackends } from './backends.ts';

describeBackends('store leases and cursors', (backend) => {
  let store: Store;
  let clock: FakeClock;
  beforeEach(async () => ({ store, clock } = await backend.open()));
  afterEach(() => store.close());

  const T0 = Date.parse('2026-11-22T03:00:00Z');
  const at = (ms: number) => new Date(T0 + ms).toISOString();

  describe('leases', () => {
    it('takes a free lease until now + ttl', async () => {
      expect(await store.acquireLease('rollout:ro-1', 'cli:1@a', 30_000)).toEqual({
        name: 'rollout:ro-1',
        holder: 'cli:1@a',
        expiresAt: at(30_000),
      });
    });

    it("refuses another holder until expiry, returning the holder's lease unchanged", async () => {
      await store.acquireLease('rollout:ro-1', 'cli:1@a', 30_000);
      await clock.sleep(29_999);
      expect(await store.acquireLease('rollout:ro-1', 'daemon:2@a', 60_000)).toEqual({
        name: 'rollout:ro-1',
        holder: 'cli:1@a',
        expiresAt: at(30_000),
      });
      await clock.sleep(1);
      expect(await store.acquireLease('rollout:ro-1', 'daemon:2@a', 60_000)).toEqual({
        name: 'rollout:ro-1',
        holder: 'daemon:2@a',
        expiresAt: at(90_000),
      });
    });

    it('renews for the same holder: expiry moves to now + ttl', async () => {
      await store.acquireLease('job:sync', 'cli:1@a', 30_000);
      await clock.sleep(20_000);
      expect((await store.acquireLease('job:sync', 'cli:1@a', 30_000)).expiresAt).toBe(at(50_000));
      await clock.sleep(25_000);
      // Renewed at 20 s until 50 s: at 45 s, past the first expiry (30 s), another holder is refused.
      expect((await store.acquireLease('job:sync', 'other', 30_000)).holder).toBe('cli:1@a');
    });

    it('renews even after expiry when nobody else took it', async () => {
      await store.acquireLease('job:sync', 'cli:1@a', 1_000);
      await clock.sleep(5_000);
      expect(await store.acquireLease('job:sync', 'cli:1@a', 1_000)).toMatchObject({
        holder: 'cli:1@a',
        expiresAt: at(6_000),
      });
    });

    it('keeps leases of different names apart', async () => {
      await store.acquireLease('a', 'one', 1_000);
      expect((await store.acquireLease('b', 'two', 1_000)).holder).toBe('two');
    });

    it('releases only for the holder', async () => {
      await store.acquireLease('rollout:ro-1', 'cli:1@a', 30_000);
      await store.releaseLease('rollout:ro-1', 'daemon:2@a');
      expect((await store.acquireLease('rollout:ro-1', 'daemon:2@a', 30_000)).holder).toBe('cli:1@a');
      await store.releaseLease('rollout:ro-1', 'cli:1@a');
      expect((await store.acquireLease('rollout:ro-1', 'daemon:2@a', 30_000)).holder).toBe('daemon:2@a');
      await store.releaseLease('never-held', 'cli:1@a');
    });

    it('lists leases by name prefix, expired ones included, without taking any', async () => {
      await store.acquireLease('rollout:b', 'one', 1_000);
      await store.acquireLease('rollout:a', 'two', 5_000);
      await store.acquireLease('job:x', 'three', 1_000);
      await clock.sleep(2_000);
      expect(await store.leases('rollout:')).toEqual([
        { name: 'rollout:a', holder: 'two', expiresAt: at(5_000) },
        { name: 'rollout:b', holder: 'one', expiresAt: at(1_000) },
      ]);
      expect((await store.leases()).map((l) => l.name)).toEqual(['job:x', 'rollout:a', 'rollout:b']);
      expect(await store.leases('none:')).toEqual([]);
    });

    it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a ttl of %s ms', async (ttl) => {
      await expect(store.acquireLease('a', 'one', ttl)).rejects.toMatchObject({ code: 'FW_ERR_STORE_INPUT' });
    });
  });

  describe('cursors', () => {
    it('starts at 0 and only moves forward', async () => {
      expect(await store.getCursor('events:webhook')).toBe(0);
      expect(await store.advanceCursor('events:webhook', 5)).toBe(5);
      expect(await store.advanceCursor('events:webhook', 3)).toBe(5);
      expect(await store.getCursor('events:webhook')).toBe(5);
      expect(await store.advanceCursor('events:webhook', 9)).toBe(9);
      expect(await store.getCursor('other')).toBe(0);
    });

    it('refuses a negative or fractional seq', async () => {
      await expect(store.advanceCursor('c', -1)).rejects.toThrow(/not a non-negative integer/);
      await expect(store.advanceCursor('c', 1.5)).rejects.toThrow(/not a non-negative integer/);
    });
  });
});

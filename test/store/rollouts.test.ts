/** Rollouts and their servers: atomic creation, compare-and-set status and steps, attempts. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutStatus, ServerStep, Store } from '../../src/store/types.ts';
import type { FakeClock } from '../helpers/fake-clock.ts';
import { describeBackends } from './backends.ts';

describeBackends('store rollouts', (backend) => {
  let store: Store;
  let clock: FakeClock;
  beforeEach(async () => ({ store, clock } = await backend.open()));
  afterEach(() => store.close());

  const servers: Array<{ server: string; wave: number; labels: Record<string, string> }> = [
    { server: 'r640-02', wave: 1, labels: { rack: 'a2' } },
    { server: 'r640-01', wave: 0, labels: { rack: 'a1', role: 'canary' } },
    { server: 'dl360-01', wave: 1, labels: {} },
  ];
  const create = (id = 'ro-1') =>
    store.createRollout({ id, name: 'bios 2.19', spec: { catalog: 'cat.xml', waves: [1, 10] }, servers });

  describe('createRollout / getRollout / listRollouts', () => {
    it('creates a pending rollout with pending servers, stamped by the clock', async () => {
      const r = await create();
      expect(r).toEqual({
        id: 'ro-1',
        name: 'bios 2.19',
        status: 'pending',
        spec: { catalog: 'cat.xml', waves: [1, 10] },
        createdAt: '2026-11-22T03:00:00.000Z',
        updatedAt: '2026-11-22T03:00:00.000Z',
      });
      expect(await store.getRollout('ro-1')).toEqual(r);
      const rows = await store.rolloutServers('ro-1');
      expect(rows.map((s) => [s.server, s.wave, s.step, s.attempts])).toEqual([
        ['r640-01', 0, 'pending', 0],
        ['dl360-01', 1, 'pending', 0],
        ['r640-02', 1, 'pending', 0],
      ]);
      expect(rows[0]?.labels).toEqual({ rack: 'a1', role: 'canary' });
      expect(rows[0]?.detail).toBeUndefined();
    });

    it('refuses a duplicate id with FW_ERR_STORE_CONFLICT and leaves the first untouched', async () => {
      await create();
      const err = await store
        .createRollout({
          id: 'ro-1',
          name: 'other',
          spec: {},
          servers: [{ server: 'x', wave: 0, labels: {} }],
        })
        .catch((e) => e);
      expect(err.code).toBe('FW_ERR_STORE_CONFLICT');
      expect((await store.getRollout('ro-1'))?.name).toBe('bios 2.19');
      expect((await store.rolloutServers('ro-1')).map((s) => s.server)).not.toContain('x');
    });

    it.each([
      ['a server listed twice', [servers[0], servers[0]], 'FW_ERR_STORE_INPUT'],
      ['a negative wave', [{ server: 'x', wave: -1, labels: {} }], 'FW_ERR_STORE_INPUT'],
      ['a fractional wave', [{ server: 'x', wave: 0.5, labels: {} }], 'FW_ERR_STORE_INPUT'],
      ['an empty server name', [servers[0], { server: '', wave: 0, labels: {} }], 'FW_ERR_STORE_INPUT'],
    ])('refuses %s and creates nothing (one transaction)', async (_, list, code) => {
      const err = await store
        .createRollout({ id: 'bad', name: 'bad', spec: {}, servers: list as typeof servers })
        .catch((e) => e);
      expect(err.code).toBe(code);
      expect(await store.getRollout('bad')).toBeUndefined();
      expect(await store.rolloutServers('bad')).toEqual([]);
    });

    it('refuses a spec that is not JSON-serializable', async () => {
      const spec: Record<string, unknown> = {};
      spec['self'] = spec;
      const err = await store.createRollout({ id: 'c', name: 'c', spec, servers: [] }).catch((e) => e);
      expect(err.code).toBe('FW_ERR_STORE_INPUT');
    });

    it('lists rollouts oldest first; an unknown id reads as undefined', async () => {
      await create('ro-b');
      clock.now = () => Date.parse('2026-11-23T03:00:00Z');
      await create('ro-a');
      expect((await store.listRollouts()).map((r) => r.id)).toEqual(['ro-b', 'ro-a']);
      expect(await store.getRollout('nope')).toBeUndefined();
    });
  });

  describe('setRolloutStatus (compare-and-set)', () => {
    it.each<[string, RolloutStatus[], RolloutStatus, boolean]>([
      ['pending → running from [pending]', ['pending'], 'running', true],
      ['pending → running from [pending, paused]', ['pending', 'paused'], 'running', true],
      ['refused from [running]', ['running'], 'paused', false],
      ['refused from []', [], 'running', false],
    ])('%s', async (_, from, to, changed) => {
      await create();
      clock.now = () => Date.parse('2026-11-22T04:00:00Z');
      expect(await store.setRolloutStatus('ro-1', from, to)).toBe(changed);
      const r = await store.getRollout('ro-1');
      expect(r?.status).toBe(changed ? to : 'pending');
      expect(r?.updatedAt).toBe(changed ? '2026-11-22T04:00:00.000Z' : '2026-11-22T03:00:00.000Z');
    });

    it('keeps the note with the status it explains and clears it on the next move', async () => {
      await create();
      await store.setRolloutStatus('ro-1', ['pending'], 'running');
      await store.setRolloutStatus('ro-1', ['running'], 'paused', 'failure budget spent: 2 of 2');
      expect((await store.getRollout('ro-1'))?.note).toBe('failure budget spent: 2 of 2');
      await store.setRolloutStatus('ro-1', ['paused'], 'running');
      expect((await store.getRollout('ro-1'))?.note).toBeUndefined();
    });

    it('of concurrent attempts from the same state, exactly one wins', async () => {
      await create();
      const tries = await Promise.all(
        (['running', 'aborted', 'paused', 'running'] as RolloutStatus[]).map((to) =>
          store.setRolloutStatus('ro-1', ['pending'], to),
        ),
      );
      expect(tries.filter(Boolean)).toHaveLength(1);
    });

    it('an unknown rollout changes nothing; an unknown status is FW_ERR_STORE_INPUT', async () => {
      expect(await store.setRolloutStatus('nope', ['pending'], 'running')).toBe(false);
      await create();
      const err = await store
        .setRolloutStatus('ro-1', ['pending'], 'finished' as RolloutStatus)
        .catch((e) => e);
      expect(err.code).toBe('FW_ERR_STORE_INPUT');
    });
  });

  describe('setServerStep (compare-and-set)', () => {
    it.each<[string, ServerStep[], ServerStep, boolean]>([
      ['pending → claimed from [pending]', ['pending'], 'claimed', true],
      ['pending → skipped from [pending, failed]', ['pending', 'failed'], 'skipped', true],
      ['refused from [claimed]', ['claimed'], 'drained', false],
    ])('%s', async (_, from, to, moved) => {
      await create();
      expect(await store.setServerStep('ro-1', 'r640-01', from, to)).toBe(moved);
      const rows = await store.rolloutServers('ro-1');
      expect(rows.find((s) => s.server === 'r640-01')?.step).toBe(moved ? to : 'pending');
      expect(rows.filter((s) => s.server !== 'r640-01').every((s) => s.step === 'pending')).toBe(true);
    });

    it('counts an attempt only when asked and only when the step moved', async () => {
      await create();
      const step = (from: ServerStep[], to: ServerStep, countAttempt: boolean) =>
        store.setServerStep('ro-1', 'r640-01', from, to, undefined, { countAttempt });
      const attempts = async () =>
        (await store.rolloutServers('ro-1')).find((s) => s.server === 'r640-01')?.attempts;

      expect(await step(['pending'], 'claimed', true)).toBe(true);
      expect(await attempts()).toBe(1);
      expect(await step(['pending'], 'claimed', true)).toBe(false);
      expect(await attempts()).toBe(1);
      expect(await step(['claimed'], 'failed', false)).toBe(true);
      expect(await step(['failed'], 'claimed', true)).toBe(true);
      expect(await attempts()).toBe(2);
    });

    it('replaces detail when given, keeps it when omitted, clears it with null', async () => {
      await create();
      const detail = async () =>
        (await store.rolloutServers('ro-1')).find((s) => s.server === 'r640-01')?.detail;
      await store.setServerStep('ro-1', 'r640-01', ['pending'], 'claimed');
      await store.setServerStep('ro-1', 'r640-01', ['claimed'], 'failed', { code: 'FW_ERR_TASK_FAILED' });
      expect(await detail()).toEqual({ code: 'FW_ERR_TASK_FAILED' });
      await store.setServerStep('ro-1', 'r640-01', ['failed'], 'claimed');
      expect(await detail()).toEqual({ code: 'FW_ERR_TASK_FAILED' });
      await store.setServerStep('ro-1', 'r640-01', ['claimed'], 'done', null);
      expect(await detail()).toBeUndefined();
    });

    it('stamps updatedAt from the clock on a move', async () => {
      await create();
      clock.now = () => Date.parse('2026-11-22T05:06:07Z');
      await store.setServerStep('ro-1', 'dl360-01', ['pending'], 'claimed');
      const rows = await store.rolloutServers('ro-1');
      expect(rows.find((s) => s.server === 'dl360-01')?.updatedAt).toBe('2026-11-22T05:06:07.000Z');
      expect(rows.find((s) => s.server === 'r640-01')?.updatedAt).toBe('2026-11-22T03:00:00.000Z');
    });

    it('of concurrent claims of one server, exactly one wins and one attempt is counted', async () => {
      await create();
      const tries = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.setServerStep('ro-1', 'r640-02', ['pending'], 'claimed', { by: i }, { countAttempt: true }),
        ),
      );
      expect(tries.filter(Boolean)).toHaveLength(1);
      const row = (await store.rolloutServers('ro-1')).find((s) => s.server === 'r640-02');
      expect(row?.attempts).toBe(1);
      expect(row?.detail).toEqual({ by: tries.indexOf(true) });
    });

    it('an unknown server or rollout does not move; an unknown step is FW_ERR_STORE_INPUT', async () => {
      await create();
      expect(await store.setServerStep('ro-1', 'nope', ['pending'], 'claimed')).toBe(false);
      expect(await store.setServerStep('nope', 'r640-01', ['pending'], 'claimed')).toBe(false);
      const err = await store
        .setServerStep('ro-1', 'r640-01', ['pending'], 'rebooting' as ServerStep)
        .catch((e) => e);
      expect(err.code).toBe('FW_ERR_STORE_INPUT');
    });
  });
});

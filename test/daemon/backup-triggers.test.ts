/** When integrity-check runs outside its schedule: after journalled changes, never lost while one runs. */
import { describe, expect, it } from 'vitest';
import { CHECK_AFTER_EVENTS, checkTrigger } from '../../src/daemon/backup-triggers.ts';
import { openStore } from '../../src/store/open-store.ts';

async function bed() {
  const store = await openStore({ sqlite: ':memory:' }, { clock: { now: Date.now, sleep: async () => {} } });
  const started: string[] = [];
  let running = false;
  const start0 = await store.append({ actor: 'daemon:1@h', event: 'daemon-start' });
  const trigger = checkTrigger({
    store,
    afterSeq: start0,
    running: () => running,
    start: (reason) => {
      started.push(reason);
      running = true;
    },
  });
  return { store, started, trigger, finish: () => (running = false) };
}

describe('checkTrigger', () => {
  it('asks for a check after each change event, and not for other entries', async () => {
    const b = await bed();
    await b.store.append({ actor: 'x', event: 'job-inventory-scan' });
    await b.trigger.poll();
    expect(b.started).toEqual([]);
    await b.store.append({ actor: 'x', server: 's1', event: 'update-verified' });
    await b.trigger.poll();
    expect(b.started).toEqual(['update-verified on s1']);
    b.finish();
    // Seen once: polling again without a new change starts nothing.
    await b.trigger.poll();
    expect(b.started).toHaveLength(1);
    expect([...CHECK_AFTER_EVENTS]).toEqual(
      expect.arrayContaining(['step-done', 'host-reset', 'reset-observed', 'update-verified']),
    );
  });

  it('a change seen while a check runs starts another when it ends', async () => {
    const b = await bed();
    b.trigger.request('daemon start-up');
    await b.store.append({ actor: 'x', server: 's2', event: 'reset-observed' });
    await b.trigger.poll();
    expect(b.started).toEqual(['daemon start-up']);
    b.finish();
    b.trigger.ended();
    expect(b.started).toEqual(['daemon start-up', 'reset-observed on s2']);
    b.finish();
    b.trigger.ended();
    expect(b.started).toHaveLength(2);
  });

  it('reads past a page of unrelated entries to find the change', async () => {
    const b = await bed();
    for (let i = 0; i < 1_005; i++) await b.store.append({ actor: 'x', event: 'noise' });
    await b.store.append({ actor: 'x', server: 's3', event: 'step-done' });
    await b.trigger.poll();
    expect(b.started).toEqual(['step-done on s3']);
  });
});

/** What the API folds out of the shared journal: corrupt images until repaired, update outcomes. */
import { describe, expect, it } from 'vitest';
import { JournalTail } from '../../src/api/journal-tail.ts';
import { openStore } from '../../src/store/open-store.ts';

const clock = { now: Date.now, sleep: async () => {} };

describe('JournalTail', () => {
  it('keeps a corrupt image until a verified restore of it or a verified update of the server', async () => {
    const store = await openStore({ sqlite: ':memory:' }, { clock });
    const tail = new JournalTail(store);
    const corrupt = (server: string, component: string) =>
      store.append({
        actor: 'daemon:1@h',
        server,
        event: 'backup.corruption',
        data: {
          component,
          findings: [{ kind: 'health', detail: `${component}: Status.Health is Critical` }],
        },
      });
    await corrupt('s1', 'BIOS');
    await corrupt('s1', 'BMC');
    await corrupt('s2', 'BIOS');
    await tail.catchUp();
    expect(tail.corruption()).toEqual([
      { server: 's1', component: 'BIOS', detail: 'BIOS: Status.Health is Critical' },
      { server: 's1', component: 'BMC', detail: 'BMC: Status.Health is Critical' },
      { server: 's2', component: 'BIOS', detail: 'BIOS: Status.Health is Critical' },
    ]);
    await store.append({
      actor: 'x',
      server: 's1',
      event: 'backup.restore',
      data: { component: 'BIOS', outcome: 'staged' },
    });
    await store.append({
      actor: 'x',
      server: 's1',
      event: 'backup.restore',
      data: { component: 'BMC', outcome: 'verified' },
    });
    await store.append({
      actor: 'cli:2@h',
      server: 's2',
      event: 'update-verified',
      data: { outcome: 'updated', actions: [{ component: 'BIOS', outcome: 'verified' }] },
    });
    await tail.catchUp();
    expect(tail.corruption().map((c) => `${c.server}/${c.component}`)).toEqual(['s1/BIOS']);
    expect(tail.updateOutcomes.get('verified')).toBe(1);
    await store.close();
  });
});

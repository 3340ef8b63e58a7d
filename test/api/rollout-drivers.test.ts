/** The API's rollout drivers: alone, a rollout another process drives is refused; in a cluster it is joined. */
import { describe, expect, it } from 'vitest';
import { RolloutDrivers } from '../../src/api/rollout-drivers.ts';
import { defaultDeps } from '../../src/deps.ts';
import { openStore } from '../../src/store/open-store.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

describe('RolloutDrivers', () => {
  it('refuses a rollout whose lease another process holds, unless it is configured as a cluster instance', async () => {
    const deps = defaultDeps({ logger: captureLogger('fatal').logger });
    const store = await openStore({ sqlite: ':memory:' }, deps);
    await store.acquireLease('rollout:r1', 'daemon:1@elsewhere', 60_000);
    const alone = new RolloutDrivers({ store, deps, stateDir: '/tmp', actor: 'api:2@here' });
    await expect(alone.ensure('r1')).rejects.toMatchObject({ code: 'FW_API_ROLLOUT_LOCKED' });
    expect(alone.driving('r1')).toBe(false);

    const member = new RolloutDrivers({
      store,
      deps,
      stateDir: '/tmp',
      actor: 'api:2@here',
      cluster: { instance: 'api-1' },
    });
    await member.ensure('r1');
    expect(member.ids()).toEqual(['r1']);
    // The lease stays the coordinator's: joining does not take it.
    expect((await store.acquireLease('rollout:r1', 'probe', 1_000)).holder).toBe('daemon:1@elsewhere');
    await store.close().catch(() => undefined);
  });
});

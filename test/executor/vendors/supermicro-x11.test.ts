/**
 * Supermicro X11 (older BMC firmware): the 202 accepting an update has no Location; the task is
 * named only in the body's Accepted object. Without reading it there the pipeline has nothing to
 * follow and reads the inventory while the flash is still running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { updateServer } from '../../../src/executor/update-server.ts';
import { updatableFleet } from '../helpers.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('Supermicro X11: 202 without Location', () => {
  it('follows the task named in the Accepted body to the end, then the inventory verifies', async () => {
    const f = await updatableFleet(['supermicro'], {
      components: ['bios'],
      sim: { generations: { supermicro: 'x11' } },
    });
    close = f.close;
    const [server] = f.servers;
    const before = await f.replan();
    const report = await updateServer(
      server as never,
      before.servers[0] as never,
      f.deps,
      f.options({ method: 'multipart' }),
    );
    const [action] = report.actions;
    expect(action?.outcome, action?.detail).toBe('verified');
    // The task came from the body: the BMC sent no Location.
    expect(action?.task).toMatch(/^\/redfish\/v1\/TaskService\/Tasks\/\d+$/);
    const bmc = f.fleet.bmcs[0] as (typeof f.fleet.bmcs)[number];
    expect(bmc.updateHistory.at(-1)?.outcome).toBe('installed');
  });
});

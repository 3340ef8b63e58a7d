/**
 * A session killed between journaling an intent and the BMC taking the image: the next run takes
 * the image as possibly staged (no task shows it), resets the host once, sees it was never
 * activated, and sends it then — once. Before, the action was reported failed ("BMC reported
 * success but ... still at") and the rollout paused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { updateServer } from '../../src/executor/update-server.ts';
import { updatableFleet } from './helpers.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('resume after a kill between intent and upload', () => {
  it('resets for what may be staged, then sends what the reset did not activate, once', async () => {
    const f = await updatableFleet(['generic'], { components: ['bios'] });
    cleanup.push(f.close);
    const server = f.servers[0] as (typeof f.servers)[number];
    const bmc = f.fleet.bmcs[0] as (typeof f.fleet.bmcs)[number];
    const serverPlan = (await f.replan()).servers[0] as NonNullable<
      Awaited<ReturnType<typeof f.replan>>['servers'][number]
    >;
    const d = serverPlan.decisions.find((x) => x.decision === 'upgrade');
    // What the dead session wrote before it died: an intent, no outcome, nothing on the BMC.
    await f.journal.append({
      server: server.name,
      event: 'intent',
      component: d?.component?.name,
      uri: d?.component?.uri,
      from: d?.component?.version,
      to: d?.target?.version,
      method: 'multipart',
    });
    const report = await updateServer(server, serverPlan, f.deps, f.options());
    expect(report.actions.map((a) => [a.outcome, a.detail])).toEqual([
      ['verified', expect.stringMatching(/now at/)],
    ]);
    expect(bmc.updateHistory.filter((h) => h.outcome === 'installed')).toHaveLength(1);
    expect((await f.replan()).servers[0]?.decisions.filter((x) => x.decision === 'upgrade')).toEqual([]);
  });
});

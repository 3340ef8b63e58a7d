/**
 * Crash safety of `firmwarden update`, the way it happens: the real CLI updates four simulated
 * BMCs of four vendor profiles (realistic timing at a tenth of the pace) and is killed with
 * SIGKILL at (seeded) random moments, then run again, over and over; a last run finishes. Judged
 * by the BMCs themselves: no image applied twice (the simulator's update history), every server
 * at target, no session left open, no host reset without a staged image to activate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import { sweepFleet } from '../../src/inventory/sweep.ts';
import { plan } from '../../src/planner/index.ts';
import { BRISK_TIMING, cliBed, killAll, runCli, sleep } from '../cli/cli-bed.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

const KILLS = 20;
let bed: Awaited<ReturnType<typeof cliBed>>;

beforeAll(async () => {
  bed = await cliBed(['dell', 'hpe', 'openbmc', 'supermicro'], { sim: { timing: BRISK_TIMING } });
}, 60_000);
afterAll(async () => {
  killAll();
  await bed?.close();
});

/** mulberry32: the kill points are random but the same on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('kill -9 during update --all, then run it again', () => {
  it('applies no image twice, verifies every server, leaves no session open', async () => {
    const random = rng(7);
    const started = Date.now();
    let killed = 0;
    const sent = () => bed.fleet.bmcs.reduce((n, b) => n + b.updateHistory.length, 0);
    for (let round = 0; round < KILLS; round++) {
      const before = sent();
      const child = runCli(bed.updateArgs);
      let exited = false;
      const done = child.done.finally(() => {
        exited = true;
      });
      // Kill once this run has sent something to a BMC (start-up and planning on a loaded
      // machine must not eat the delay), at a random point of the next 3 s: mid-transfer,
      // mid-install, waiting for a BMC reboot, during the host reset.
      while (!exited && sent() <= before) await sleep(20);
      if (!exited) await sleep(Math.floor(random() * 3_000));
      if (!exited) child.kill('SIGKILL');
      const r = await done;
      if (r.signal === 'SIGKILL') killed++;
      else if (r.code !== 0) throw new Error(`round ${round} exited ${r.code}: ${r.out}`);
    }
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);

    const final = await runCli(bed.updateArgs).done;
    expect(final.code, final.out).toBe(0);
    const figures = { kills: killed, seconds: Math.round((Date.now() - started) / 1000) };

    // Truth from the BMCs: a fresh plan of the fleet has nothing left to upgrade.
    const deps = defaultDeps({ logger: captureLogger('error').logger });
    const fresh = plan(
      await sweepFleet(await loadFleetFile(bed.fleetFile), deps),
      await loadCatalog(bed.catalogFile),
      {},
    );
    expect(fresh.servers.flatMap((s) => s.decisions).filter((d) => d.decision === 'upgrade')).toEqual([]);

    const journal = await bed.journal();
    let components = 0;
    for (const bmc of bed.fleet.bmcs) {
      // Applied: accepted and not failed (a transfer cut by the kill fails and may be sent again).
      const applied = bmc.updateHistory
        .filter((h) => h.outcome !== 'failed' && h.outcome !== 'cancelled')
        .flatMap((h) => h.targets.map((t) => t.uri));
      components += new Set(applied).size;
      const twice = applied.filter((u, i) => applied.indexOf(u) !== i);
      expect(twice, `${bmc.name} (${bmc.vendor}) got images twice`).toEqual([]);
      expect(bmc.stats.openSessions, `${bmc.name} (${bmc.vendor}) sessions left open`).toBe(0);
      // Every host reset was one firmwarden decided on (images staged), none "just in case".
      const resets = bmc.availability.intervals.filter((i) => i.reasons.includes('host-reset')).length;
      const decided = journal.filter((e) => e.server === bmc.name && e.event === 'host-reset-intent').length;
      expect(resets, `${bmc.name} (${bmc.vendor}) host resets`).toBeLessThanOrEqual(decided);
    }
    expect(components).toBeGreaterThanOrEqual(8);
    console.log(`update crash: ${JSON.stringify({ ...figures, components })}`);
  }, 240_000);
});

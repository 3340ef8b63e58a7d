/**
 * Crash safety of `firmwarden update`, the way it happens: the real CLI updates four simulated
 * BMCs of four vendor profiles (realistic timing at a tenth of the pace) and is killed with
 * SIGKILL at (seeded) random moments while it works, then run again, until a run finishes by
 * itself; then a fresh fleet, until 20 runs were killed. Judged by the BMCs themselves: no image
 * applied twice (the simulator's update history), every server at target, no session left open,
 * no host reset firmwarden did not decide on for staged images.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.ts';
import { defaultDeps } from '../../src/deps.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import { sweepFleet } from '../../src/inventory/sweep.ts';
import { plan } from '../../src/planner/index.ts';
import { BRISK_TIMING, cliBed, killAll, runCli, sleep } from '../cli/cli-bed.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

const KILLS = 20;
let beds: Array<Awaited<ReturnType<typeof cliBed>>> = [];
afterEach(async () => {
  killAll();
  for (const b of beds) await b.close();
  beds = [];
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

/** Runs `update --all`, killing it at a random point once it has sent something; returns whether it was killed. */
async function killedRun(bed: Awaited<ReturnType<typeof cliBed>>, random: () => number): Promise<boolean> {
  const sent = () => bed.fleet.bmcs.reduce((n, b) => n + b.updateHistory.length, 0);
  const before = sent();
  const child = runCli(bed.updateArgs);
  let exited = false;
  const done = child.done.finally(() => {
    exited = true;
  });
  // Once this run has sent something to a BMC (start-up and planning on a loaded machine must
  // not eat the delay), at a random point of the next 2 s: mid-transfer, mid-install, waiting
  // for a BMC reboot, during the host reset.
  while (!exited && sent() <= before) await sleep(20);
  if (!exited) await sleep(Math.floor(random() * 2_000));
  if (!exited) child.kill('SIGKILL');
  const r = await done;
  if (r.signal !== 'SIGKILL' && r.code !== 0) throw new Error(`update exited ${r.code}: ${r.out}`);
  return r.signal === 'SIGKILL';
}

/** Checks one fleet after its last run, returns how many components it updated. */
async function judge(bed: Awaited<ReturnType<typeof cliBed>>): Promise<number> {
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
    // Every host reset was one firmwarden decided on for staged images, none "just in case".
    const resets = bmc.availability.intervals.filter((i) => i.reasons.includes('host-reset')).length;
    const decided = journal.filter((e) => e.server === bmc.name && e.event === 'host-reset-intent').length;
    expect(resets, `${bmc.name} (${bmc.vendor}) host resets`).toBeLessThanOrEqual(decided);
  }
  return components;
}

describe('kill -9 during update --all, then run it again', () => {
  it('applies no image twice, verifies every server, leaves no session open', async () => {
    const random = rng(7);
    const started = Date.now();
    let killed = 0;
    let runs = 0;
    let components = 0;
    // Fresh fleets until both the kills and the components covered reach their counts (a slow
    // machine kills more often per fleet, so it needs another fleet to cover as many components).
    for (let fleet = 0; killed < KILLS || components < 40; fleet++) {
      const bed = await cliBed(['dell', 'hpe', 'openbmc', 'supermicro'], {
        sim: { timing: BRISK_TIMING, seed: 3 + fleet },
      });
      beds.push(bed);
      // Killed until a run finishes by itself (a run with nothing left to send exits 0).
      while (await killedRun(bed, random)) {
        killed++;
        runs++;
      }
      runs++;
      components += await judge(bed);
    }
    expect(components).toBeGreaterThanOrEqual(40);
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`update crash: ${JSON.stringify({ killed, runs, components, seconds })}`);
  }, 600_000);
});

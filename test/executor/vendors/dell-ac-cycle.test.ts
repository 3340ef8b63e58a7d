/**
 * iDRAC 9 CPLD update: written live (Immediate), the job ends UserIntervention asking for a
 * virtual A/C power cycle. Only DellOemChassis.ExtendedReset PowerCycle (host off first)
 * activates it; a host restart leaves the old version running. The simulator stands the R710's
 * backplane (kind cpld) in for the CPLD (profiles/dell.ts).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { activationResetHost } from '../../../src/executor/activation-reset.ts';
import { updateServer } from '../../../src/executor/update-server.ts';
import { RedfishClient } from '../../../src/redfish/client.ts';
import { virtualAcCycle } from '../../../src/vendors/dell/ac-cycle.ts';
import { dell } from '../../../src/vendors/dell/index.ts';
import { FAST } from '../helpers.ts';
import { oneIdrac, upgrades } from './dell-fleet.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await close?.();
  close = undefined;
});

const EXTENDED_RESET = '/redfish/v1/Chassis/System.Embedded.1/Actions/Oem/DellOemChassis.ExtendedReset';

async function cpldIdrac() {
  const t = await oneIdrac(['cpld']);
  close = t.close;
  // Written live: the catalog asks for no reboot, so firmwarden asks for Immediate.
  for (const e of t.catalog.entries) e.requires.reboot = false;
  const first = await t.plan();
  expect(upgrades(first)).toBe(1);
  return { ...t, first };
}

/** POSTs the simulated iDRAC received on one path. */
const posts = (t: Awaited<ReturnType<typeof cpldIdrac>>, path: string) =>
  t.bmc.stats.byRoute[`POST ${path}`] ?? 0;

it('a CPLD that waits for a virtual A/C cycle is verified once firmwarden drives the cycle', async () => {
  const t = await cpldIdrac();
  const steps: string[] = [];
  const report = await updateServer(
    t.server,
    t.first,
    t.deps,
    t.options({ method: 'simple', onEvent: (e) => steps.push(e.step) }),
  );
  expect(report.actions.map((a) => [a.applyTime, a.outcome, a.error?.code])).toEqual([
    ['Immediate', 'verified', undefined],
  ]);
  expect(report.activationReset).toMatch(/virtual A\/C power cycle/);
  expect(posts(t, EXTENDED_RESET)).toBe(1);
  // The host went off gracefully before the cycle (iDRAC refuses it with the host on).
  expect(steps.findIndex((s) => /GracefulShutdown before the virtual A\/C/.test(s))).toBeLessThan(
    steps.findIndex((s) => /^virtual A\/C power cycle/.test(s)),
  );
  expect(t.bmc.updateHistory.map((h) => h.outcome)).toEqual(['installed']);
  expect(
    t.journal.entries.some((e) => e.event === 'host-reset-intent' && /A\/C/.test(String(e['kind']))),
  ).toBe(true);
  expect(upgrades(await t.plan())).toBe(0);
});

it('without the driver hook the host restart leaves the CPLD unchanged', async () => {
  const t = await cpldIdrac();
  vi.spyOn(dell, 'activationReset').mockReturnValue(undefined);
  const report = await updateServer(t.server, t.first, t.deps, t.options({ method: 'simple' }));
  expect(report.hostReset).toBe('graceful');
  expect(report.activationReset).toBeUndefined();
  expect(report.actions.map((a) => [a.outcome, a.error?.code])).toEqual([
    ['failed', 'FW_ERR_VERIFY_UNCHANGED'],
  ]);
  expect(posts(t, EXTENDED_RESET)).toBe(0);
  expect(upgrades(await t.plan())).toBe(1);
});

it('--no-reset: no A/C cycle either; the CPLD is reported not yet active', async () => {
  const t = await cpldIdrac();
  const report = await updateServer(
    t.server,
    t.first,
    t.deps,
    t.options({ method: 'simple', resetHost: false }),
  );
  expect(report.actions.map((a) => a.error?.code)).toEqual(['FW_ERR_VERIFY_UNCHANGED']);
  expect(posts(t, EXTENDED_RESET)).toBe(0);
  expect(report.hostReset).toBeUndefined();
});

it('never while the BMC is still writing: a task still Running stops the A/C cycle before the host goes off', async () => {
  const t = await cpldIdrac();
  t.bmc.setUpdateFaults({ taskStuck: true });
  // The stuck task outlives firmwarden's deadline and is still Running afterwards.
  const report = await updateServer(
    t.server,
    t.first,
    t.deps,
    t.options({ method: 'simple', timeouts: { ...FAST, taskMs: 300 } }),
  );
  expect(report.actions[0]?.outcome).toBe('failed');
  const client = new RedfishClient(t.server.client, t.deps);
  try {
    const done = async () => true;
    await expect(
      activationResetHost(client, t.deps.clock, dell, virtualAcCycle, {
        graceMs: 2_000,
        pollMs: 25,
        allowForce: true,
        done,
      }),
    ).rejects.toMatchObject({ code: 'FW_ERR_BMC_BUSY' });
  } finally {
    await client.close();
  }
  expect(t.bmc.powerState).toBe('On');
  expect(posts(t, EXTENDED_RESET)).toBe(0);
});

it('a CPLD an earlier session left waiting for the A/C cycle is not sent again: the rerun drives the cycle', async () => {
  const t = await cpldIdrac();
  // The first session stopped before any reset (as --no-reset does): the job waits UserIntervention.
  await updateServer(t.server, t.first, t.deps, t.options({ method: 'simple', resetHost: false }));
  const report = await updateServer(t.server, await t.plan(), t.deps, t.options({ method: 'simple' }));
  expect(report.actions.map((a) => [a.outcome, a.why])).toEqual([
    ['verified', expect.stringMatching(/already staged/)],
  ]);
  expect(report.activationReset).toMatch(/A\/C/);
  expect(t.bmc.updateHistory.map((h) => h.outcome)).toEqual(['installed']);
});

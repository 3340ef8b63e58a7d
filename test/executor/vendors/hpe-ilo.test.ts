/**
 * HPE iLO 5 as it really answers updates that have no task, against the real client over
 * loopback (updateServer → install pipeline → HPE driver): iLO 5 before 2.30 answers SimpleUpdate
 * 200 and reports progress only in UpdateService Oem.Hpe.State; every iLO 5/6 answers its
 * /cgi-bin/uploadFile form 200; a .fwpkg goes through the iLO Repository and the Update Task
 * Queue. The host is reset only once iLO says Complete, never while it verifies or writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { updateServer } from '../../../src/executor/update-server.ts';
import { RedfishClient } from '../../../src/redfish/client.ts';
import type { SimFleetOptions } from '../../../src/simulator/index.ts';
import type { ComponentKind } from '../../../src/vocab.ts';
import { updatableFleet } from '../helpers.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function ilo(components: ComponentKind[], sim: Partial<SimFleetOptions> = {}) {
  const f = await updatableFleet(['hpe'], { components, sim });
  cleanup.push(f.close);
  const server = f.servers[0] as (typeof f.servers)[number];
  const bmc = f.fleet.bmcs[0] as (typeof f.fleet.bmcs)[number];
  const plan = await f.replan();
  const serverPlan = plan.servers[0] as (typeof plan.servers)[number];
  return { ...f, server, bmc, serverPlan };
}

const EARLY = { generations: { hpe: 'ilo5-early' } } as const;
const upgrades = (p: { decisions: Array<{ decision: string }> }) =>
  p.decisions.filter((d) => d.decision === 'upgrade').length;
const route = (bmc: { stats: { byRoute: Record<string, number> } }, re: RegExp) =>
  Object.entries(bmc.stats.byRoute)
    .filter(([k]) => re.test(k))
    .reduce((n, [, v]) => n + v, 0);

describe('iLO 5 before 2.30: SimpleUpdate answers 200 without a task', () => {
  it('iLO firmware: follows Oem.Hpe.State to Complete, then waits out iLO resetting itself', async () => {
    const t = await ilo(['bmc'], { ...EARLY, timing: { installMs: 200 } });
    const steps: string[] = [];
    const report = await updateServer(
      t.server,
      t.serverPlan,
      t.deps,
      t.options({ method: 'simple', onEvent: (e) => steps.push(e.step) }),
    );
    expect(report.actions.map((a) => [a.method, a.outcome])).toEqual([['simple', 'verified']]);
    expect(steps).toContain('iLO Complete');
    expect(steps.some((s) => /^iLO (Uploading|Verifying|Updating)$/.test(s))).toBe(true);
    expect(report.hostReset).toBeUndefined();
    expect(t.bmc.updateHistory.map((h) => h.outcome)).toEqual(['installed']);
    expect(upgrades((await t.replan()).servers[0] as never)).toBe(0);
  });

  it('System ROM: written while iLO says Updating, the host reset only after Complete', async () => {
    // A slow flash: a reset while iLO still writes would boot the old ROM (nothing staged yet).
    const t = await ilo(['bios'], { ...EARLY, timing: { installMs: 600 } });
    const steps: string[] = [];
    const report = await updateServer(
      t.server,
      t.serverPlan,
      t.deps,
      t.options({ method: 'simple', onEvent: (e) => steps.push(e.step) }),
    );
    expect(report.actions.map((a) => a.outcome)).toEqual(['verified']);
    expect(report.hostReset).toBe('graceful');
    expect(route(t.bmc, /^POST .*\/ComputerSystem\.Reset$/)).toBe(1);
    const complete = steps.indexOf('iLO Complete');
    expect(complete).toBeGreaterThan(steps.indexOf('iLO Updating'));
    expect(steps.findIndex((s) => /reset/i.test(s))).toBeGreaterThan(complete);
    expect(upgrades((await t.replan()).servers[0] as never)).toBe(0);
  });

  it('State Error fails the action with iLO’s message and resets nothing', async () => {
    const t = await ilo(['bios'], EARLY);
    t.bmc.setUpdateFaults({ nextUpdateOnly: { verificationFailed: true } });
    const report = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'simple' }));
    expect(report.actions.map((a) => a.outcome)).toEqual(['failed']);
    expect(report.actions[0]?.detail).toMatch(/UpdateInvalidFile.*file is not valid/);
    expect(report.hostReset).toBeUndefined();
    expect(route(t.bmc, /^POST .*\/ComputerSystem\.Reset$/)).toBe(0);
  });
});

describe("iLO's HttpPushUri (/cgi-bin/uploadFile)", () => {
  it('a .bin is flashed directly by iLO’s form (sessionKey, parameters, file), followed to Complete', async () => {
    const t = await ilo(['bmc']);
    const report = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'http-push' }));
    expect(report.actions.map((a) => [a.method, a.outcome])).toEqual([['http-push', 'verified']]);
    expect(t.bmc.updateHistory.map((h) => [h.method, h.outcome])).toEqual([['http-push', 'installed']]);
    expect(route(t.bmc, /^POST \/cgi-bin\/uploadFile$/)).toBe(1);
    expect(t.bmc.stats.openSessions).toBe(0);
  });

  it('a .fwpkg goes into the iLO Repository, then an Update Task Queue item flashes it', async () => {
    const t = await ilo(['bios']);
    // As HPE ships it: the package is a .fwpkg.
    for (const d of t.serverPlan.decisions) {
      if (d.target?.image.file) d.target.image.file = d.target.image.file.replace(/\.fwsim$/, '.fwpkg');
    }
    const report = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'http-push' }));
    expect(report.actions.map((a) => a.outcome)).toEqual(['verified']);
    expect(route(t.bmc, /^POST \/cgi-bin\/uploadFile$/)).toBe(1);
    expect(route(t.bmc, /^POST \/redfish\/v1\/UpdateService\/UpdateTaskQueue$/)).toBe(1);
    expect(t.bmc.updateHistory.map((h) => [h.method, h.outcome])).toEqual([['install-queue', 'installed']]);
    expect(report.hostReset).toBe('graceful');
    expect(upgrades((await t.replan()).servers[0] as never)).toBe(0);
  });

  it('a queue item that ends in Exception fails the action with iLO’s MessageId', async () => {
    const t = await ilo(['bios']);
    for (const d of t.serverPlan.decisions) {
      if (d.target?.image.file) d.target.image.file = d.target.image.file.replace(/\.fwsim$/, '.fwpkg');
    }
    t.bmc.setUpdateFaults({ nextUpdateOnly: { applyFailed: true } });
    const report = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'http-push' }));
    expect(report.actions.map((a) => a.outcome)).toEqual(['failed']);
    expect(report.actions[0]?.detail).toMatch(/Exception.*ApplyFailed/);
    expect(route(t.bmc, /^POST .*\/ComputerSystem\.Reset$/)).toBe(0);
    // The Exception item stalls iLO's queue: the next attempt says so and uploads nothing.
    const again = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'http-push' }));
    expect(again.actions[0]?.detail).toMatch(/Update Task Queue is stalled .*Exception/);
    expect(route(t.bmc, /^POST \/cgi-bin\/uploadFile$/)).toBe(1);
  });
});

describe('iLO 6 (ProLiant Gen11): SimpleUpdate with a task, HttpPushUri the same form', () => {
  it('iLO firmware and System ROM by SimpleUpdate; the ROM waits for the one host reset', async () => {
    const t = await ilo(['bmc', 'bios'], { generations: { hpe: 'ilo6' } });
    const report = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'simple' }));
    expect(report.actions.map((a) => [a.component, a.outcome])).toEqual(
      expect.arrayContaining([
        ['iLO 6', 'verified'],
        ['System ROM', 'verified'],
      ]),
    );
    expect(report.hostReset).toBe('graceful');
    expect(t.bmc.updateHistory.map((h) => h.method)).toEqual(['simple', 'simple']);
    expect(upgrades((await t.replan()).servers[0] as never)).toBe(0);
    const client = new RedfishClient(t.server.client, t.deps);
    const manager = await client
      .get('/redfish/v1/Managers/1/', z.looseObject({ FirmwareVersion: z.string() }))
      .finally(() => client.close());
    const bmc = report.actions.find((a) => a.kind === 'bmc');
    expect(manager.FirmwareVersion).toBe(`iLO 6 v${bmc?.to.split(' ')[0]}`);
  });

  it('a .fwpkg System ROM through the iLO Repository and the Update Task Queue', async () => {
    const t = await ilo(['bios'], { generations: { hpe: 'ilo6' } });
    for (const d of t.serverPlan.decisions) {
      if (d.target?.image.file) d.target.image.file = d.target.image.file.replace(/\.fwsim$/, '.fwpkg');
    }
    const report = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'http-push' }));
    expect(report.actions.map((a) => a.outcome)).toEqual(['verified']);
    expect(t.bmc.updateHistory.map((h) => [h.method, h.outcome])).toEqual([['install-queue', 'installed']]);
    expect(upgrades((await t.replan()).servers[0] as never)).toBe(0);
  });
});

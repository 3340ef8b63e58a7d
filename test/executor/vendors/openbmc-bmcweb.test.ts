/**
 * OpenBMC as bmcweb really serves it, against the real client over loopback: no vendor in the
 * ServiceRoot (detected from its Manager), a BMC image that waits for a Manager.Reset after a
 * task `Completed` + TaskCompletedOK, a host image staged as `Stopping` + TaskPaused, and older
 * bmcweb that takes only its Manager as a multipart Target. No fleet-file vendor hint: what a
 * user pointing firmwarden at a real OpenBMC gets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { updateServer } from '../../../src/executor/update-server.ts';
import { scanServer } from '../../../src/inventory/scan.ts';
import { RedfishClient } from '../../../src/redfish/client.ts';
import type { SimFleetOptions } from '../../../src/simulator/index.ts';
import type { ComponentKind } from '../../../src/vocab.ts';
import { updatableFleet } from '../helpers.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function bmcweb(components: ComponentKind[], sim: Partial<SimFleetOptions> = {}) {
  const f = await updatableFleet(['openbmc'], { components, sim });
  cleanup.push(f.close);
  // As a user's fleet file for a real BMC: no vendor hint.
  for (const s of f.servers) delete (s as { vendor?: unknown }).vendor;
  const server = f.servers[0] as (typeof f.servers)[number];
  const bmc = f.fleet.bmcs[0] as (typeof f.fleet.bmcs)[number];
  const plan = await f.replan();
  const serverPlan = plan.servers[0] as (typeof plan.servers)[number];
  return { ...f, server, bmc, serverPlan };
}

const upgrades = (p: { decisions: Array<{ decision: string }> }) =>
  p.decisions.filter((d) => d.decision === 'upgrade').length;
const route = (bmc: { stats: { byRoute: Record<string, number> } }, re: RegExp) =>
  Object.entries(bmc.stats.byRoute)
    .filter(([k]) => re.test(k))
    .reduce((n, [, v]) => n + v, 0);

describe('OpenBMC (bmcweb) without a vendor hint', () => {
  it('is recognised from its Manager, so openbmc catalog entries plan upgrades', async () => {
    const t = await bmcweb(['bmc', 'bios']);
    const client = new RedfishClient(t.server.client, t.deps);
    const inv = await scanServer(client, t.server, t.deps.clock).finally(() => client.close());
    expect(inv.vendor).toBe('openbmc');
    expect(t.serverPlan.vendor).toBe('openbmc');
    expect(upgrades(t.serverPlan)).toBe(2);
  });

  it('resets the BMC for its image: the task completes (TaskCompletedOK) but nothing reboots', async () => {
    const t = await bmcweb(['bmc']);
    const report = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'multipart' }));
    expect(report.actions.map((a) => [a.outcome, a.detail])).toEqual([
      ['verified', expect.stringMatching(/now at/)],
    ]);
    // bmcweb said Completed + TaskCompletedOK; only firmwarden's Manager.Reset activated the image.
    expect(route(t.bmc, /^POST .*\/Managers\/bmc\/Actions\/Manager\.Reset$/)).toBe(1);
    expect(t.bmc.updateHistory.map((h) => h.outcome)).toEqual(['installed']);
    expect(upgrades((await t.replan()).servers[0] as never)).toBe(0);
    expect(t.bmc.stats.openSessions).toBe(0);
  });

  it('sees a host image staged as Stopping + TaskPaused and resets the host once', async () => {
    const t = await bmcweb(['bios']);
    const report = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'multipart' }));
    expect(report.actions.map((a) => a.outcome)).toEqual(['verified']);
    expect(report.hostReset).toBe('graceful');
    expect(route(t.bmc, /^POST .*\/ComputerSystem\.Reset$/)).toBe(1);
    expect(upgrades((await t.replan()).servers[0] as never)).toBe(0);
  });

  it('older bmcweb: a Target other than its Manager is refused, then the Manager is named', async () => {
    const t = await bmcweb(['bmc'], { generations: { openbmc: 'bmcweb-legacy-update' } });
    const report = await updateServer(t.server, t.serverPlan, t.deps, t.options({ method: 'multipart' }));
    expect(report.actions.map((a) => a.outcome)).toEqual(['verified']);
    // One refused upload (400 PropertyValueNotInList, nothing accepted), one accepted and installed.
    expect(t.bmc.updateHistory.map((h) => h.outcome)).toEqual(['installed']);
    expect(upgrades((await t.replan()).servers[0] as never)).toBe(0);
  });
});

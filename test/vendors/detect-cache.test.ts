/**
 * Detection by Manager (services whose root names no vendor: bmcweb) is done once per service
 * root a client reads: a scan or awaitBmc poll on the same client does not read the Managers
 * again, and a BMC restart (which may bring other firmware) makes the client detect anew.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scanServer } from '../../src/inventory/scan.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { type SimBmc, SimulatedBmc, startSimulatedBmc } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const MANAGER = '/redfish/v1/Managers/bmc';
let bmc: SimBmc | undefined;
let client: RedfishClient | undefined;
afterEach(async () => {
  await client?.close();
  await bmc?.close();
  client = bmc = undefined;
});

async function setup(): Promise<{ sim: SimulatedBmc; client: RedfishClient }> {
  bmc = await startSimulatedBmc({ vendor: 'openbmc', tls: false, seed: 3 });
  if (!(bmc instanceof SimulatedBmc)) throw new Error('expected the in-process simulator');
  client = new RedfishClient(
    { url: bmc.url, allowHttp: true, credentials: { username: bmc.username, password: bmc.password } },
    { clock: fakeClock(), logger: captureLogger().logger },
  );
  return { sim: bmc, client };
}

const target = (sim: SimBmc) => ({ name: 'b1', bmc: sim.url });

/** Requests the simulator answered during `work`. */
async function counted<T>(sim: SimBmc, work: () => Promise<T>): Promise<{ result: T; requests: number }> {
  const before = sim.stats.requests;
  const result = await work();
  return { result, requests: sim.stats.requests - before };
}

describe('detectDriver cache', () => {
  it('a second scan of a bmcweb BMC on the same client skips the root and the Managers (2 GETs)', async () => {
    const { sim, client } = await setup();
    const first = await counted(sim, () => scanServer(client, target(sim), fakeClock()));
    const second = await counted(sim, () => scanServer(client, target(sim), fakeClock()));
    expect(first.result.vendor).toBe('openbmc');
    expect(second.result.vendor).toBe('openbmc');
    // The first scan also logged in (1) and read the root (1); the Managers collection and its
    // member are the 2 GETs a second detection used to cost.
    expect(first.requests - second.requests).toBe(1 + 1 + 2);
    // A hinted scan never reads the Managers: the unhinted second scan costs the same.
    const hinted = await counted(sim, () =>
      scanServer(client, { ...target(sim), vendor: 'openbmc' }, fakeClock()),
    );
    expect(second.requests).toBe(hinted.requests);
  });

  it('detects again after the BMC restarts into firmware whose Manager says something else', async () => {
    const { sim, client } = await setup();
    // Firmware that does not name OpenBMC anywhere: generic.
    const saved = structuredClone(sim.tree.get(MANAGER)) as Record<string, unknown>;
    sim.tree.update(MANAGER, (m) => {
      const body = m as Record<string, unknown>;
      body['Model'] = 'Romulus BMC';
      body['Name'] = 'Manager';
      delete body['Oem'];
    });
    expect((await scanServer(client, target(sim), fakeClock())).vendor).toBe('generic');
    expect((await scanServer(client, target(sim), fakeClock())).vendor).toBe('generic');
    // The update: bmcweb's Manager again, active after a BMC reboot (sessions are gone after it).
    sim.tree.update(MANAGER, (m) => Object.assign(m as Record<string, unknown>, saved));
    sim.rebootBmc();
    while (sim.rebooting) await new Promise((r) => setTimeout(r, 20));
    expect((await scanServer(client, target(sim), fakeClock())).vendor).toBe('openbmc');
  });

  it('detects again after a failed connection (a BMC going down)', async () => {
    const { sim, client } = await setup();
    expect((await scanServer(client, target(sim), fakeClock())).vendor).toBe('openbmc');
    const root = await client.root();
    sim.rebootBmc();
    await expect(client.get('/redfish/v1/Systems', {} as never, { attempts: 1 })).rejects.toThrow();
    while (sim.rebooting) await new Promise((r) => setTimeout(r, 20));
    expect(await client.root()).not.toBe(root);
  });
});

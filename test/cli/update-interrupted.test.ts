/**
 * A rerun after an interrupted update meets the BMC the dead run left restarting: with unfinished
 * work in the journal it waits for the BMC and updates it; with none, unreadable is a failure.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { updateCommand } from '../../src/cli/update-command.ts';
import { resetManager } from '../../src/executor/host-reset.ts';
import { loadFleetFile } from '../../src/fleet/load.ts';
import { RedfishClient } from '../../src/redfish/client.ts';
import { FAST_TIMING } from '../../src/simulator/timing.ts';
import { updatableFleet } from '../executor/helpers.ts';

let f: Awaited<ReturnType<typeof updatableFleet>> | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

async function update(fleet: NonNullable<typeof f>, state: string) {
  let text = '';
  const out = new Writable({
    write(c, _e, cb) {
      text += String(c);
      cb();
    },
  });
  const code = await updateCommand(
    [
      '--fleet',
      join(fleet.dir, 'fleet.yaml'),
      '--catalog',
      fleet.sim.catalogFile,
      '--store',
      join(fleet.dir, 'store'),
      '--state',
      state,
      '--all',
      '--poll-ms',
      '50',
      '--json',
    ],
    fleet.deps,
    out,
  );
  return {
    code,
    report: JSON.parse(text) as { servers: Array<{ outcome: string; error?: { code: string } }> },
  };
}

/** The BMC goes down for 1.5 s, as after the BMC image a killed run sent. */
async function restarting(unfinished: boolean, at = new Date().toISOString()) {
  f = await updatableFleet(['generic'], {
    components: ['bios'],
    sim: { timing: { ...FAST_TIMING, bmcRebootMs: 1_500 } },
  });
  const state = join(f.dir, unfinished ? 'state-unfinished' : 'state-clean');
  await mkdir(state, { recursive: true });
  const bmc = f.fleet.bmcs[0];
  if (!bmc) throw new Error('no BMC');
  if (unfinished) {
    const entry = {
      server: bmc.name,
      component: 'BMC',
      uri: '/redfish/v1/UpdateService/FirmwareInventory/BMC',
    };
    await writeFile(
      join(state, 'journal.jsonl'),
      `${JSON.stringify({ at, event: 'intent', ...entry, to: '9.9' })}\n${JSON.stringify({ at, event: 'outcome', ...entry, outcome: 'interrupted' })}\n`,
    );
  }
  // Manager.Reset over Redfish, as the BMC image a killed run sent would restart it.
  const server = (await loadFleetFile(join(f.dir, 'fleet.yaml')))[0];
  if (!server) throw new Error('no server');
  const client = new RedfishClient(server.client, f.deps);
  await resetManager(client);
  await client.close();
  return { fleet: f, state, bmc };
}

describe('update after an interrupted run', () => {
  it('waits for a BMC the journal says was mid-update, then updates it', async () => {
    const { fleet, state, bmc } = await restarting(true);
    const r = await update(fleet, state);
    expect(r.code, JSON.stringify(r.report)).toBe(0);
    expect(r.report.servers[0]?.outcome).toBe('updated');
    expect(bmc.rebooting).toBe(false);
  }, 30_000);

  it('does not wait when the unfinished work is older than a BMC reboot: unreadable at once', async () => {
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const { fleet, state } = await restarting(true, hourAgo);
    const r = await update(fleet, state);
    expect(r.code).toBe(1);
    expect(r.report.servers[0]?.error?.code).toBe('FW_ERR_UNREADABLE');
  }, 30_000);

  it('fails a server that cannot be read when nothing was left unfinished', async () => {
    const { fleet, state } = await restarting(false);
    const r = await update(fleet, state);
    expect(r.code).toBe(1);
    expect(r.report.servers[0]?.error?.code).toBe('FW_ERR_UNREADABLE');
  }, 30_000);
});

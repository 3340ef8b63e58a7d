/**
 * The session ledger: a record per open session under the state dir, removed at logout; records of
 * dead processes of this host are offered once for deletion, live ones never.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionLedger } from '../../src/redfish/session-ledger.ts';

const BMC = 'https://127.0.0.1:8443';
const folder = (dir: string) => join(dir, 'sessions', '127.0.0.1_8443');

async function planted(dir: string, name: string, body: string) {
  const ledger = new SessionLedger(dir);
  await (await ledger.record(BMC, '/x'))(); // creates the folder
  await writeFile(join(folder(dir), name), body);
}

describe('SessionLedger', () => {
  it('records a session until it is forgotten, and never offers a live process as stale', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-ledger-'));
    const ledger = new SessionLedger(dir);
    const forget = await ledger.record(BMC, '/redfish/v1/SessionService/Sessions/7');
    expect(await readdir(folder(dir))).toHaveLength(1);
    expect(await new SessionLedger(dir).stale(BMC)).toEqual([]);
    await forget();
    expect(await readdir(folder(dir))).toHaveLength(0);
  });

  it('offers the sessions of a dead process once, and drops torn records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-ledger-'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const rec = {
      bmc: BMC,
      location: '/redfish/v1/SessionService/Sessions/3',
      pid: dead,
      host: hostname(),
      at: '',
    };
    await planted(dir, `${dead}-1.json`, JSON.stringify(rec));
    await writeFile(join(folder(dir), 'torn.json'), '{"bmc":');
    await writeFile(
      join(folder(dir), 'other-host.json'),
      JSON.stringify({ ...rec, host: `not-${hostname()}` }),
    );
    const ledger = new SessionLedger(dir);
    const stale = await ledger.stale(BMC);
    expect(stale.map((s) => s.location)).toEqual(['/redfish/v1/SessionService/Sessions/3']);
    expect(await ledger.stale(BMC)).toEqual([]); // once per BMC per process
    await stale[0]?.remove();
    expect(await readdir(folder(dir))).toEqual(['other-host.json']);
  });
});

/** Inventory snapshots (newest per server, failed scans included) and acting-version history. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerInventory } from '../../src/inventory/model.ts';
import type { ActingVersionRecord, Store } from '../../src/store/types.ts';
import type { FakeClock } from '../helpers/fake-clock.ts';
import { describeBackends } from './backends.ts';

describeBackends('store snapshots and acting versions', (backend) => {
  let store: Store;
  let clock: FakeClock;
  beforeEach(async () => ({ store, clock } = await backend.open()));
  afterEach(() => store.close());

  function inventory(server: string, scannedAt: string, bios = '2.19.1'): ServerInventory {
    return {
      server,
      bmc: `https://${server}-bmc`,
      vendor: 'dell',
      labels: { rack: 'a1' },
      model: 'PowerEdge R640',
      scannedAt,
      components: [
        {
          id: `Installed-159-${bios}__BIOS.Setup.1-1`,
          uri: `/redfish/v1/UpdateService/FirmwareInventory/Installed-159-${bios}__BIOS.Setup.1-1`,
          name: 'BIOS',
          kind: 'bios',
          slot: 'active',
          version: bios,
          identity: { dellComponentId: '159' },
        },
      ],
      copies: [],
    };
  }
  function failed(server: string, scannedAt: string): ServerInventory {
    return {
      server,
      bmc: `https://${server}-bmc`,
      vendor: 'generic',
      labels: {},
      scannedAt,
      components: [],
      copies: [],
      error: { code: 'FW_ERR_CONNECT', message: 'connect ECONNREFUSED' },
    };
  }

  describe('inventory snapshots', () => {
    it('returns the newest snapshot per server by scannedAt, all servers by name', async () => {
      await store.saveInventory(inventory('r640-02', '2026-11-22T01:00:00Z', '2.18.0'));
      await store.saveInventory(inventory('r640-01', '2026-11-22T02:00:00Z', '2.18.0'));
      await store.saveInventory(inventory('r640-01', '2026-11-22T04:00:00Z', '2.19.1'));
      // Saved later but scanned earlier (a slow sweep): not the newest.
      await store.saveInventory(inventory('r640-01', '2026-11-22T03:00:00Z', '2.17.0'));

      const fleet = await store.latestInventory();
      expect(fleet.servers.map((s) => [s.server, s.components[0]?.version])).toEqual([
        ['r640-01', '2.19.1'],
        ['r640-02', '2.18.0'],
      ]);
      expect(fleet.failed).toBe(0);
      expect(fleet.scannedAt).toBe('2026-11-22T04:00:00Z');
      expect(fleet.servers[0]).toEqual(inventory('r640-01', '2026-11-22T04:00:00Z', '2.19.1'));
    });

    it('reports a server whose newest scan failed as failed, and counts it', async () => {
      await store.saveInventory(inventory('r640-01', '2026-11-22T02:00:00Z'));
      await store.saveInventory(failed('r640-01', '2026-11-22T03:00:00Z'));
      await store.saveInventory(failed('r640-02', '2026-11-22T03:00:00Z'));
      await store.saveInventory(inventory('r640-02', '2026-11-22T03:30:00Z'));

      const fleet = await store.latestInventory();
      expect(fleet.servers.map((s) => [s.server, s.error?.code])).toEqual([
        ['r640-01', 'FW_ERR_CONNECT'],
        ['r640-02', undefined],
      ]);
      expect(fleet.failed).toBe(1);
    });

    it('reads a failed scan saved without its empty lists', async () => {
      const { components: _c, copies: _k, ...bare } = failed('bmc-9', '2026-11-22T03:00:00Z');
      await store.saveInventory(bare as ServerInventory);
      const [inv] = (await store.latestInventory()).servers;
      expect(inv).toMatchObject({
        server: 'bmc-9',
        components: [],
        copies: [],
        error: { code: 'FW_ERR_CONNECT' },
      });
    });

    it('returns the named servers in the order asked, leaving out those never scanned', async () => {
      for (const s of ['a', 'b', 'c']) await store.saveInventory(inventory(s, '2026-11-22T02:00:00Z'));
      const fleet = await store.latestInventory(['c', 'never', 'a']);
      expect(fleet.servers.map((s) => s.server)).toEqual(['c', 'a']);
      expect((await store.latestInventory([])).servers).toEqual([]);
    });

    it("takes the clock's time when there is nothing to report", async () => {
      clock.now = () => Date.parse('2026-12-01T00:00:00Z');
      expect(await store.latestInventory()).toEqual({
        scannedAt: '2026-12-01T00:00:00.000Z',
        servers: [],
        failed: 0,
      });
    });

    it('refuses a snapshot whose scannedAt is not a time', async () => {
      const err = await store.saveInventory(inventory('a', 'yesterday')).catch((e) => e);
      expect(err.code).toBe('FW_ERR_STORE_INPUT');
    });
  });

  describe('acting versions', () => {
    const record = (line: string, lowest: string, at: string, converged = false): ActingVersionRecord => ({
      rolloutId: 'ro-1',
      line,
      name: `${line.split(':')[1]} (${line.split(':')[0]})`,
      kind: line.split(':')[0] as string,
      lowest,
      highest: '2.19.1',
      target: '2.19.1',
      converged,
      at,
    });
    beforeEach(async () => {
      await store.createRollout({ id: 'ro-1', name: 'r', spec: {}, servers: [] });
      await store.createRollout({ id: 'ro-2', name: 'r', spec: {}, servers: [] });
    });

    it('keeps the history and returns the newest record per line', async () => {
      await store.recordActingVersions([
        record('bios:r640', '2.17.0', '2026-11-22T03:00:00Z'),
        record('bmc:idrac9', '7.00.00.171', '2026-11-22T03:00:00Z'),
      ]);
      await store.recordActingVersions([record('bios:r640', '2.18.0', '2026-11-22T03:10:00Z')]);
      await store.recordActingVersions([record('bios:r640', '2.19.1', '2026-11-22T03:20:00Z', true)]);
      await store.recordActingVersions([
        { ...record('bios:r640', '1.0.0', '2026-11-22T03:30:00Z'), rolloutId: 'ro-2' },
      ]);

      expect(await store.actingVersions('ro-1')).toEqual([
        record('bios:r640', '2.19.1', '2026-11-22T03:20:00Z', true),
        record('bmc:idrac9', '7.00.00.171', '2026-11-22T03:00:00Z'),
      ]);
      expect((await store.actingVersions('ro-2')).map((a) => a.lowest)).toEqual(['1.0.0']);
    });

    it('keeps the human name beside the key; a record without one reads back without one', async () => {
      await store.recordActingVersions([record('bmc:idrac9', '7.00.00.171', 't')]);
      expect((await store.actingVersions('ro-1'))[0]).toMatchObject({
        line: 'bmc:idrac9',
        name: 'idrac9 (bmc)',
      });
    });

    it('leaves absent versions out (a line nothing reports yet)', async () => {
      await store.recordActingVersions([
        { rolloutId: 'ro-1', line: 'nic:x710', kind: 'nic', converged: false, at: 't' },
      ]);
      expect(await store.actingVersions('ro-1')).toEqual([
        { rolloutId: 'ro-1', line: 'nic:x710', kind: 'nic', converged: false, at: 't' },
      ]);
    });

    it('refuses records of an unknown rollout with FW_ERR_STORE_NOT_FOUND, recording none of the batch', async () => {
      const err = await store
        .recordActingVersions([
          record('bios:r640', '2.17.0', 't'),
          { ...record('bmc:x', '1', 't'), rolloutId: 'nope' },
        ])
        .catch((e) => e);
      expect(err.code).toBe('FW_ERR_STORE_NOT_FOUND');
      expect(await store.actingVersions('ro-1')).toEqual([]);
    });
  });
});

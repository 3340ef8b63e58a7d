/** The API's view cache: a changed fleet file or a new snapshot is seen at once; otherwise work is reused. */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ViewCache } from '../../src/api/view-cache.ts';
import type { Catalog } from '../../src/catalog/index.ts';
import type { FleetInventory } from '../../src/inventory/model.ts';
import type { Plan } from '../../src/planner/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-views-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const fleetOf = (names: string[]) =>
  stringify({ version: 1, servers: names.map((n, i) => ({ name: n, bmc: `https://10.0.0.${i + 1}` })) });

const inv = (scannedAt: string): FleetInventory => ({
  scannedAt,
  failed: 0,
  servers: [
    {
      server: 's1',
      bmc: 'https://10.0.0.1',
      vendor: 'generic',
      labels: {},
      scannedAt,
      components: [],
      copies: [],
    },
  ],
});

describe('ViewCache', () => {
  it('parses the fleet file once, and again when it changes', async () => {
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, fleetOf(['a', 'b']));
    const views = new ViewCache();
    const first = await views.fleet(file);
    expect(first.map((s) => s.name)).toEqual(['a', 'b']);
    expect(await views.fleet(file)).toBe(first);
    await writeFile(file, fleetOf(['a', 'b', 'c']));
    await utimes(file, new Date(), new Date(Date.now() + 5_000));
    expect((await views.fleet(file)).map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('does not keep a fleet file that failed to load', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'version: 1\nservers: [ { name: x } ]\n');
    const views = new ViewCache();
    await expect(views.fleet(file)).rejects.toThrow(/broken\.yaml/);
    await writeFile(file, fleetOf(['x']));
    await utimes(file, new Date(), new Date(Date.now() + 10_000));
    expect((await views.fleet(file)).map((s) => s.name)).toEqual(['x']);
  });

  it('reuses a plan until a snapshot, the catalog or the policy file changes', async () => {
    const views = new ViewCache();
    const catalog = { entries: [] } as unknown as Catalog;
    let made = 0;
    const make = () => ({ servers: [], made: ++made }) as unknown as Plan;
    const a = await views.plan(inv('2026-11-22T01:00:00Z'), catalog, undefined, make);
    expect(await views.plan(inv('2026-11-22T01:00:00Z'), catalog, undefined, make)).toBe(a);
    await views.plan(inv('2026-11-22T02:00:00Z'), catalog, undefined, make);
    expect(made).toBe(2);
    await views.plan(inv('2026-11-22T02:00:00Z'), { entries: [] } as unknown as Catalog, undefined, make);
    expect(made).toBe(3);
    const policy = join(dir, 'policy.yaml');
    await writeFile(policy, 'version: 1\n');
    const other = { entries: [] } as unknown as Catalog;
    await views.plan(inv('2026-11-22T02:00:00Z'), other, policy, make);
    await views.plan(inv('2026-11-22T02:00:00Z'), other, policy, make);
    expect(made).toBe(4);
    await writeFile(policy, 'version: 1\nrules: []\n');
    await views.plan(inv('2026-11-22T02:00:00Z'), other, policy, make);
    expect(made).toBe(5);
  });
});

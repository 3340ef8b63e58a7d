/** plan() as a library call: pure, deterministic, plain data. */
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/planner/index.ts';
import { catalogOf, dellComponent, entry, fleetOf, server } from './helpers.ts';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const inventory = () =>
  fleetOf(
    server(
      'a',
      [
        dellComponent('159', 'bios', '6.1.0', { id: 'a-bios' }),
        dellComponent('20137', 'bmc', '1.98', { id: 'a-idrac' }),
      ],
      {
        labels: { site: 'fra1' },
      },
    ),
    server('b', [dellComponent('159', 'bios', '6.4.0', { id: 'b-bios' })]),
    server('c', [], { error: { code: 'FW_ERR_AUTH', message: '401' } }),
  );
const catalog = () =>
  catalogOf([
    entry('bios', { version: '6.4.0', supportedModels: [{ systemId: '0235' }] }),
    entry('idrac', {
      kind: 'bmc',
      version: '2.90',
      match: { softwareIds: ['20137'] },
      prerequisites: { after: ['bios'] },
    }),
  ]);

describe('plan()', () => {
  it('does not touch its inputs and gives the same plan every time', () => {
    const inv = deepFreeze(inventory());
    const cat = deepFreeze(catalog());
    const policy = deepFreeze({
      pins: [{ match: { site: 'fra1' }, kind: 'bios' as const, version: '6.4.0' }],
    });
    const first = plan(inv, cat, policy);
    expect(plan(inv, cat, policy)).toEqual(first);
    expect(plan(inventory(), catalog(), policy)).toEqual(first);
  });

  it('is plain data: survives a JSON round trip unchanged', () => {
    const p = plan(inventory(), catalog());
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('says which catalog and which inventory it was made from, and totals every decision', () => {
    const p = plan(inventory(), catalog());
    expect(p.inventoryScannedAt).toBe('2026-11-22T03:00:00.000Z');
    expect(p.catalog).toEqual({
      file: 'test-catalog.yaml',
      format: 'native',
      name: 'test-catalog',
      entries: 2,
    });
    expect(p.totals).toEqual({ upgrade: 2, 'up-to-date': 1, 'unreadable-server': 1 });
    expect(p.servers.map((s) => s.decisions.map((d) => [d.step, d.component?.kind]))).toEqual([
      [
        [1, 'bios'],
        [2, 'bmc'],
      ],
      [[undefined, 'bios']],
      [[undefined, undefined]],
    ]);
  });
});

/** The acting version a rollout publishes and completes on: only the component kinds it updates. */
import { describe, expect, it } from 'vitest';
import { lineName } from '../../src/planner/component-line.ts';
import { createPlanner } from '../../src/planner/index.ts';
import { actingVersions } from '../../src/rollout/acting-version.ts';
import { finish } from '../../src/rollout/completion.ts';
import { type RolloutContext, withComponentFilter } from '../../src/rollout/context.ts';
import type { ActingVersionRecord, RolloutServerRecord, Store } from '../../src/store/types.ts';
import { catalogOf, dellComponent, entry, fleetOf, server } from '../planner/helpers.ts';

const CATALOG = catalogOf([
  entry('bios', {
    version: '6.4.0',
    name: 'BIOS',
    supportedModels: [{ systemId: '0235', name: 'PowerEdge R710' }],
  }),
  entry('idrac', { kind: 'bmc', version: '2.90', name: 'iDRAC 6', match: { softwareIds: ['20137'] } }),
  entry('disk', { kind: 'drive', version: 'HT66', match: { softwareIds: ['20412'] } }),
]);
// BMC and BIOS at target; a drive line behind that a `components: [bmc, bios]` rollout never touches.
const FLEET = fleetOf(
  server('a', [
    dellComponent('159', 'bios', '6.4.0'),
    dellComponent('20137', 'bmc', '2.90'),
    dellComponent('20412', 'drive', '2.0.0'),
  ]),
);

describe('actingVersions', () => {
  it('judges only the kinds the rollout updates (spec components)', () => {
    const lines = actingVersions(FLEET, CATALOG, withComponentFilter({}, ['bmc', 'bios']), 'r', 'now');
    expect(lines.map((l) => [l.kind, l.converged])).toEqual([
      ['bios', true],
      ['bmc', true],
    ]);
  });

  it('judges every kind when the rollout names none', () => {
    const lines = actingVersions(FLEET, CATALOG, {}, 'r', 'now');
    expect(lines.map((l) => l.kind).sort()).toEqual(['bios', 'bmc', 'drive']);
  });
});

describe('component line names', () => {
  it.each([
    [{ label: 'iLO 5', kind: 'bmc' }, 'iLO 5 (BMC)'],
    [{ label: 'iLO 5', kind: 'bmc', models: 'ProLiant DL380 Gen10' }, 'iLO 5 (BMC, ProLiant DL380 Gen10)'],
    [{ label: 'BIOS', kind: 'bios', models: 'PowerEdge R710' }, 'BIOS (PowerEdge R710)'],
    [{ label: 'Contoso BIOS Firmware', kind: 'bios' }, 'Contoso BIOS Firmware'],
    [{ label: 'PERC H700', kind: 'storage' }, 'PERC H700 (storage)'],
  ])('%o reads %s', (line, name) => {
    expect(lineName(line)).toBe(name);
  });

  it('every recorded line carries its human name beside the key', () => {
    const lines = actingVersions(FLEET, CATALOG, {}, 'r', 'now');
    const bmc = lines.find((l) => l.kind === 'bmc');
    expect(bmc).toMatchObject({ name: 'iDRAC 6 (BMC)', line: expect.stringMatching(/^dell\|bmc\|/) });
    expect(lines.find((l) => l.kind === 'bios')?.name).toBe('BIOS (PowerEdge R710)');
  });

  it('a rollout paused for lines below target names them as humans read them, not by key', async () => {
    let note = '';
    const recorded: ActingVersionRecord[] = [];
    const servers: RolloutServerRecord[] = [
      { rolloutId: 'r', server: 'a', wave: 0, step: 'done', attempts: 1, updatedAt: 't', labels: {} },
    ];
    const store = {
      rolloutServers: async () => servers,
      latestInventory: async () => FLEET,
      recordActingVersions: async (l: ActingVersionRecord[]) => void recorded.push(...l),
      setRolloutStatus: async (_id: string, _from: unknown, _to: unknown, n: string) => {
        note = n;
        return true;
      },
      append: async () => undefined,
    } as unknown as Store;
    const ctx = {
      id: 'r',
      store,
      catalog: CATALOG,
      planner: createPlanner(CATALOG, {}),
      policy: {},
      actor: 'test',
      deps: { clock: { now: () => 0 } },
      emit: () => undefined,
    } as unknown as RolloutContext;
    await finish(ctx, servers);
    expect(note).toBe(
      'every server was attempted but 1 component lines below target (disk (drive): 2.0.0 < HT66)',
    );
    expect(note).not.toContain('|');
    expect(recorded.map((r) => r.name)).toContain('disk (drive)');
  });
});

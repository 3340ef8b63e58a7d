/**
 * buildDashboardData on handcrafted inventories planned by the real planner: the cell state per
 * server × kind (worst component wins, corruption from inventory signals and backup reports,
 * unreadable servers), the summary counts, acting versions, rollout progress, and the compactness
 * that keeps a 1,000-server poll small.
 */
import { describe, expect, it } from 'vitest';
import type { ServerBackupReport } from '../../src/backup/index.ts';
import {
  buildDashboardData,
  CELL_STATES,
  type CellState,
  corruptionFromBackupReports,
  type DashboardData,
  DashboardDataSchema,
  type RolloutInput,
} from '../../src/dashboard/index.ts';
import { plan } from '../../src/planner/index.ts';
import type { RolloutServerRecord, ServerStep } from '../../src/store/types.ts';
import { catalogOf, component, dellComponent, entry, fleetOf, server } from '../planner/helpers.ts';

const catalog = catalogOf([
  entry('bios-1.1', { kind: 'bios', version: '1.1.0', match: { softwareIds: ['159'] } }),
  entry('idrac-7', { kind: 'bmc', version: '7.0.0', match: { softwareIds: ['25227'] } }),
  entry('nic-20', { kind: 'nic', version: '20.0.0', match: { softwareIds: ['301'] } }),
]);

const fleet = fleetOf(
  server(
    'a-01',
    [
      dellComponent('159', 'bios', '1.0.0'),
      dellComponent('25227', 'bmc', '7.0.0'),
      dellComponent('301', 'nic', '20.0.0', { name: 'NIC 1' }),
      dellComponent('301', 'nic', '19.5.0', { name: 'NIC 2' }),
      component({ kind: 'psu', version: 'PSU-A1', name: 'PSU 1' }),
    ],
    { labels: { site: 'fra1', rack: 'r02' } },
  ),
  server('a-02', [dellComponent('159', 'bios', '1.1.0'), dellComponent('25227', 'bmc', '7.0.0')], {
    labels: { site: 'fra1', rack: 'r01' },
  }),
  server(
    'a-10',
    [
      dellComponent('159', 'bios', '1.1.0', { name: 'BIOS', health: 'Critical' }),
      dellComponent('25227', 'bmc', '7.0.0', { name: 'iDRAC' }),
    ],
    { labels: { site: 'fra1', rack: 'r01' } },
  ),
  server('b-01', [], {
    labels: { site: 'ams2' },
    error: { code: 'FW_ERR_CONNECT', message: 'connect ECONNREFUSED 10.0.0.9:443' },
  }),
);

function cell(d: DashboardData, name: string, kind: string): CellState {
  const s = d.servers.find((x) => x.n === name);
  if (s === undefined) throw new Error(`no server ${name}`);
  return CELL_STATES[Number(s.s[d.kinds.indexOf(kind as never)])]!;
}

function version(d: DashboardData, name: string, kind: string, which: 'i' | 't'): string | undefined {
  const s = d.servers.find((x) => x.n === name)!;
  const idx = s[which][d.kinds.indexOf(kind as never)]!;
  return idx < 0 ? undefined : d.strings[idx];
}

describe('buildDashboardData', () => {
  const p = plan(fleet, catalog);
  const d = buildDashboardData({ inventory: fleet, plan: p, at: '2026-11-22T03:05:00.000Z' });

  it('emits exactly the declared shape', () => {
    expect(DashboardDataSchema.parse(d)).toEqual(d);
  });

  it('has one column per kind present, in execution order', () => {
    expect(d.kinds).toEqual(['bmc', 'bios', 'nic', 'psu']);
    expect(d.generatedAt).toBe('2026-11-22T03:05:00.000Z');
    for (const s of d.servers) expect(s.s).toHaveLength(d.kinds.length);
  });

  it.each([
    ['a-01', 'bios', 'outdated'],
    ['a-01', 'bmc', 'ok'],
    ['a-01', 'nic', 'outdated'], // NIC 1 at target, NIC 2 older: the worst wins
    ['a-01', 'psu', 'unknown'], // no catalog entry
    ['a-02', 'bios', 'ok'],
    ['a-02', 'nic', 'none'],
    ['a-10', 'bios', 'corrupt'], // Status.Health Critical in the inventory
    ['a-10', 'bmc', 'ok'],
    ['b-01', 'bmc', 'unknown'], // unreadable: every kind unknown
    ['b-01', 'psu', 'unknown'],
  ] as const)('%s %s is %s', (name, kind, state) => {
    expect(cell(d, name, kind)).toBe(state);
  });

  it('carries installed and target versions of the component that decided the cell', () => {
    expect(version(d, 'a-01', 'bios', 'i')).toBe('1.0.0');
    expect(version(d, 'a-01', 'bios', 't')).toBe('1.1.0');
    expect(version(d, 'a-01', 'nic', 'i')).toBe('19.5.0');
    expect(version(d, 'a-02', 'nic', 'i')).toBeUndefined();
  });

  it('says why a cell is corrupt and why a server is unknown', () => {
    expect(d.servers.find((s) => s.n === 'a-10')?.x?.['bios']).toMatch(/Critical/);
    expect(d.servers.find((s) => s.n === 'b-01')?.x?.['*']).toMatch(/ECONNREFUSED/);
  });

  it('groups by site and rack and sorts by group, then name', () => {
    expect(d.servers.map((s) => [s.g, s.n])).toEqual([
      ['ams2 / -', 'b-01'],
      ['fra1 / r01', 'a-02'],
      ['fra1 / r01', 'a-10'],
      ['fra1 / r02', 'a-01'],
    ]);
  });

  it('counts servers per kind and state, and keeps the planner component counts', () => {
    const bios = d.summary.find((k) => k.kind === 'bios')!;
    const count = (state: CellState) => bios.servers[CELL_STATES.indexOf(state)];
    expect([count('ok'), count('outdated'), count('unknown'), count('corrupt'), count('none')]).toEqual([
      1, 1, 1, 1, 0,
    ]);
    expect(bios.components).toEqual({ compliant: 2, outdated: 1, unknown: 0 });
    expect(d.totals).toEqual({ servers: 4, unreadable: 1, notScanned: 0, corruptCells: 1, outdatedCells: 2 });
  });

  it('reports the acting version per component line from the compliance summary', () => {
    const bios = d.acting.find((a) => a.kind === 'bios')!;
    expect(bios).toMatchObject({ lowest: '1.0.0', highest: '1.1.0', targets: ['1.1.0'], converged: false });
    const bmc = d.acting.find((a) => a.kind === 'bmc')!;
    expect(bmc).toMatchObject({ lowest: '7.0.0', targets: ['7.0.0'], converged: true });
    const psu = d.acting.find((a) => a.kind === 'psu')!;
    expect(psu.targets).toEqual([]);
  });
});

describe('without a plan, and with servers never scanned', () => {
  const d = buildDashboardData({
    inventory: fleet,
    notScanned: [{ name: 'z-99', labels: { site: 'fra1', rack: 'r09' } }, { name: 'a-01' }],
    problems: [{ code: 'FW_API_NOT_CONFIGURED', message: 'catalog: not configured' }],
  });

  it('shows installed components as unknown and says why', () => {
    expect(DashboardDataSchema.parse(d)).toEqual(d);
    expect(cell(d, 'a-01', 'bios')).toBe('unknown');
    expect(cell(d, 'a-02', 'nic')).toBe('none');
    expect(cell(d, 'a-10', 'bios')).toBe('corrupt'); // integrity signals need no catalog
    expect(d.catalog).toBeNull();
    expect(d.acting).toEqual([]);
    expect(d.problems).toEqual([{ code: 'FW_API_NOT_CONFIGURED', message: 'catalog: not configured' }]);
  });

  it('lists a server never scanned as unknown in every kind, once', () => {
    const z = d.servers.find((s) => s.n === 'z-99')!;
    expect(z).toMatchObject({ g: 'fra1 / r09', s: '3'.repeat(d.kinds.length) });
    expect(z.x?.['*']).toMatch(/never scanned/);
    expect(d.servers.filter((s) => s.n === 'a-01')).toHaveLength(1);
    expect(d.totals).toMatchObject({ servers: 5, notScanned: 1, unreadable: 1 });
  });
});

describe('corruption from outside the inventory', () => {
  const p = plan(fleet, catalog);

  it('marks the kind a backup report names, by component name when the kind is absent', () => {
    const report: Pick<ServerBackupReport, 'server' | 'components'> = {
      server: 'a-02',
      components: [
        {
          component: 'ignored',
          kind: 'bmc',
          uri: '/x',
          key: 'k',
          version: '7.0.0',
          store: { state: 'ok' },
          findings: [
            { kind: 'digest', component: 'iDRAC', uri: '/x', seen: 'sha256 00', detail: 'digest differs' },
          ],
          notes: [],
        },
      ],
    };
    const d = buildDashboardData({
      inventory: fleet,
      plan: p,
      corruption: [
        ...corruptionFromBackupReports([report]),
        { server: 'a-01', component: 'NIC 1', detail: 'SPDM measurement differs' },
        { server: 'a-02', detail: 'image-corrupt somewhere' },
      ],
    });
    expect(cell(d, 'a-02', 'bmc')).toBe('corrupt');
    expect(cell(d, 'a-01', 'nic')).toBe('corrupt');
    expect(cell(d, 'a-02', 'bios')).toBe('ok');
    expect(d.servers.find((s) => s.n === 'a-02')?.x).toEqual({
      bmc: 'digest differs',
      '*': 'image-corrupt somewhere',
    });
  });

  it('ignores a component a restore already repaired', () => {
    const repaired = corruptionFromBackupReports([
      {
        server: 'a-02',
        components: [
          {
            component: 'BIOS',
            kind: 'bios',
            uri: '/y',
            key: 'k',
            version: '1.1.0',
            store: { state: 'ok' },
            findings: [
              { kind: 'health', component: 'BIOS', uri: '/y', seen: 'Critical', detail: 'critical' },
            ],
            notes: [],
            restore: { source: 'slice', outcome: 'verified', detail: 'restored' },
          },
        ],
      },
    ]);
    expect(repaired).toEqual([]);
  });
});

function rs(server: string, wave: number, step: ServerStep, detail?: unknown): RolloutServerRecord {
  return {
    rolloutId: 'r',
    server,
    wave,
    step,
    attempts: 1,
    updatedAt: '2026-11-22T03:00:00.000Z',
    labels: {},
    ...(detail === undefined ? {} : { detail }),
  };
}

function rollout(
  id: string,
  status: RolloutInput['rollout']['status'],
  updatedAt: string,
  servers: RolloutServerRecord[],
): RolloutInput {
  return {
    rollout: { id, name: id, status, spec: {}, createdAt: updatedAt, updatedAt },
    servers: servers.map((s) => ({ ...s, rolloutId: id })),
    acting: [
      {
        rolloutId: id,
        line: 'dell/bios/159',
        kind: 'bios',
        lowest: '1.0.0',
        target: '1.1.0',
        converged: false,
        at: updatedAt,
      },
    ],
  };
}

describe('rollout progress', () => {
  const p = plan(fleet, catalog);
  const old = rollout('old', 'completed', '2026-11-21T00:00:00.000Z', [rs('a-01', 0, 'done')]);
  const live = rollout('live', 'running', '2026-11-20T00:00:00.000Z', [
    rs('a-02', 0, 'done'),
    rs('a-10', 1, 'updating'),
    rs('a-01', 1, 'failed', { code: 'FW_ERR_TASK_FAILED', message: 'ApplyFailed' }),
    rs('b-01', 2, 'pending'),
    rs('c-01', 2, 'skipped'),
  ]);
  const d = buildDashboardData({ inventory: fleet, plan: p, rollouts: [old, live] });

  it('puts unfinished rollouts first and folds steps into done/failed/updating/pending', () => {
    expect(d.rollouts.map((r) => r.id)).toEqual(['live', 'old']);
    const r = d.rollouts[0]!;
    expect(r.progress).toEqual({ total: 5, done: 2, failed: 1, updating: 1, pending: 1 });
    expect(r.waves.map((w) => [w.wave, w.done, w.failed, w.updating, w.pending])).toEqual([
      [0, 1, 0, 0, 0],
      [1, 0, 1, 1, 0],
      [2, 1, 0, 0, 1],
    ]);
    expect(r.currentWave).toBe(1);
    expect(r.failed).toEqual([{ server: 'a-01', detail: 'FW_ERR_TASK_FAILED: ApplyFailed' }]);
    expect(r.acting[0]).toMatchObject({ kind: 'bios', lowest: '1.0.0', target: '1.1.0', converged: false });
  });

  it('shows a failure the rollout driver recorded as its code and message, not as JSON', () => {
    // The detail rollout/server-step.ts stores for a failed server.
    const error = 'FW_ERR_UPDATE_FAILED: Software Inventory: FW_ERR_TASK_FAILED: task ended Exception';
    const failed = rs('a-01', 0, 'failed', { error, code: 'FW_ERR_UPDATE_FAILED', leftDrained: true });
    const other = rs('a-02', 0, 'failed', {
      error: 'socket hang up',
      code: 'FW_ERR_UNEXPECTED',
      leftDrained: false,
    });
    const r = buildDashboardData({
      inventory: fleet,
      rollouts: [rollout('x', 'paused', 't', [failed, other])],
    }).rollouts[0]!;
    expect(r.failed).toEqual([
      { server: 'a-01', detail: error },
      { server: 'a-02', detail: 'FW_ERR_UNEXPECTED: socket hang up' },
    ]);
  });

  it("names a rollout's component line by its recorded name when the current plan does not know it", () => {
    const input = rollout('x', 'running', 't', []);
    input.acting = [{ ...input.acting![0]!, line: 'hpe|bmc|dc:2f317b9d|868703-B21', name: 'iLO 5 (BMC)' }];
    const r = buildDashboardData({ inventory: fleet, rollouts: [input] }).rollouts[0]!;
    expect(r.acting[0]).toMatchObject({ line: 'hpe|bmc|dc:2f317b9d|868703-B21', label: 'iLO 5 (BMC)' });
  });

  it('marks servers in flight or failed in the unfinished rollout on the heatmap', () => {
    const step = (n: string) => d.servers.find((s) => s.n === n)?.r;
    expect([step('a-10'), step('a-01'), step('a-02'), step('b-01')]).toEqual([
      'updating',
      'failed',
      undefined,
      undefined,
    ]);
  });
});

describe('a fleet of 1,000 servers', () => {
  it('stays compact: versions interned once, a short row per server', () => {
    const servers = Array.from({ length: 1000 }, (_, i) =>
      server(
        `node-${String(i).padStart(4, '0')}`,
        [
          dellComponent('159', 'bios', i % 3 === 0 ? '1.0.0' : '1.1.0'),
          dellComponent('25227', 'bmc', '7.0.0'),
          dellComponent('301', 'nic', '20.0.0'),
        ],
        { labels: { site: 'fra1', rack: `r${Math.floor(i / 40)}` } },
      ),
    );
    const inv = fleetOf(...servers);
    const d = buildDashboardData({ inventory: inv, plan: plan(inv, catalog) });
    expect(DashboardDataSchema.parse(d)).toEqual(d);
    expect(d.servers).toHaveLength(1000);
    expect(d.strings.sort()).toEqual(['1.0.0', '1.1.0', '20.0.0', '7.0.0']);
    expect(d.summary.find((k) => k.kind === 'bios')?.servers[CELL_STATES.indexOf('outdated')]).toBe(334);
    // ~100 bytes per server: a 5-second poll of a thousand servers is ~100 kB before compression.
    expect(JSON.stringify(d).length).toBeLessThan(1000 * 110);
  });
});

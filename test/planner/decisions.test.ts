/**
 * Every decision kind on handcrafted inventories: one installed component, one small catalog,
 * and the decision (with the facts its reason must name) the planner must reach.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../src/catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../../src/inventory/model.ts';
import { Decision, type PlanPolicy, plan } from '../../src/planner/index.ts';
import { catalogOf, dellComponent, entry, fleetOf, server } from './helpers.ts';

const bios = (version: string, extra: Partial<InventoryComponent> = {}) =>
  dellComponent('159', 'bios', version, { name: 'BIOS', ...extra });
const r710Bios = (id: string, version: string, extra: Parameters<typeof entry>[1] = {}) =>
  entry(id, { version, supportedModels: [{ systemId: '0235', name: 'PowerEdge R710' }], ...extra });

interface Case {
  name: string;
  installed: InventoryComponent;
  entries: CatalogEntry[];
  policy?: PlanPolicy;
  server?: Partial<ServerInventory>;
  decision: Decision;
  reason: RegExp;
  target?: string;
  compliance: 'compliant' | 'outdated' | 'unknown';
}

const cases: Case[] = [
  {
    name: 'upgrade: catalog newer than installed',
    installed: bios('6.1.0'),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    decision: Decision.upgrade,
    reason: /upgrade 6\.1\.0 → 6\.4\.0 with bios-6\.4\.0 \(recommended\)/,
    target: 'bios-6.4.0',
    compliance: 'outdated',
  },
  {
    name: 'up-to-date: installed equals the catalog',
    installed: bios('6.4.0'),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    decision: Decision.upToDate,
    reason: /installed 6\.4\.0 matches bios-6\.4\.0 6\.4\.0/,
    target: 'bios-6.4.0',
    compliance: 'compliant',
  },
  {
    name: 'newer-than-catalog: installed newer, downgrades not allowed',
    installed: bios('6.5.1'),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    decision: Decision.newerThanCatalog,
    reason: /newer than bios-6\.4\.0 6\.4\.0.*allowDowngrade/,
    target: 'bios-6.4.0',
    compliance: 'compliant',
  },
  {
    name: 'downgrade: installed newer and the policy allows downgrades',
    installed: bios('6.5.1'),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    policy: { allowDowngrade: true },
    decision: Decision.downgrade,
    reason: /downgrade 6\.5\.1 → 6\.4\.0 with bios-6\.4\.0/,
    target: 'bios-6.4.0',
    compliance: 'outdated',
  },
  {
    name: 'no-catalog-entry: no entry has the ComponentID',
    installed: dellComponent('18980', 'management', '1.5.5.27', { name: 'Lifecycle Controller' }),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    decision: Decision.noCatalogEntry,
    reason: /no dell entry matches ComponentID 18980/,
    compliance: 'unknown',
  },
  {
    name: 'incomparable-version: opaque drive codes are never ordered',
    installed: dellComponent('20412', 'drive', 'HT64', { name: 'Disk 0' }),
    entries: [entry('seagate-ht66', { kind: 'drive', version: 'HT66', match: { softwareIds: ['20412'] } })],
    decision: Decision.incomparableVersion,
    reason: /installed HT64 and seagate-ht66 HT66 cannot be ordered .*needs a human/,
    target: 'seagate-ht66',
    compliance: 'unknown',
  },
  {
    name: 'incomparable-version: the BMC reports no version',
    installed: bios(''),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    decision: Decision.incomparableVersion,
    reason: /installed \(no version\) and bios-6\.4\.0 6\.4\.0 cannot be ordered/,
    compliance: 'unknown',
  },
  {
    name: 'blocked-by-prerequisite: minimumInstalledVersion not met',
    installed: bios('5.0.0'),
    entries: [r710Bios('bios-6.4.0', '6.4.0', { prerequisites: { minimumInstalledVersion: '6.0.0' } })],
    decision: Decision.blockedByPrerequisite,
    reason: /below its minimumInstalledVersion 6\.0\.0/,
    target: 'bios-6.4.0',
    compliance: 'outdated',
  },
  {
    name: 'not-updateable: the BMC says Updateable false',
    installed: bios('6.1.0', { updateable: false }),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    decision: Decision.notUpdateable,
    reason: /Updateable false; the catalog has bios-6\.4\.0 6\.4\.0/,
    target: 'bios-6.4.0',
    compliance: 'outdated',
  },
  {
    name: 'excluded-by-policy: kind denied',
    installed: bios('6.1.0'),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    policy: { kinds: { deny: ['bios'] } },
    decision: Decision.excludedByPolicy,
    reason: /kind bios is denied by policy \(kinds\.deny\)/,
    target: 'bios-6.4.0',
    compliance: 'outdated',
  },
  {
    name: 'excluded-by-policy: kind not in the allow list',
    installed: bios('6.1.0'),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    policy: { kinds: { allow: ['bmc', 'nic'] } },
    decision: Decision.excludedByPolicy,
    reason: /kind bios is not in policy kinds\.allow \(bmc, nic\)/,
    compliance: 'outdated',
  },
  {
    name: 'excluded-by-policy: below the criticality threshold',
    installed: bios('6.1.0'),
    entries: [r710Bios('bios-6.4.0', '6.4.0', { criticality: 'optional' })],
    policy: { minimumCriticality: 'recommended' },
    decision: Decision.excludedByPolicy,
    reason: /the update is optional; policy minimumCriticality is recommended/,
    compliance: 'outdated',
  },
  {
    name: 'excluded-by-policy: pinned to a version the catalog lacks',
    installed: bios('6.1.0'),
    entries: [r710Bios('bios-6.4.0', '6.4.0')],
    policy: { pins: [{ kind: 'bios', version: '6.3.0' }] },
    decision: Decision.excludedByPolicy,
    reason:
      /policy pins\[0\] pins 6\.3\.0, but no matching catalog entry has it \(the catalog offers 6\.4\.0/,
    compliance: 'outdated',
  },
];

describe('one decision per installed component', () => {
  it.each(cases)('$name', (c) => {
    const p = plan(fleetOf(server('r710-a', [c.installed], c.server)), catalogOf(c.entries), c.policy);
    const [d, ...others] = p.servers[0]!.decisions;
    expect(others).toHaveLength(0);
    expect(d!.decision).toBe(c.decision);
    expect(d!.reason).toMatch(c.reason);
    expect(d!.compliance).toBe(c.compliance);
    if (c.target !== undefined) expect(d!.target?.entryId).toBe(c.target);
    if (d!.decision === Decision.upgrade || d!.decision === Decision.downgrade) expect(d!.step).toBe(1);
    else expect(d!.step).toBeUndefined();
  });

  it('unreadable-server: one decision carrying the inventory error, nothing planned', () => {
    const down = server('r710-down', [], {
      error: { code: 'FW_ERR_CONNECT', message: 'connect ECONNREFUSED 127.0.0.1:443' },
    });
    const p = plan(fleetOf(down), catalogOf([r710Bios('bios-6.4.0', '6.4.0')]));
    const s = p.servers[0]!;
    expect(s.readable).toBe(false);
    expect(s.decisions).toEqual([
      expect.objectContaining({
        decision: 'unreadable-server',
        reason: expect.stringContaining('ECONNREFUSED'),
      }),
    ]);
    expect(p.compliance.unreadableServers).toBe(1);
    expect(p.totals).toEqual({ 'unreadable-server': 1 });
  });

  it('plans installed components only, never backup or staged copies', () => {
    const installed = bios('6.4.0');
    const rollback = { ...bios('6.0.7'), id: 'Previous-159-6.0.7__BIOS.Setup.1-1', slot: 'backup' as const };
    const p = plan(
      fleetOf(server('r710-a', [installed], { copies: [rollback] })),
      catalogOf([r710Bios('bios-6.4.0', '6.4.0')]),
    );
    expect(p.servers[0]!.decisions.map((d) => [d.component?.id, d.decision])).toEqual([
      [installed.id, 'up-to-date'],
    ]);
  });

  it('every decision of a mixed server is counted once', () => {
    const comps = cases.slice(0, 6).map((c) => c.installed);
    const entries = [
      r710Bios('bios-6.4.0', '6.4.0'),
      entry('seagate-ht66', { kind: 'drive', version: 'HT66', match: { softwareIds: ['20412'] } }),
    ];
    const p = plan(fleetOf(server('r710-a', comps)), catalogOf(entries));
    const s = p.servers[0]!;
    expect(s.decisions).toHaveLength(comps.length);
    expect(new Set(s.decisions.map((d) => d.component?.id)).size).toBe(comps.length);
    expect(Object.values(s.counts).reduce((a, b) => a + b, 0)).toBe(comps.length);
  });
});

describe('incomparable versions never become upgrades', () => {
  const pairs: [string, string, InventoryComponent['kind'], 'dell' | 'hpe' | 'lenovo' | 'generic'][] = [
    ['HT64', 'HT66', 'drive', 'dell'],
    ['1.45.455b66-rev4', '1.47.512c01-rev2', 'bmc', 'generic'],
    ['U30 v2.76 (02/09/2023)', '2.90_07-20-2023', 'bios', 'hpe'],
    ['U30 v2.76 (02/09/2023)', 'U32 v2.90 (07/20/2023)', 'bios', 'hpe'],
    ['', '1.0.0', 'bios', 'generic'],
    ['MA8F', 'MA9F', 'drive', 'generic'],
  ];
  it.each(pairs)('%s vs catalog %s (%s, %s)', (installed, target, kind, vendor) => {
    const c = { ...dellComponent('1', kind, installed), softwareId: 'X1', identity: {} };
    const e = entry('target', { vendor, kind, version: target, match: { softwareIds: ['X1'] } });
    const p = plan(
      fleetOf(server('s', [c], { vendor, systemId: undefined, model: undefined })),
      catalogOf([e]),
    );
    const d = p.servers[0]!.decisions[0]!;
    expect(d.decision).toBe(Decision.incomparableVersion);
    expect(d.comparison?.order).toBe('incomparable');
    expect(d.step).toBeUndefined();
    expect(p.servers[0]!.requires).toEqual({
      hostReboot: false,
      bmcReset: false,
      powerOff: false,
      applyTimes: [],
    });
  });
});

/** Execution order within a server, `after` and minimumInstalledVersion prerequisites, and what a server's actions require. */
import { describe, expect, it } from 'vitest';
import type { InventoryComponent } from '../../src/inventory/model.ts';
import { PlanError, plan } from '../../src/planner/index.ts';
import type { ComponentKind } from '../../src/vocab.ts';
import { catalogOf, decisionFor, dellComponent, entry, fleetOf, server, serverPlan } from './helpers.ts';

/** One Dell component per kind, ComponentID = 100 + kind position, all at 1.0.0. */
const KINDS: ComponentKind[] = [
  'other',
  'psu',
  'drive',
  'nic',
  'storage',
  'cpld',
  'bios',
  'bmc',
  'management',
];
const idOf = (kind: ComponentKind) => String(100 + KINDS.indexOf(kind));
const comp = (kind: ComponentKind, version = '1.0.0', extra: Partial<InventoryComponent> = {}) =>
  dellComponent(idOf(kind), kind, version, { name: kind, ...extra });
const upd = (kind: ComponentKind, extra: Parameters<typeof entry>[1] = {}) =>
  entry(`${kind}-2`, { kind, version: '2.0.0', match: { softwareIds: [idOf(kind)] }, ...extra });

const stepsOf = (p: ReturnType<typeof plan>) =>
  serverPlan(p, 's1')
    .decisions.filter((d) => d.step !== undefined)
    .map((d) => [d.step, d.component?.kind]);

describe('execution order within a server', () => {
  it('BMC first, then BIOS, CPLD, storage, NIC, drives, PSU, the rest; non-actions after', () => {
    const p = plan(
      fleetOf(server('s1', [comp('bios', '9.0.0', { id: 'newer-bios' }), ...KINDS.map((k) => comp(k))])),
      catalogOf(KINDS.map((k) => upd(k, k === 'drive' ? { criticality: 'optional' } : {}))),
    );
    expect(stepsOf(p)).toEqual([
      [1, 'bmc'],
      [2, 'bios'],
      [3, 'cpld'],
      [4, 'storage'],
      [5, 'nic'],
      [6, 'drive'],
      [7, 'psu'],
      [8, 'management'],
      [9, 'other'],
    ]);
    expect(serverPlan(p, 's1').decisions.at(-1)).toMatchObject({
      decision: 'newer-than-catalog',
      component: { id: 'newer-bios' },
    });
  });

  it('`after` overrides the kind order and names the steps to wait for', () => {
    const p = plan(
      fleetOf(server('s1', [comp('bmc'), comp('bios'), comp('nic')])),
      catalogOf([upd('bmc', { prerequisites: { after: ['nic-2'] } }), upd('bios'), upd('nic')]),
    );
    expect(stepsOf(p)).toEqual([
      [1, 'bios'],
      [2, 'nic'],
      [3, 'bmc'],
    ]);
    expect(decisionFor(p, 's1', 'bmc').afterSteps).toEqual([2]);
  });
});

describe('prerequisites', () => {
  it.each([
    {
      name: 'after: satisfied by what is installed',
      comps: [comp('bios', '2.0.0'), comp('nic')],
      entries: [upd('bios'), upd('nic', { prerequisites: { after: ['bios-2'] } })],
      nic: { decision: 'upgrade' },
      afterSteps: undefined,
    },
    {
      name: 'after: planned in the same plan, ordered first',
      comps: [comp('nic'), comp('bios')],
      entries: [upd('bios'), upd('nic', { prerequisites: { after: ['bios-2'] } })],
      nic: { decision: 'upgrade', step: 2 },
      afterSteps: [1],
    },
    {
      name: 'after: the prerequisite is kept out by policy, so this waits',
      comps: [comp('bios'), comp('nic')],
      entries: [
        upd('bios', { criticality: 'optional' }),
        upd('nic', { prerequisites: { after: ['bios-2'] } }),
      ],
      policy: { minimumCriticality: 'recommended' as const },
      nic: {
        decision: 'blocked-by-prerequisite',
        blockedBy: ['bios-2'],
        reason: expect.stringMatching(/needs bios-2 \(2\.0\.0\) on bios first, which is excluded-by-policy/),
      },
    },
    {
      name: 'after: an entry the catalog does not have',
      comps: [comp('nic')],
      entries: [upd('nic', { prerequisites: { after: ['bios-9'] } })],
      nic: {
        decision: 'blocked-by-prerequisite',
        reason: expect.stringMatching(/prerequisite bios-9 is not in the catalog/),
      },
    },
    {
      name: 'after: a prerequisite for hardware this server does not have is satisfied (and said so)',
      comps: [comp('nic')],
      entries: [upd('bios'), upd('nic', { prerequisites: { after: ['bios-2'] } })],
      nic: {
        decision: 'upgrade',
        reason: expect.stringMatching(/prerequisite bios-2 applies to nothing on this server/),
      },
    },
    {
      name: 'after: a chain blocks in cascade (BIOS not updateable → CPLD → NIC)',
      comps: [comp('bios', '1.0.0', { updateable: false }), comp('cpld'), comp('nic')],
      entries: [
        upd('bios'),
        upd('cpld', { prerequisites: { after: ['bios-2'] } }),
        upd('nic', { prerequisites: { after: ['cpld-2'] } }),
      ],
      nic: { decision: 'blocked-by-prerequisite', blockedBy: ['cpld-2'] },
    },
    {
      name: 'after: an earlier release of the same component must be installed first',
      comps: [comp('nic', '1.0.0')],
      entries: [
        entry('nic-1.5', { kind: 'nic', version: '1.5.0', match: { softwareIds: [idOf('nic')] } }),
        upd('nic', { prerequisites: { after: ['nic-1.5'] } }),
      ],
      nic: {
        decision: 'blocked-by-prerequisite',
        reason: expect.stringMatching(
          /needs nic-1\.5 \(1\.5\.0\) installed first and this component runs 1\.0\.0/,
        ),
      },
    },
    {
      name: 'minimumInstalledVersion that cannot be compared blocks too',
      comps: [comp('nic', 'X1')],
      entries: [
        entry('nic-x2', {
          kind: 'nic',
          version: '2.0.0',
          match: { softwareIds: [idOf('nic')] },
          prerequisites: { minimumInstalledVersion: '1.5.0' },
        }),
      ],
      nic: { decision: 'incomparable-version' },
    },
  ])('$name', ({ comps, entries, policy, nic, afterSteps }) => {
    const p = plan(fleetOf(server('s1', comps)), catalogOf(entries), policy);
    const d = decisionFor(p, 's1', 'nic');
    expect(d).toMatchObject(nic);
    if (nic.decision === 'upgrade') expect(d.afterSteps).toEqual(afterSteps);
    if (nic.decision === 'blocked-by-prerequisite') expect(d.step).toBeUndefined();
  });

  it('a prerequisite cycle in the catalog is an error naming the entries', () => {
    const entries = [
      upd('bios', { prerequisites: { after: ['nic-2'] } }),
      upd('nic', { prerequisites: { after: ['cpld-2'] } }),
      upd('cpld', { prerequisites: { after: ['bios-2'] } }),
    ];
    let caught: unknown;
    try {
      plan(fleetOf(server('s1', [comp('nic')])), catalogOf(entries));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PlanError);
    expect((caught as PlanError).code).toBe('FW_ERR_PLAN_PREREQUISITE_CYCLE');
    expect((caught as PlanError).entries).toEqual(['bios-2', 'nic-2', 'cpld-2']);
    expect((caught as PlanError).message).toMatch(/bios-2 → nic-2 → cpld-2 → bios-2/);
  });
  it("a cycle that only appears on a server (each needs the other's intermediate release) is an error too", () => {
    const entries = [
      entry('bios-1.5', { version: '1.5.0', match: { softwareIds: [idOf('bios')] } }),
      upd('bios', { prerequisites: { after: ['nic-1.5'] } }),
      entry('nic-1.5', { kind: 'nic', version: '1.5.0', match: { softwareIds: [idOf('nic')] } }),
      upd('nic', { prerequisites: { after: ['bios-1.5'] } }),
    ];
    expect(() => plan(fleetOf(server('s1', [comp('bios'), comp('nic')])), catalogOf(entries))).toThrow(
      expect.objectContaining({
        code: 'FW_ERR_PLAN_PREREQUISITE_CYCLE',
        entries: ['bios-2', 'nic-2'],
        message: 'server s1: prerequisites.after form a cycle among bios-2, nic-2',
      }),
    );
  });
});

describe('what a server needs for its actions, taken together', () => {
  it.each([
    {
      name: 'BMC firmware means a BMC reset even when the entry does not say so',
      comps: [comp('bmc')],
      entries: [upd('bmc', { requires: { reboot: false } })],
      requires: { hostReboot: false, bmcReset: true, powerOff: false, applyTimes: [] },
    },
    {
      name: 'one reboot for everything, power off when any image needs it, apply times collected',
      comps: [comp('bios'), comp('cpld'), comp('psu')],
      entries: [
        upd('bios', { requires: { reboot: true, applyTime: 'OnReset' } }),
        upd('cpld', { requires: { reboot: true, powerOff: true } }),
        upd('psu', { requires: { reboot: false, applyTime: 'Immediate' } }),
      ],
      requires: { hostReboot: true, bmcReset: false, powerOff: true, applyTimes: ['Immediate', 'OnReset'] },
    },
    {
      name: 'blocked and excluded updates require nothing',
      comps: [comp('bmc', '1.0.0', { updateable: false }), comp('bios', '1.0.0')],
      entries: [upd('bmc'), upd('bios', { prerequisites: { minimumInstalledVersion: '1.5.0' } })],
      requires: { hostReboot: false, bmcReset: false, powerOff: false, applyTimes: [] },
    },
  ])('$name', ({ comps, entries, requires }) => {
    expect(serverPlan(plan(fleetOf(server('s1', comps)), catalogOf(entries)), 's1').requires).toEqual(
      requires,
    );
  });
});

/**
 * createPlanner(): one catalog index and memo set for many plans (a rollout re-plans each server
 * from a fresh scan). Reuse must not change a plan, and decisions shared between components in
 * the same situation must still be separate objects.
 */
import { describe, expect, it } from 'vitest';
import { createPlanner, plan } from '../../src/planner/index.ts';
import { catalogOf, dellComponent, entry, fleetOf, server } from './helpers.ts';

const catalog = () =>
  catalogOf([
    entry('bios-old', { version: '6.1.0', supportedModels: [{ systemId: '0235' }] }),
    entry('bios', { version: '6.4.0', supportedModels: [{ systemId: '0235' }] }),
    entry('idrac', {
      kind: 'bmc',
      version: '2.90',
      match: { softwareIds: ['20137'] },
      prerequisites: { after: ['bios'], minimumInstalledVersion: '1.50' },
    }),
  ]);

/** Servers repeating the same situations (same versions), with a few that differ. */
const fleet = () =>
  fleetOf(
    ...Array.from({ length: 6 }, (_, i) =>
      server(
        `s${i}`,
        [
          dellComponent('159', 'bios', i % 3 === 0 ? '6.4.0' : '6.1.0', { id: `s${i}-bios` }),
          dellComponent('20137', 'bmc', i === 4 ? '1.20' : '1.98', {
            id: `s${i}-idrac`,
            ...(i === 5 ? { updateable: false } : {}),
          }),
        ],
        { labels: { site: i % 2 ? 'fra1' : 'ams1' } },
      ),
    ),
    server('down', [], { error: { code: 'FW_ERR_AUTH', message: '401' } }),
  );

const policies = {
  none: {},
  pinned: { pins: [{ match: { site: 'fra1' }, kind: 'bios' as const, version: '6.1.0' }] },
  denied: { kinds: { deny: ['bmc' as const] } },
};

describe('createPlanner()', () => {
  it.each(Object.entries(policies))(
    'plans like plan(), one server at a time or all at once (%s)',
    (_, policy) => {
      const planner = createPlanner(catalog(), policy);
      const whole = plan(fleet(), catalog(), policy);
      // Twice over, so the second round runs on memos the first one filled.
      for (let round = 0; round < 2; round++) {
        for (const s of fleet().servers) {
          const alone = planner.plan(fleetOf(s));
          expect(alone).toEqual(plan(fleetOf(s), catalog(), policy));
          expect(alone.servers[0]).toEqual(whole.servers.find((x) => x.server === s.server));
        }
        expect(planner.plan(fleet())).toEqual(whole);
      }
    },
  );

  it('gives every component its own decision object, even in the same situation', () => {
    const p = createPlanner(catalog()).plan(fleet());
    const decisions = p.servers.flatMap((s) => s.decisions);
    expect(new Set(decisions).size).toBe(decisions.length);
    const [a, b] = [p.servers[1]!.decisions[0]!, p.servers[2]!.decisions[0]!];
    expect(a.reason).toBe(b.reason);
    expect(a.component?.id).not.toBe(b.component?.id);
    a.step = 99;
    expect(b.step).not.toBe(99);
  });
});

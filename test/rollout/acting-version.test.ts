/** The acting version a rollout publishes and completes on: only the component kinds it updates. */
import { describe, expect, it } from 'vitest';
import { actingVersions } from '../../src/rollout/acting-version.ts';
import { withComponentFilter } from '../../src/rollout/context.ts';
import { catalogOf, dellComponent, entry, fleetOf, server } from '../planner/helpers.ts';

const CATALOG = catalogOf([
  entry('bios', { version: '6.4.0' }),
  entry('idrac', { kind: 'bmc', version: '2.90', match: { softwareIds: ['20137'] } }),
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

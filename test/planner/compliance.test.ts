/**
 * Compliance and the acting version: counts per kind, and per component line the lowest
 * installed version (what the fleet may rely on), the highest and the target. Lines never mix
 * models, vendors or devices, and versions that cannot be ordered are reported, not guessed.
 */
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/planner/index.ts';
import { catalogOf, component, dellComponent, entry, fleetOf, server } from './helpers.ts';

const R710 = { model: 'PowerEdge R710', systemId: '0235' };
const R640 = { model: 'PowerEdge R640', systemId: '0716' };
const bios = (v: string) => dellComponent('159', 'bios', v, { name: 'BIOS' });
const disk = (v: string) => dellComponent('20412', 'drive', v, { name: 'Disk 0' });
const CATALOG = catalogOf([
  entry('r710-bios', { version: '6.4.0', supportedModels: [{ systemId: '0235', name: 'PowerEdge R710' }] }),
  entry('r640-bios', { version: '2.19.1', supportedModels: [{ systemId: '0716', name: 'PowerEdge R640' }] }),
  entry('ht66', { kind: 'drive', version: 'HT66', match: { softwareIds: ['20412'] } }),
  entry('idrac', { kind: 'bmc', version: '2.90', match: { softwareIds: ['20137'] } }),
]);
const FLEET = fleetOf(
  server('r710-1', [bios('6.1.0'), disk('HT64'), dellComponent('20137', 'bmc', '2.90')], R710),
  server('r710-2', [bios('6.3.0'), disk('HT66'), dellComponent('20137', 'bmc', '2.90')], R710),
  server('r710-3', [bios('6.4.0'), dellComponent('20137', 'bmc', '2.90')], R710),
  server('r640-1', [bios('2.15.0'), dellComponent('18980', 'management', '1.5.5.27')], R640),
  server('generic-1', [component({ kind: 'bmc', version: '2.90', softwareId: 'BMC' })], {
    vendor: 'generic',
    model: '3500',
    systemId: '8675309',
  }),
  server('r710-down', [], { ...R710, error: { code: 'FW_ERR_TIMEOUT', message: 'timed out' } }),
);

describe('compliance summary', () => {
  const summary = plan(FLEET, CATALOG).compliance;
  const lines = (kind: keyof typeof summary.byKind) => summary.byKind[kind]!.lines;

  it('counts compliant, outdated and unknown per kind; unreadable servers apart', () => {
    expect(summary.byKind.bios).toMatchObject({ compliant: 1, outdated: 3, unknown: 0 });
    expect(summary.byKind.drive).toMatchObject({ compliant: 1, outdated: 0, unknown: 1 });
    expect(summary.byKind.bmc).toMatchObject({ compliant: 3, outdated: 0, unknown: 1 });
    expect(summary.byKind.management).toMatchObject({ unknown: 1 });
    expect(summary.totals).toEqual({ compliant: 5, outdated: 3, unknown: 3 });
    expect(summary.unreadableServers).toBe(1);
  });

  it('one ComponentID, two models: two BIOS lines, each with its own acting version and target', () => {
    expect(lines('bios').map((l) => [l.models, l.servers, l.lowest, l.highest, l.targets])).toEqual([
      ['PowerEdge R710', 3, '6.1.0', '6.4.0', ['6.4.0']],
      ['PowerEdge R640', 1, '2.15.0', '2.15.0', ['2.19.1']],
    ]);
    const r710 = lines('bios').find((l) => l.models === 'PowerEdge R710')!;
    expect(r710).toMatchObject({
      identity: 'ComponentID 159',
      label: 'r710-bios',
      outdated: 2,
      compliant: 1,
      converged: false,
    });
  });

  it('versions that cannot be ordered are reported instead of an acting version', () => {
    const [drives] = lines('drive');
    expect(drives!.incomparable?.versions).toEqual(['HT64', 'HT66']);
    expect(drives!.incomparable?.pair).toEqual(['HT64', 'HT66']);
    expect(drives!.incomparable?.reason).toMatch(/no known order/);
    expect(drives!.lowest).toBeUndefined();
    expect(drives!.highest).toBeUndefined();
  });

  it('a line where every server runs the target has converged (acting = highest = target)', () => {
    const idrac = lines('bmc').find((l) => l.vendor === 'dell')!;
    expect(idrac).toMatchObject({
      lowest: '2.90',
      highest: '2.90',
      targets: ['2.90'],
      converged: true,
      servers: 3,
    });
  });

  it('never puts two vendors in one line, even at the same version', () => {
    expect(lines('bmc').map((l) => [l.vendor, l.components])).toEqual([
      ['dell', 3],
      ['generic', 1],
    ]);
  });

  it('names each decision with its line', () => {
    const p = plan(FLEET, CATALOG);
    const keys = p.servers.flatMap((s) => s.decisions.map((d) => d.line)).filter(Boolean);
    const all = Object.values(p.compliance.byKind).flatMap((k) => k.lines.map((l) => l.key));
    expect(new Set(keys)).toEqual(new Set(all));
  });
});

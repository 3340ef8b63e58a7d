/**
 * Firmware generations as the drivers read them: from public payloads (unit), and from every
 * simulated profile generation through `probe` (the report's generation and its evidence).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/deps.ts';
import { probeServer } from '../../src/probe/probe-server.ts';
import { ManagerSchema, type ServiceRoot, ServiceRootSchema } from '../../src/redfish/models/index.ts';
import { type SimBmc, type SimVendor, startSimulatedBmc } from '../../src/simulator/index.ts';
import { dell, hpe, lenovo, openbmc, supermicro } from '../../src/vendors/index.ts';
import type { GenerationFacts } from '../../src/vendors/types.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { simServer } from '../probe/helpers.ts';

const fixture = (path: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8'));
const root = (body: object = {}): ServiceRoot => ServiceRootSchema.parse(body);
const facts = (manager: object | undefined, extra: Partial<GenerationFacts> = {}): GenerationFacts => ({
  root: root(),
  ...(manager ? { manager: ManagerSchema.parse({ '@odata.id': '/redfish/v1/Managers/1', ...manager }) } : {}),
  ...extra,
});

describe('iDRAC generation', () => {
  it.each([
    // test/fixtures/vendors/dell: an iDRAC 10 on a 17G server.
    ['17G fixture', fixture('vendors/dell/manager.idrac.embedded.1.json'), 'iDRAC 10', /17G Monolithic/],
    // Wikimedia spicerack's iDRAC 9 Manager (tests/unit/test_redfish.py MODEL_RESPONSE).
    ['14G Monolithic', { Model: '14G Monolithic', FirmwareVersion: '6.00.30.00' }, 'iDRAC 9', /Model/],
    ['13G Monolithic', { Model: '13G Monolithic', FirmwareVersion: '2.83.83.83' }, 'iDRAC 8', /Model/],
    ['no model, 2.x firmware', { FirmwareVersion: '2.50.50.50' }, 'iDRAC 7/8', /FirmwareVersion 2\.50/],
    ['no model, 7.x firmware', { FirmwareVersion: '7.00.00.184' }, 'iDRAC 9', /FirmwareVersion/],
  ])('%s', (_n, manager, name, from) => {
    const g = dell.generation(facts(manager));
    expect(g?.name).toBe(name);
    expect(g?.from).toMatch(from);
  });

  it('reads nothing from a 1.x firmware alone (iDRAC 10, or a pre-Redfish iDRAC 6 line) or no Manager', () => {
    expect(dell.generation(facts({ FirmwareVersion: '1.20.50.52' }))).toBeUndefined();
    expect(
      dell.generation(facts(undefined, { root: root(fixture('vendors/dell/idrac8-2.50-serviceroot.json')) })),
    ).toBeUndefined();
  });
});

describe('iLO generation', () => {
  it('from Manager.Model, with the 2.30 SimpleUpdate boundary of iLO 5', () => {
    expect(hpe.generation(facts({ Model: 'iLO 5', FirmwareVersion: 'iLO 5 v2.78' }))?.name).toBe('iLO 5');
    expect(hpe.generation(facts({ Model: 'iLO 5', FirmwareVersion: 'iLO 5 v2.18' }))?.name).toBe(
      'iLO 5 (before 2.30)',
    );
    expect(hpe.generation(facts({ Model: 'iLO 6', FirmwareVersion: 'iLO 6 v1.59' }))?.name).toBe('iLO 6');
  });

  it('from the service root before any Manager (python-ilorest-library: Oem.Hpe/Hp Manager[0].ManagerType)', () => {
    const ilo5 = root({
      Oem: { Hpe: { Manager: [{ ManagerType: 'iLO 5', ManagerFirmwareVersion: '2.18' }] } },
    });
    expect(hpe.generation({ root: ilo5 })).toEqual({
      name: 'iLO 5 (before 2.30)',
      from: 'service root Oem.Hpe ManagerType "iLO 5", firmware 2.18',
    });
    const ilo4 = root({
      Oem: { Hp: { Manager: [{ ManagerType: 'iLO 4', ManagerFirmwareVersion: '2.80' }] } },
    });
    expect(hpe.generation({ root: ilo4 })?.name).toBe('iLO 4');
    // iLOrest's fallback when ManagerType is absent: Moniker.PRODGEN.
    const moniker = root({ Oem: { Hpe: { Manager: [{}], Moniker: { PRODGEN: 'iLO 6' } } } });
    expect(hpe.generation({ root: moniker })?.name).toBe('iLO 6');
    expect(hpe.generation(facts({ Model: 'ProLiant' }))).toBeUndefined();
  });
});

describe('XCC, Supermicro board and bmcweb generations', () => {
  it.each([
    ['Lenovo XClarity Controller', 'XCC'],
    ['Lenovo XClarity Controller 2', 'XCC2'],
    ['Lenovo XClarity Controller 3', 'XCC3'],
  ])('XCC Manager.Model %s', (model, name) => {
    expect(lenovo.generation(facts({ Model: model }))?.name).toBe(name);
  });

  it('XCC: a Manager without Model (the lenovo-xcc fixture) tells nothing', () => {
    expect(lenovo.generation(facts(fixture('redfish/lenovo-xcc/manager.1.json')))).toBeUndefined();
  });

  it.each([
    // bmclib providers/supermicro: the baseboard part number in ComputerSystem.Model.
    ['X11DPH-T', 'X11'],
    ['X12STH-SYS', 'X12'],
    ['X13SEI-TF', 'X13'],
    ['H12SSL-i', 'H12'],
  ])('Supermicro board %s', (systemModel, name) => {
    const g = supermicro.generation(facts({ Model: 'ASPEED' }, { systemModel }));
    expect(g).toEqual({ name, from: `ComputerSystem Model "${systemModel}"` });
  });

  it('Supermicro: a product name and the ASPEED Manager tell nothing', () => {
    expect(
      supermicro.generation(facts({ Model: 'ASPEED' }, { systemModel: 'SYS-510T-MR-EI018' })),
    ).toBeUndefined();
  });

  it('bmcweb: the OpenBMC release from the Manager FirmwareVersion', () => {
    expect(
      openbmc.generation(facts({ Model: 'OpenBmc', FirmwareVersion: '2.14.0-dev-1066-g5d3a29a8c' })).name,
    ).toBe('bmcweb, OpenBMC 2.14');
    expect(openbmc.generation(facts({ Model: 'OpenBmc' })).name).toBe('bmcweb');
  });
});

describe('probe reports the generation of every simulated profile generation', () => {
  const deps = defaultDeps({ logger: captureLogger('error').logger });
  const cases: Array<[SimVendor, string | undefined, RegExp, RegExp]> = [
    ['generic', undefined, /^unknown$/, /generic driver tells no generations apart/],
    ['dell', 'idrac9', /^iDRAC 9$/, /^Manager Model "14G Monolithic"$/],
    ['dell', 'idrac8', /^iDRAC 8$/, /^Manager Model "13G Monolithic"$/],
    ['hpe', 'ilo5', /^iLO 5$/, /^Manager Model "iLO 5"$/],
    ['hpe', 'ilo5-early', /^iLO 5 \(before 2\.30\)$/, /^Manager Model "iLO 5", firmware 2\.1\d$/],
    ['hpe', 'ilo6', /^iLO 6$/, /^Manager Model "iLO 6"$/],
    ['lenovo', undefined, /^XCC2$/, /XClarity Controller 2/],
    ['lenovo', 'xcc2', /^XCC2$/, /XClarity Controller 2/],
    ['supermicro', 'x11', /^unknown$/, /names a supermicro generation/],
    ['supermicro', 'x12', /^unknown$/, /names a supermicro generation/],
    ['openbmc', 'bmcweb-dbus-update', /^bmcweb, OpenBMC \d+\.\d+$/, /^Manager FirmwareVersion /],
    ['openbmc', 'bmcweb-legacy-update', /^bmcweb, OpenBMC \d+\.\d+$/, /^Manager FirmwareVersion /],
  ];
  const bmcs: SimBmc[] = [];
  beforeAll(async () => {
    bmcs.push(
      ...(await Promise.all(
        cases.map(([vendor, generation]) =>
          startSimulatedBmc({ vendor, seed: 3, ...(generation ? { generation } : {}) }),
        ),
      )),
    );
  });
  afterAll(async () => {
    await Promise.all(bmcs.map((b) => b.close()));
  });

  it.each(cases.map((c, i) => [`${c[0]} ${c[1] ?? '(reference)'}`, i] as const))('%s', async (_n, i) => {
    const [vendor, , name, from] = cases[i] as (typeof cases)[number];
    const report = await probeServer(simServer(bmcs[i] as SimBmc), deps);
    expect(report.family).toBe(vendor);
    expect(report.generation).toMatch(name);
    expect(report.generationFrom).toMatch(from);
    expect(report.manager).toBeTruthy();
  });
});

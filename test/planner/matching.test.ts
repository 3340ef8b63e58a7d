/**
 * Matching an installed component to catalog entries, where tools flash the wrong image: vendor,
 * Dell ComponentID with PCI fallback and cross-check, HPE Targets/DeviceClass, name patterns,
 * the model filter, and choosing among several entries.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../src/catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../../src/inventory/model.ts';
import { normalizeSystemId, plan } from '../../src/planner/index.ts';
import { catalogOf, component, dellComponent, entry, fleetOf, server } from './helpers.ts';

const R710 = [{ systemId: '0235', name: 'PowerEdge R710' }];
const R640 = [{ systemId: '0716', name: 'PowerEdge R640' }];
const I350 = { vendorId: '8086', deviceId: '1521', subsystemVendorId: '8086', subsystemId: '5002' };
const intelNic = (pci: InventoryComponent['identity']['pci'] = I350) =>
  component({
    kind: 'nic',
    version: '16.0.24',
    name: 'Intel(R) Gigabit 2P I350-t Adapter',
    identity: { fqdd: 'NIC.Slot.2-1-1', pci },
  });
const hpeServer = { vendor: 'hpe' as const, model: 'ProLiant DL380 Gen10', systemId: '868703-B21' };
const ILO_TARGET = '4764a662-b342-4fc7-9ce9-258c5d99e815';
const ILO_CLASS = '2f317b9d-c9e3-4d76-bff6-b9d0d085a952';
const ilo = (identity: InventoryComponent['identity']) =>
  component({ kind: 'bmc', version: '2.78 Apr 28 2023', name: 'iLO 5', identity });
const iloEntry = (match: CatalogEntry['match']) =>
  entry('ilo5-2.96', {
    vendor: 'hpe',
    kind: 'bmc',
    version: '2.96',
    match,
    requires: { reboot: false, bmcReset: true },
  });

interface Case {
  name: string;
  installed: InventoryComponent;
  entries: CatalogEntry[];
  server?: Partial<ServerInventory>;
  decision: string;
  target?: string;
  matchedBy?: RegExp;
  reason?: RegExp;
}

const cases: Case[] = [
  {
    name: 'Dell by ComponentID on a supported model',
    installed: dellComponent('159', 'bios', '6.1.0'),
    entries: [entry('r710-bios', { version: '6.4.0', supportedModels: R710 })],
    decision: 'upgrade',
    target: 'r710-bios',
    matchedBy: /^ComponentID 159, SystemID 0235$/,
  },
  {
    name: 'Dell ComponentID 159 of another model is not this BIOS',
    installed: dellComponent('159', 'bios', '6.1.0'),
    entries: [entry('r640-bios', { version: '2.19.1', supportedModels: R640 })],
    decision: 'no-catalog-entry',
    reason: /r640-bios is for PowerEdge R640 \(0716\), not PowerEdge R710 \(system id 0235\)/,
  },
  {
    name: 'several model-restricted entries, none for this model: counted and named',
    installed: dellComponent('159', 'bios', '6.1.0'),
    entries: [
      entry('r640-bios', { version: '2.19.1', supportedModels: R640 }),
      entry('m630-bios', {
        version: '2.6.0',
        supportedModels: [{ systemId: '060E', name: 'PowerEdge M630' }],
      }),
    ],
    decision: 'no-catalog-entry',
    reason: /2 dell entries match ComponentID 159, none for PowerEdge R710 \(system id 0235\)/,
  },
  {
    name: 'model-restricted entry and a server whose system id is unknown: no match',
    installed: dellComponent('159', 'bios', '6.1.0'),
    entries: [entry('r710-bios', { version: '6.4.0', supportedModels: R710 })],
    server: { systemId: undefined },
    decision: 'no-catalog-entry',
    reason:
      /restricted to PowerEdge R710 \(0235\) and the server reports no system id \(model PowerEdge R710\)/,
  },
  {
    name: 'an entry without supportedModels applies to any model',
    installed: dellComponent('20137', 'bmc', '1.98'),
    entries: [entry('idrac6-2.90', { kind: 'bmc', version: '2.90', match: { softwareIds: ['20137'] } })],
    server: { systemId: undefined },
    decision: 'upgrade',
    matchedBy: /^ComponentID 20137$/,
  },
  {
    name: 'Dell PCI fallback when iDRAC reports no ComponentID',
    installed: intelNic(),
    entries: [
      entry('i350-16.5.20', {
        kind: 'nic',
        version: '16.5.20',
        match: {
          softwareIds: ['27477'],
          pci: [{ vendorId: '8086', deviceId: '1521', subsystemVendorId: '8086', subsystemId: '5002' }],
        },
        supportedModels: R710,
      }),
    ],
    decision: 'upgrade',
    target: 'i350-16.5.20',
    matchedBy: /^PCI 8086:1521 8086:5002, SystemID 0235$/,
  },
  {
    name: 'Dell PCI fallback: another subsystem is another card',
    installed: intelNic(),
    entries: [
      entry('i350-oem', {
        kind: 'nic',
        version: '16.5.20',
        match: {
          pci: [{ vendorId: '8086', deviceId: '1521', subsystemVendorId: '1028', subsystemId: '1f60' }],
        },
      }),
    ],
    decision: 'no-catalog-entry',
    reason: /i350-oem: PCI 8086:1521 8086:5002 is not among the entry's PCI ids/,
  },
  {
    name: 'Dell PCI fallback: vendor and device suffice when the entry names no subsystem',
    installed: intelNic(),
    entries: [
      entry('i350-any', {
        kind: 'nic',
        version: '16.5.20',
        match: { pci: [{ vendorId: '8086', deviceId: '1521' }] },
      }),
    ],
    decision: 'upgrade',
  },
  {
    name: 'Dell PCI fallback: the entry names a subsystem the component does not report',
    installed: intelNic({ vendorId: '8086', deviceId: '1521' }),
    entries: [entry('i350', { kind: 'nic', version: '16.5.20', match: { pci: [I350] } })],
    decision: 'no-catalog-entry',
    reason: /PCI 8086:1521 is not among the entry's PCI ids/,
  },
  {
    name: 'Dell ComponentID agrees but the PCI ids do not: refused',
    installed: dellComponent('13869', 'nic', '7.10.18', {
      identity: {
        pci: { vendorId: '14e4', deviceId: '1639', subsystemVendorId: '14e4', subsystemId: '0907' },
      },
    }),
    entries: [
      entry('bcm57810', {
        kind: 'nic',
        version: '08.07.26',
        match: { softwareIds: ['13869'], pci: [{ vendorId: '14e4', deviceId: '168e' }] },
      }),
    ],
    decision: 'no-catalog-entry',
    reason: /bcm57810: PCI 14e4:1639 14e4:0907 is not among the entry's PCI ids/,
  },
  {
    name: 'Dell component with neither ComponentID nor PCI ids (PSU)',
    installed: component({
      kind: 'psu',
      version: '00.1B.53',
      name: 'PS1 Status',
      identity: { fqdd: 'PSU.Slot.1' },
    }),
    entries: [entry('psu', { kind: 'psu', version: '00.1B.54', match: { softwareIds: ['1234'] } })],
    decision: 'no-catalog-entry',
    reason: /no ComponentID and no PCI ids/,
  },
  {
    name: 'vendor must agree: an HPE entry never matches a Dell server',
    installed: dellComponent('159', 'bios', '6.1.0'),
    entries: [entry('hpe-rom', { vendor: 'hpe', version: '6.4.0', match: { softwareIds: ['159'] } })],
    decision: 'no-catalog-entry',
    reason: /the catalog has no dell entries/,
  },
  {
    name: 'HPE by Targets GUID (and DeviceClass when both report it)',
    installed: ilo({
      hpeTargets: [ILO_TARGET, 'c0bcf2b3-1a8d-4b8a-b4ee-2d0a6e3a9c0d'],
      hpeDeviceClass: ILO_CLASS,
    }),
    entries: [iloEntry({ hpeTargets: [ILO_TARGET.toUpperCase()], hpeDeviceClass: ILO_CLASS })],
    server: hpeServer,
    decision: 'upgrade',
    matchedBy: new RegExp(`^HPE target ${ILO_TARGET}$`),
  },
  {
    name: 'HPE Targets that share no GUID',
    installed: ilo({ hpeTargets: ['00000000-0000-0000-0000-000000000205'] }),
    entries: [iloEntry({ hpeTargets: [ILO_TARGET] })],
    server: hpeServer,
    decision: 'no-catalog-entry',
  },
  {
    name: 'HPE entry with Targets, component without: never by DeviceClass alone',
    installed: ilo({ hpeDeviceClass: ILO_CLASS }),
    entries: [iloEntry({ hpeTargets: [ILO_TARGET], hpeDeviceClass: ILO_CLASS })],
    server: hpeServer,
    decision: 'no-catalog-entry',
    reason: /the component reports no Oem\.Hpe\.Targets/,
  },
  {
    name: 'HPE Targets agree but the DeviceClass does not: refused',
    installed: ilo({ hpeTargets: [ILO_TARGET], hpeDeviceClass: 'b1ad439a-07dc-5ea0-b4fc-e7e3c4e4b6c8' }),
    entries: [iloEntry({ hpeTargets: [ILO_TARGET], hpeDeviceClass: ILO_CLASS })],
    server: hpeServer,
    decision: 'no-catalog-entry',
    reason: /DeviceClass b1ad439a-07dc-5ea0-b4fc-e7e3c4e4b6c8 is not the entry's/,
  },
  {
    name: 'HPE by DeviceClass when the entry names no Targets',
    installed: ilo({ hpeDeviceClass: ILO_CLASS }),
    entries: [iloEntry({ hpeDeviceClass: ILO_CLASS })],
    server: hpeServer,
    decision: 'upgrade',
    matchedBy: /^HPE DeviceClass/,
  },
  {
    name: 'SoftwareId GUIDs compare without case (generic)',
    installed: component({
      kind: 'bios',
      version: 'P79 v1.45',
      softwareId: 'FEE82A67-6CE2-4625-9F44-237AD2402C28',
    }),
    entries: [
      entry('contoso-bios', {
        vendor: 'generic',
        version: 'P79 v1.95',
        match: { softwareIds: ['fee82a67-6ce2-4625-9f44-237ad2402c28'] },
      }),
    ],
    server: { vendor: 'generic', systemId: '8675309', model: '3500' },
    decision: 'upgrade',
  },
  {
    name: 'model filter by name (Lenovo), case and spacing aside',
    installed: component({
      kind: 'bios',
      version: 'ESE118F-2.10',
      name: 'UEFI Primary',
      softwareId: 'ESE118F',
    }),
    entries: [
      entry('uefi-3.10', {
        vendor: 'lenovo',
        version: 'ESE122T-3.10',
        match: { namePattern: '^UEFI Primary$' },
        supportedModels: [{ name: 'ThinkSystem SR650 V3' }],
      }),
    ],
    server: { vendor: 'lenovo', model: 'thinksystem  SR650 V3', systemId: '7D76CTO1WW' },
    decision: 'upgrade',
    matchedBy: /~ \/\^UEFI Primary\$\/, model thinksystem {2}SR650 V3$/,
  },
  {
    name: 'a name-pattern match needs the kinds to agree (OpenBMC names every member alike)',
    installed: component({ kind: 'bios', version: '3.6.0', name: 'Software Inventory' }),
    entries: [
      entry('obmc-2.15', {
        vendor: 'openbmc',
        kind: 'bmc',
        version: '2.15.0',
        match: { namePattern: '^Software Inventory$' },
      }),
    ],
    server: { vendor: 'openbmc', model: 'Romulus', systemId: undefined },
    decision: 'no-catalog-entry',
  },
];

describe('matching installed components to catalog entries', () => {
  it.each(cases)('$name', (c) => {
    const p = plan(fleetOf(server('s1', [c.installed], c.server)), catalogOf(c.entries));
    const d = p.servers[0]!.decisions[0]!;
    expect(d.decision).toBe(c.decision);
    if (c.target) expect(d.target?.entryId).toBe(c.target);
    if (c.matchedBy) expect(d.matchedBy).toMatch(c.matchedBy);
    if (c.reason) expect(d.reason).toMatch(c.reason);
    if (c.decision === 'no-catalog-entry') expect(d.target).toBeUndefined();
  });
});

describe('several matching entries', () => {
  const bios = dellComponent('159', 'bios', '6.1.0');
  const at = (id: string, version: string, extra: Parameters<typeof entry>[1] = {}) =>
    entry(id, { version, supportedModels: R710, ...extra });

  it.each([
    {
      name: 'the highest version wins, whatever the catalog order',
      versions: ['6.3.0', '6.4.0', '6.2.3'],
      target: 'e1',
    },
    { name: 'dotted numbers compare by value, not as text', versions: ['6.10.0', '6.9.9'], target: 'e0' },
  ])('$name', ({ versions, target }) => {
    const p = plan(fleetOf(server('s1', [bios])), catalogOf(versions.map((v, i) => at(`e${i}`, v))));
    expect(p.servers[0]!.decisions[0]).toMatchObject({ decision: 'upgrade', target: { entryId: target } });
  });

  it('candidates that cannot be ordered need a human, never a guess', () => {
    const p = plan(fleetOf(server('s1', [bios])), catalogOf([at('a', '6.4.0'), at('b', 'A07')]));
    const d = p.servers[0]!.decisions[0]!;
    expect(d.decision).toBe('incomparable-version');
    expect(d.reason).toMatch(
      /candidate entries a \(6\.4\.0\) and b \(A07\) cannot be ordered.*needs a human/,
    );
    expect(d.target).toBeUndefined();
  });

  it('one version with two different images needs a human; the same image twice is fine', () => {
    const same = at('b', '6.4.0', { image: at('a', '6.4.0').image });
    expect(
      plan(fleetOf(server('s1', [bios])), catalogOf([at('a', '6.4.0'), same])).servers[0]!.decisions[0],
    ).toMatchObject({
      decision: 'upgrade',
      target: { entryId: 'a' },
    });
    const d = plan(fleetOf(server('s1', [bios])), catalogOf([at('a', '6.4.0'), at('c', '6.4.0')])).servers[0]!
      .decisions[0]!;
    expect(d.decision).toBe('incomparable-version');
    expect(d.reason).toMatch(/a and c both offer 6\.4\.0 with different images/);
  });
});

describe('normalizeSystemId', () => {
  it.each([
    ['dell', '235', '0235'],
    ['dell', '0x235', '0235'],
    ['dell', '04dd', '04DD'],
    ['hpe', ' 868703-b21 ', '868703-B21'],
  ] as const)('%s %j → %s', (vendor, id, want) => {
    expect(normalizeSystemId(vendor, id)).toBe(want);
  });
});

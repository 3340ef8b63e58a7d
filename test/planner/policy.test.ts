/** The plan policy: pins per label, criticality threshold, kinds, downgrades, and the file format. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { POLICY_SCHEMA_PATH, policyJsonSchema } from '../../scripts/gen-policy-schema.ts';
import type { CatalogEntry } from '../../src/catalog/model.ts';
import { ConfigError } from '../../src/errors.ts';
import { type PlanPolicy, parsePolicyText, plan } from '../../src/planner/index.ts';
import { catalogOf, dellComponent, entry, fleetOf, server } from './helpers.ts';

const R640 = { model: 'PowerEdge R640', systemId: '0716' };
const r640Bios = (version: string, criticality: CatalogEntry['criticality'] = 'recommended') =>
  entry(`r640-bios-${version}`, { version, criticality, supportedModels: [{ systemId: '0716' }] });
const CATALOG = catalogOf([r640Bios('2.15.0'), r640Bios('2.17.1'), r640Bios('2.19.1')]);
const at = (name: string, version: string, labels: Record<string, string>) =>
  server(name, [dellComponent('159', 'bios', version, { name: 'BIOS' })], { ...R640, labels });

function decide(policy: PlanPolicy, installed: string, labels: Record<string, string>, catalog = CATALOG) {
  return plan(fleetOf(at('s1', installed, labels)), catalog, policy).servers[0]!.decisions[0]!;
}

const FRA1_PIN: PlanPolicy = {
  pins: [{ match: { site: 'fra1' }, kind: 'bios', version: '2.17.1', note: 'CHG-4711' }],
};

interface PinCase {
  name: string;
  policy: PlanPolicy;
  installed: string;
  labels: Record<string, string>;
  decision: string;
  target?: string;
  reason?: RegExp;
}

describe('pins', () => {
  it.each<PinCase>([
    {
      name: 'a pinned site upgrades exactly to the pin, not beyond',
      policy: FRA1_PIN,
      installed: '2.10.0',
      labels: { site: 'fra1' },
      decision: 'upgrade',
      target: 'r640-bios-2.17.1',
      reason: /upgrade 2\.10\.0 → 2\.17\.1 .*pinned to 2\.17\.1 by policy pins\[0\] \(site=fra1\): CHG-4711/,
    },
    {
      name: 'an unpinned site upgrades to the newest',
      policy: FRA1_PIN,
      installed: '2.10.0',
      labels: { site: 'ams1' },
      decision: 'upgrade',
      target: 'r640-bios-2.19.1',
      reason: /upgrade 2\.10\.0 → 2\.19\.1/,
    },
    {
      name: 'at the pin: up to date, and says why it stays there',
      policy: FRA1_PIN,
      installed: '2.17.1',
      labels: { site: 'fra1' },
      decision: 'up-to-date',
      target: 'r640-bios-2.17.1',
      reason: /pinned to 2\.17\.1 by policy pins\[0\]/,
    },
    {
      name: 'beyond the pin without allowDowngrade: reported, not flashed',
      policy: FRA1_PIN,
      installed: '2.19.1',
      labels: { site: 'fra1' },
      decision: 'newer-than-catalog',
      reason: /newer than r640-bios-2\.17\.1 2\.17\.1 \(pinned to 2\.17\.1.*allowDowngrade/,
    },
    {
      name: 'beyond the pin with allowDowngrade: back to the pin',
      policy: { ...FRA1_PIN, allowDowngrade: true },
      installed: '2.19.1',
      labels: { site: 'fra1' },
      decision: 'downgrade',
      target: 'r640-bios-2.17.1',
    },
    {
      name: 'at-most: the highest catalog version not beyond the pin',
      policy: { pins: [{ kind: 'bios', version: '2.18', mode: 'at-most' }] },
      installed: '2.10.0',
      labels: {},
      decision: 'upgrade',
      target: 'r640-bios-2.17.1',
      reason: /pinned at most 2\.18 by policy pins\[0\]/,
    },
    {
      name: 'a selector value list matches any listed value',
      policy: { pins: [{ match: { site: ['ams1', 'fra1'] }, kind: 'bios', version: '2.15.0' }] },
      installed: '2.10.0',
      labels: { site: 'fra1', rack: 'r12' },
      decision: 'upgrade',
      target: 'r640-bios-2.15.0',
    },
    {
      name: 'a selector needs every key: a missing label means no pin',
      policy: { pins: [{ match: { site: 'fra1', role: 'db' }, kind: 'bios', version: '2.15.0' }] },
      installed: '2.10.0',
      labels: { site: 'fra1' },
      decision: 'upgrade',
      target: 'r640-bios-2.19.1',
    },
    {
      name: 'a pin for another vendor does not apply',
      policy: { pins: [{ vendor: 'hpe', kind: 'bios', version: '2.15.0' }] },
      installed: '2.10.0',
      labels: {},
      decision: 'upgrade',
      target: 'r640-bios-2.19.1',
    },
    {
      name: 'pins that disagree: excluded, both named',
      policy: {
        pins: [
          { match: { site: 'fra1' }, kind: 'bios', version: '2.17.1' },
          { match: { rack: 'r12' }, kind: 'bios', version: '2.19.1' },
        ],
      },
      installed: '2.10.0',
      labels: { site: 'fra1', rack: 'r12' },
      decision: 'excluded-by-policy',
      reason:
        /conflicting pins: policy pins\[0\] \(site=fra1\) holds 2\.17\.1 \(exact\), policy pins\[1\] \(rack=r12\) holds 2\.19\.1/,
    },
    {
      name: 'installed equals a pin the catalog no longer carries: up to date',
      policy: { pins: [{ kind: 'bios', version: '2.16.0' }] },
      installed: '2.16.0',
      labels: {},
      decision: 'up-to-date',
      reason:
        /installed 2\.16\.0 is the version policy pins\[0\] pins \(the catalog offers 2\.15\.0, 2\.17\.1, 2\.19\.1\)/,
    },
  ])('$name', ({ policy, installed, labels, decision, target, reason }) => {
    const d = decide(policy, installed, labels);
    expect(d.decision).toBe(decision);
    if (target) expect(d.target?.entryId).toBe(target);
    if (reason) expect(d.reason).toMatch(reason);
  });
});

describe('criticality threshold', () => {
  it.each([
    {
      name: 'the newest is optional but supersedes an urgent fix: upgrade to the newest',
      entries: [r640Bios('2.17.1', 'urgent'), r640Bios('2.19.1', 'optional')],
      min: 'recommended' as const,
      decision: 'upgrade',
      target: 'r640-bios-2.19.1',
    },
    {
      name: 'only optional releases are newer: excluded',
      entries: [r640Bios('2.15.0', 'urgent'), r640Bios('2.19.1', 'optional')],
      min: 'recommended' as const,
      decision: 'excluded-by-policy',
    },
    {
      name: 'urgent only: a recommended update waits',
      entries: [r640Bios('2.19.1', 'recommended')],
      min: 'urgent' as const,
      decision: 'excluded-by-policy',
    },
    {
      name: 'optional threshold lets everything through',
      entries: [r640Bios('2.19.1', 'optional')],
      min: 'optional' as const,
      decision: 'upgrade',
    },
  ])('$name', ({ entries, min, decision, target }) => {
    const d = decide({ minimumCriticality: min }, '2.16.0', {}, catalogOf(entries));
    expect(d.decision).toBe(decision);
    if (target) expect(d.target?.entryId).toBe(target);
  });
});

describe('policy files', () => {
  it('reads the example policy (YAML)', async () => {
    const text = await readFile('test/fixtures/planner/policy.yaml', 'utf8');
    const policy = parsePolicyText(text, 'policy.yaml');
    expect(policy.kinds).toEqual({ deny: ['drive'] });
    expect(policy.minimumCriticality).toBe('recommended');
    expect(policy.pins?.[1]).toMatchObject({
      match: { site: ['ams1', 'ams2'], role: 'storage' },
      mode: 'at-most',
    });
    expect('version' in policy).toBe(false);
  });

  it('reads JSON too', () => {
    const policy = parsePolicyText('{"version": 1, "allowDowngrade": true, "pins": []}', 'policy.json');
    expect(policy).toEqual({ allowDowngrade: true, pins: [] });
  });

  it.each([
    {
      name: 'unknown field names its path and line',
      text: 'version: 1\npins:\n  - kind: bios\n    version: "2.17.1"\n    sites: fra1\n',
      message: /^policy\.yaml: pins\[0\]: Unrecognized key: "sites" \(line 3\)/,
    },
    {
      name: 'a kind that does not exist',
      text: 'version: 1\npins:\n  - kind: firmware\n    version: "1"\n',
      message: /pins\[0\]\.kind: .*"bios".*\(line 3\)/,
    },
    {
      name: 'a criticality that does not exist',
      text: 'version: 1\nminimumCriticality: critical\n',
      message: /minimumCriticality: .*"urgent".*\(line 2\)/,
    },
    {
      name: 'no version',
      text: 'allowDowngrade: true\n',
      message: /version: unsupported policy version: expected 1/,
    },
    {
      name: 'a kind both allowed and denied',
      text: 'version: 1\nkinds:\n  allow: [bios, bmc]\n  deny: [bmc]\n',
      message: /kinds\.deny\[0\]: kind "bmc" is both allowed and denied \(line 4\)/,
    },
    {
      name: 'malformed YAML names the line',
      text: 'version: 1\npins: [\n  kind: bios\n',
      message: /^policy\.yaml:\d+: malformed policy file/,
    },
    {
      name: 'a pin without a version',
      text: 'version: 1\npins:\n  - { kind: bios }\n',
      message: /pins\[0\]\.version: /,
    },
  ])('$name', ({ text, message }) => {
    let caught: unknown;
    try {
      parsePolicyText(text, 'policy.yaml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe('FW_ERR_CONFIG');
    expect((caught as ConfigError).message).toMatch(message);
  });

  it('has a committed JSON Schema generated from the zod schema', async () => {
    expect(await readFile(POLICY_SCHEMA_PATH, 'utf8')).toBe(policyJsonSchema());
  });
});

describe('entries (update --entry): one catalog entry, without a policy file', () => {
  it.each([
    {
      name: 'the chosen entry is the target, even below the newest',
      entries: ['r640-bios-2.17.1'],
      decision: 'upgrade',
      target: 'r640-bios-2.17.1',
    },
    {
      name: 'a component no chosen entry matches is left alone, and says so',
      entries: ['some-nic-entry'],
      decision: 'excluded-by-policy',
      reason: /not selected: only some-nic-entry is applied/,
    },
  ])('$name', ({ entries, decision, target, reason }) => {
    const d = decide({ entries }, '2.10.0', {});
    expect(d.decision).toBe(decision);
    if (target) expect(d.target?.entryId).toBe(target);
    if (reason) expect(d.reason).toMatch(reason);
  });

  it('a pin still bounds the chosen entry', () => {
    const d = decide({ ...FRA1_PIN, entries: ['r640-bios-2.19.1'] }, '2.10.0', { site: 'fra1' });
    expect(d.decision).toBe('excluded-by-policy');
    expect(d.reason).toMatch(/pins 2\.17\.1/);
  });
});

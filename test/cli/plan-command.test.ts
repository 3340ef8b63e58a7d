/**
 * `firmwarden plan` over real loopback HTTPS against the simulator: the readable report, one JSON
 * document, the policy file, and the exit codes (0 planned, 1 unreadable servers, bad input
 * thrown as a config error, which main turns into exit 2, before any BMC is contacted).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../../src/cli/args.ts';
import { planCommand } from '../../src/cli/plan-command.ts';
import { defaultDeps } from '../../src/deps.ts';
import type { ConfigError } from '../../src/errors.ts';
import type { Plan } from '../../src/planner/index.ts';
import { type SimFleet, startSimulatedFleet } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const SIM_CATALOG = 'test/fixtures/planner/sim-catalog.yaml';
const DELL_11G = 'test/fixtures/catalog/dell/dell-poweredge-11g-Catalog.xml';

let fleet: SimFleet;
let dir: string;
let fleetFile: string;

beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: 6, seed: 5 });
  dir = await mkdtemp(join(tmpdir(), 'fw-plan-cli-'));
  ({ fleetFile } = await fleet.writeFleetFile(join(dir, 'fleet.yaml')));
});
afterAll(async () => {
  await fleet?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], columns?: number): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  // A terminal of `columns` columns, as process.stdout is on a TTY.
  if (columns !== undefined) Object.assign(sink, { isTTY: true, columns });
  const deps = defaultDeps({ clock: fakeClock(), logger: captureLogger('silent').logger });
  const code = await planCommand(argv, deps, sink);
  return { code, out };
}

async function rejection(argv: string[]): Promise<ConfigError> {
  const err = await run(argv).then(
    () => undefined,
    (e: unknown) => e,
  );
  // Every input error maps to exit 2 in main().
  expect(isInputError(err)).toBe(true);
  return err as ConfigError;
}

const requestsSoFar = () => fleet.bmcs.reduce((n, b) => n + b.stats.requests, 0);

describe('firmwarden plan', () => {
  it('prints every server with its ordered decisions and the compliance summary; exit 0', async () => {
    const { code, out } = await run(['--fleet', fleetFile, '--catalog', DELL_11G]);
    expect(code).toBe(0);
    const dell = fleet.bmcs.find((b) => b.vendor === 'dell')!.name;
    const section = out.split('\n\n').find((s) => s.startsWith(dell))!;
    expect(section).toMatch(/PowerEdge R710, system id 0235\) — needs BMC reset, host reboot/);
    expect(section).toMatch(
      /^\s+1\s+upgrade\s+bmc\s+Integrated Dell Remote Access Controller\s+1\.98\s+2\.90 \[dell:9GJYW\]/m,
    );
    expect(section).toMatch(/incomparable-version\s+drive .*needs a human/);
    expect(out).toMatch(/compliance: \d+ compliant, \d+ outdated, \d+ unknown/);
    expect(out).toMatch(
      /bios\s+dell\s+Server BIOS 11G,6\.4\.0\s+PowerEdge R710\s+1\s+6\.1\.0\s+6\.1\.0\s+6\.4\.0/,
    );
    expect(out).toMatch(/6 servers, 1 with actions pending/);
  });

  it('a reason does not repeat the INSTALLED and TARGET columns', async () => {
    const { out } = await run(['--fleet', fleetFile, '--catalog', SIM_CATALOG]);
    const upgrades = out.split('\n').filter((l) => /^\s+\d+\s+upgrade\s/.test(l));
    expect(upgrades.length).toBeGreaterThan(0);
    for (const row of upgrades) {
      // "upgrade 1.98 → 2.90 with dell:9GJYW (recommended)" was printed after "1.98  2.90 [dell:9GJYW]".
      expect(row).not.toContain('→');
      expect(row).toMatch(/\s(recommended|optional|urgent)(;.*)?$/);
    }
  });

  it('on an 80 or 120-column terminal every table line fits; piped or --wide nothing is cut', async () => {
    const argv = ['--fleet', fleetFile, '--catalog', SIM_CATALOG];
    const piped = (await run(argv)).out;
    expect(piped).not.toContain('…');
    expect(Math.max(...piped.split('\n').map((l) => l.length))).toBeGreaterThan(120);
    expect((await run([...argv, '--wide'], 80)).out).toBe(piped);
    for (const columns of [80, 120]) {
      const rows = (await run(argv, columns)).out.split('\n').filter((l) => l.startsWith('  '));
      expect(rows.length).toBeGreaterThan(20);
      for (const l of rows) expect(l.length).toBeLessThanOrEqual(columns);
      expect(rows.some((l) => l.includes('…'))).toBe(true);
    }
  });

  it('--json prints one plan document', async () => {
    const { code, out } = await run([
      '--fleet',
      fleetFile,
      '--catalog',
      SIM_CATALOG,
      '--json',
      '--concurrency',
      '2',
    ]);
    expect(code).toBe(0);
    const p = JSON.parse(out) as Plan;
    expect(p.servers.map((s) => s.server)).toEqual(fleet.bmcs.map((b) => b.name));
    expect(p.catalog).toMatchObject({ format: 'native', name: 'firmwarden-simulator-baseline' });
    expect(p.totals.upgrade).toBeGreaterThan(0);
  });

  it('--server and --label plan part of the fleet; --kind narrows the components', async () => {
    const planOf = async (...args: string[]) => {
      const { code, out } = await run(['--fleet', fleetFile, '--catalog', SIM_CATALOG, '--json', ...args]);
      expect(code).toBe(0);
      return JSON.parse(out) as Plan;
    };
    expect((await planOf('--server', 'sim-0002')).servers.map((s) => s.server)).toEqual(['sim-0002']);
    // The simulator labels every fourth server role=storage (simulator/fleet-document.ts).
    expect((await planOf('--label', 'role=storage')).servers.map((s) => s.server)).toEqual(['sim-0004']);
    const bios = await planOf('--server', 'sim-0001', '--kind', 'bios');
    const actions = bios.servers[0]?.decisions.filter((d) => d.step !== undefined) ?? [];
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((d) => d.component?.kind === 'bios')).toBe(true);
  });

  it('--policy applies the policy file', async () => {
    const policy = join(dir, 'policy.yaml');
    await writeFile(policy, 'version: 1\nkinds: { deny: [bmc] }\n');
    const { code, out } = await run([
      '--fleet',
      fleetFile,
      '--catalog',
      SIM_CATALOG,
      '--policy',
      policy,
      '--json',
    ]);
    expect(code).toBe(0);
    const bmcs = (JSON.parse(out) as Plan).servers.flatMap((s) =>
      s.decisions.filter((d) => d.component?.kind === 'bmc'),
    );
    expect(bmcs.length).toBe(6);
    for (const d of bmcs) expect(d.decision).toBe('excluded-by-policy');
  });

  it('exit 1 when a server cannot be read; the others are still planned', async () => {
    const small = await startSimulatedFleet({ count: 2, vendors: ['supermicro'], seed: 2 });
    const smallDir = await mkdtemp(join(tmpdir(), 'fw-plan-cli-down-'));
    try {
      const files = await small.writeFleetFile(join(smallDir, 'fleet.yaml'));
      await small.bmcs[1]!.close();
      const { code, out } = await run(['--fleet', files.fleetFile, '--catalog', SIM_CATALOG]);
      expect(code).toBe(1);
      expect(out).toMatch(
        new RegExp(
          `${small.bmcs[1]!.name} \\(supermicro\\)\\n\\s+unreadable-server: inventory could not be read`,
        ),
      );
      expect(out).toMatch(/compliance: .*; 1 servers unreadable/);
      expect(out).toContain(
        `${small.bmcs[0]!.name} (supermicro SYS-510T-MR-EI018, system id To be filled by O.E.M.)`,
      );
    } finally {
      await small.close();
      await rm(smallDir, { recursive: true, force: true });
    }
  });

  describe('bad input is reported before any BMC is contacted', () => {
    it.each([
      {
        name: 'no --catalog',
        argv: () => ['--fleet', fleetFile],
        message: /--fleet FILE and --catalog FILE are required/,
      },
      {
        name: 'unknown flag',
        argv: () => ['--fleet', fleetFile, '--catalog', SIM_CATALOG, '--dry'],
        message: /firmwarden plan/,
      },
      {
        name: 'bad --concurrency',
        argv: () => ['--fleet', fleetFile, '--catalog', SIM_CATALOG, '--concurrency', 'many'],
        message: /--concurrency expects a non-negative integer/,
      },
      {
        name: 'malformed catalog',
        argv: () => ['--fleet', fleetFile, '--catalog', 'test/fixtures/catalog/native/malformed.json'],
        code: 'FW_ERR_CATALOG_PARSE',
        message: /malformed\.json/,
      },
      {
        name: 'missing policy file',
        argv: () => ['--fleet', fleetFile, '--catalog', SIM_CATALOG, '--policy', join(dir, 'nope.yaml')],
        message: /nope\.yaml: cannot read policy file/,
      },
    ] as Array<{ name: string; argv: () => string[]; message: RegExp; code?: string }>)(
      '$name',
      async ({ argv, message, code }) => {
        const before = requestsSoFar();
        const err = await rejection(argv());
        expect(err.code).toBe(code ?? 'FW_ERR_CONFIG');
        expect(err.message).toMatch(message);
        expect(requestsSoFar()).toBe(before);
      },
    );

    it('an invalid policy names the file, the field and the line', async () => {
      const policy = join(dir, 'bad-policy.yaml');
      await writeFile(policy, 'version: 1\npins:\n  - kind: bios\n    version: 2.17.1\n    mode: newest\n');
      const err = await rejection(['--fleet', fleetFile, '--catalog', SIM_CATALOG, '--policy', policy]);
      expect(err.message).toMatch(/bad-policy\.yaml: pins\[0\]\.mode: .*\(line 5\)/);
    });

    it('a prerequisite cycle in the catalog is bad input naming the entries', async () => {
      const catalog = join(dir, 'cycle.yaml');
      const e = (id: string, after: string) =>
        `  - { id: ${id}, vendor: generic, kind: bios, name: ${id}, version: "1", match: { namePattern: x }, image: { file: a.bin, md5: "${'0'.repeat(32)}" }, criticality: optional, requires: { reboot: true }, prerequisites: { after: [${after}] } }`;
      await writeFile(catalog, `version: 1\nentries:\n${e('a', 'b')}\n${e('b', 'a')}\n`);
      const err = await rejection(['--fleet', fleetFile, '--catalog', catalog]);
      expect(err.message).toMatch(/cycle\.yaml: catalog prerequisites\.after form a cycle: a → b → a/);
    });
  });
});

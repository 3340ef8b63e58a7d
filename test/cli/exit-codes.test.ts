/**
 * One exit-code rule for every command (README "Exit codes"), asserted per command against one
 * simulated fleet: 0 the command did what was asked and the servers are in the asked state; 1 it
 * ran but something is not as asked (a server failed or unreadable, corruption, a rollout paused
 * or aborted); 2 bad usage, config or input, nothing done. 130/143 (interrupted) are covered by
 * signals.test.ts. The cases run in order: later ones rely on what earlier ones did to the fleet.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ImageStore, loadCatalog, syncCatalog } from '../../src/catalog/index.ts';
import * as help from '../../src/cli/command-help.ts';
import { COMMAND_NAMES } from '../../src/cli/main.ts';
import type { Deps } from '../../src/deps.ts';
import { defaultDeps } from '../../src/deps.ts';
import { writeInstalledCatalog } from '../../src/simulator/index.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { startFakeNetbox } from '../dcim/fake-netbox.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { cliBed } from './cli-bed.ts';
import { runCommand, writeDaemonConfig, writeSpec as writeSpecIn } from './exit-bed.ts';

let bed: Awaited<ReturnType<typeof cliBed>>;
let deps: Deps;
let installedCatalog: string;

const cli = (name: string, ...argv: string[]) => runCommand(deps, name, argv);
const sim = (name: string) => bed.fleet.bmc(name);
const fleetArgs = () => ['--fleet', bed.fleetFile];
const failing = async <T>(server: string, run: () => Promise<T>): Promise<T> => {
  sim(server).setFaults({ errorRate: 1 });
  try {
    return await run();
  } finally {
    sim(server).setFaults({ errorRate: 0 });
  }
};

const writeSpec = (name: string) => writeSpecIn(bed.dir, name);
const daemonConfig = () =>
  writeDaemonConfig(bed.dir, 'daemon.yaml', {
    store: { sqlite: 'daemon-state/state.db' },
    fleet: 'fleet.yaml',
    catalog: { source: 'catalog/catalog.yaml' },
  });

beforeAll(async () => {
  // generic: the slice path and ImageDataURI; hpe: no read-back (iLO); openbmc: a backup bank.
  bed = await cliBed(['generic', 'hpe', 'openbmc'], {
    components: ['bios'],
    sim: { timing: { retryAfterSeconds: 0 } },
  });
  deps = defaultDeps({ logger: captureLogger('fatal').logger });
  const installed = await writeInstalledCatalog({
    fleet: bed.fleet,
    dir: join(bed.dir, 'installed'),
    components: ['bios'],
  });
  installedCatalog = installed.catalogFile;
}, 60_000);
afterAll(() => bed?.close());

describe('the rule is documented', () => {
  it.each(COMMAND_NAMES)('firmwarden %s --help states its exit codes', (name) => {
    const text = (help as Record<string, string>)[`${name.toUpperCase()}_HELP`];
    expect(text, name).toMatch(/\bexit\b.*\b[0-9]{1,3}\b/is);
  });

  it('firmwarden --help states the rule', () => {
    expect(help.USAGE).toMatch(/exit codes \(every command\): 0 .*,\s1 .*,\s2 .*,\s130\/143/s);
  });
});

describe('bad usage, config or input: 2, nothing done', () => {
  it.each([
    ['inventory', ['--concurrency', 'x', '--fleet', 'f.yaml']],
    ['plan', ['--fleet', 'missing.yaml', '--catalog', 'missing.yaml']],
    ['update', ['--all', '--server', 'x']],
    ['rollout', ['start']],
    ['rollout', ['frobnicate']],
    ['backup', ['check', '--all', '--fleet', 'f.yaml']],
    ['catalog', ['sync']],
    ['store', ['migrate', '--sqlite']],
    ['daemon', ['--once', 'inventory-scan']],
    ['probe', ['--bogus']],
    ['fleet', ['import', 'netbox']],
  ])('%s %j', async (name, argv) => {
    const before = bed.fleet.bmcs.map((b) => b.stats.requests);
    expect((await cli(name, ...argv)).code).toBe(2);
    expect(bed.fleet.bmcs.map((b) => b.stats.requests)).toEqual(before);
  });
});

describe('read-only commands', () => {
  it('inventory, plan, probe: 0 when every server is read, 1 when one is not', async () => {
    expect((await cli('inventory', ...fleetArgs(), '--state', bed.state)).code).toBe(0);
    expect((await cli('plan', ...fleetArgs(), '--catalog', bed.catalogFile)).code).toBe(0);
    expect((await cli('probe', ...fleetArgs())).code).toBe(0);
    await failing('sim-0003', async () => {
      expect((await cli('inventory', ...fleetArgs(), '--state', bed.state)).code).toBe(1);
      expect((await cli('plan', ...fleetArgs(), '--catalog', bed.catalogFile)).code).toBe(1);
      expect((await cli('probe', ...fleetArgs())).code).toBe(1);
    });
  });

  it('catalog show and sync: 0; a catalog naming a missing image file: 2', async () => {
    expect((await cli('catalog', 'show', '--catalog', bed.catalogFile)).code).toBe(0);
    expect(
      (await cli('catalog', 'sync', '--catalog', bed.catalogFile, '--store', join(bed.state, 'images'))).code,
    ).toBe(0);
    const broken = join(bed.dir, 'broken-catalog.yaml');
    const doc = parse(await readFile(bed.catalogFile, 'utf8'));
    doc.entries[0].image.file = join(bed.dir, 'catalog', 'no-such-image.bin');
    await writeFile(broken, stringify(doc));
    // An image file the catalog names but that is not there is bad input, refused before any sync.
    const r = await cli('catalog', 'sync', '--catalog', broken, '--store', join(bed.dir, 'other-images'));
    expect(r.text).toMatch(/no-such-image\.bin/);
    expect(r.code).toBe(2);
  });

  it('store migrate: 0, and 0 again when already at the newest schema', async () => {
    const db = join(bed.dir, 'migrate.db');
    expect((await cli('store', 'migrate', '--sqlite', db)).code).toBe(0);
    expect((await cli('store', 'migrate', '--sqlite', db)).code).toBe(0);
  });
});

describe('fleet import netbox', () => {
  it('0 written; 1 NetBox could not be read (its 500 page)', async () => {
    const token = '0123456789abcdef0123456789abcdef01234567';
    const nb = await startFakeNetbox({
      token,
      devices: [{ name: 'node-1', site: 'fra1', manufacturer: 'Dell', oob: '10.2.0.1/24' }],
    });
    process.env['FW_EXIT_CODES_NETBOX_TOKEN'] = token;
    try {
      const args = (out: string) => [
        'import',
        'netbox',
        '--url',
        nb.url,
        '--allow-http',
        '--token-env',
        'FW_EXIT_CODES_NETBOX_TOKEN',
        '--out',
        join(bed.dir, out),
      ];
      expect((await cli('fleet', ...args('netbox-fleet.yaml'))).code).toBe(0);
      nb.setMode({ kind: 'html-500' });
      expect((await cli('fleet', ...args('netbox-fleet-2.yaml'))).code).toBe(1);
    } finally {
      delete process.env['FW_EXIT_CODES_NETBOX_TOKEN'];
      await nb.close();
    }
  });
});

describe('backup', () => {
  const backup = (sub: string, ...args: string[]) =>
    cli('backup', sub, ...fleetArgs(), '--state', join(bed.dir, 'backup-state'), ...args);

  it('init: 0', async () => {
    expect((await backup('init', '--all')).code).toBe(0);
  });

  it('check and status on a healthy fleet against the catalog it is upgraded to: 0 (was 1)', async () => {
    expect((await backup('check', '--all', '--catalog', bed.catalogFile)).code).toBe(0);
    expect((await backup('status', '--catalog', bed.catalogFile)).code).toBe(0);
  });

  it('an image with only Status and Version to go by is "not checkable", neither ok nor corrupt: 0 with a warning', async () => {
    const store = await ImageStore.open(join(bed.dir, 'backup-state', 'images'));
    expect((await syncCatalog({ catalog: await loadCatalog(installedCatalog), store })).ok).toBe(true);
    const text = await backup('check', '--server', 'sim-0002', '--catalog', installedCatalog);
    expect(text.code).toBe(0);
    // iLO offers no ImageDataURI: the System ROM cannot be read back, whatever the catalog says.
    expect(text.text).toMatch(/System ROM .* not checkable \(status and version only\)/);
    expect(text.text).toMatch(/not checkable: the BMC does not offer the image for reading back/);
    expect(text.text).toMatch(/^warning: \d+ images not checkable/m);
    const json = await backup('check', '--all', '--catalog', installedCatalog, '--json');
    expect(json.code).toBe(0);
    const [generic, hpe] = JSON.parse(json.text).servers;
    const bios = (s: { components: Array<{ kind: string; integrity: unknown }> }) =>
      s.components.find((c) => c.kind === 'bios')?.integrity;
    expect(bios(generic)).toMatchObject({ state: 'ok', signals: expect.arrayContaining(['digest']) });
    expect(bios(hpe)).toMatchObject({ state: 'not-checkable', signals: ['status', 'version'] });
    expect(hpe).toMatchObject({ corrupted: 0 });
    expect(hpe.notCheckable).toBeGreaterThan(0);
  });

  it('installed BIOS images synced: check 0; a corrupted BIOS: 1; a restore that repairs it: 0 (was 1)', async () => {
    const catalog = await loadCatalog(installedCatalog);
    const store = await ImageStore.open(join(bed.dir, 'backup-state', 'images'));
    expect((await syncCatalog({ catalog, store })).ok).toBe(true);
    expect((await backup('check', '--all', '--catalog', installedCatalog)).code).toBe(0);
    sim('sim-0001').corrupt('bios', 'health-critical');
    expect((await backup('check', '--all', '--catalog', installedCatalog)).code).toBe(1);
    expect((await backup('status', '--catalog', installedCatalog)).code).toBe(1);
    // The iLO's BIOS image leaves the store: no copy of it now (iLO cannot read it back either).
    const hpe = catalog.entries.find((e) => e.vendor === 'hpe')!;
    await store.remove(hpe.image.sha256!);
    const restored = await backup('restore', '--all', '--catalog', installedCatalog);
    expect(restored.text).toMatch(/restored/);
    // Restore is judged by what it restored; the missing copy is check's business.
    expect(restored.code).toBe(0);
    expect((await backup('status', '--catalog', installedCatalog)).code).toBe(0);
    expect((await backup('check', '--all', '--catalog', installedCatalog)).code).toBe(1);
    expect((await syncCatalog({ catalog, store })).ok).toBe(true);
    expect((await backup('check', '--all', '--catalog', installedCatalog)).code).toBe(0);
  });

  it('init and check with a server that cannot be read: 1', async () => {
    await failing('sim-0002', async () => {
      expect((await backup('init', '--all')).code).toBe(1);
      expect((await backup('check', '--all', '--catalog', installedCatalog)).code).toBe(1);
    });
  });
});

describe('daemon --once', () => {
  it.each([
    ['inventory-scan', 0],
    ['catalog-watch', 0],
    ['integrity-check', 0],
  ])('%s on a fresh simulated fleet: %i', async (job, code) => {
    const r = await cli('daemon', '--config', await daemonConfig(), '--once', job);
    expect(r.text).not.toMatch(/partial|failed/);
    // Said, not counted: the upgrade catalog has no entry at the installed versions.
    if (job === 'integrity-check') expect(r.text).toMatch(/backup-slice: \d+ images not checkable/);
    expect(r.code).toBe(code);
  });

  it('rollout-window without a rollout in the config: 2', async () => {
    expect((await cli('daemon', '--config', await daemonConfig(), '--once', 'rollout-window')).code).toBe(2);
  });

  it('inventory-scan with an unreadable server: 1', async () => {
    const config = await daemonConfig();
    await failing('sim-0003', async () => {
      expect((await cli('daemon', '--config', config, '--once', 'inventory-scan')).code).toBe(1);
    });
  });
});

describe('update', () => {
  const update = (...args: string[]) =>
    cli(
      'update',
      ...fleetArgs(),
      '--catalog',
      bed.catalogFile,
      '--state',
      bed.state,
      '--poll-ms',
      '25',
      ...args,
    );

  it('--dry-run: 0; an update verified at target: 0; run again, nothing to do: 0', async () => {
    const pre = await update('--all', '--dry-run');
    expect(pre.code).toBe(0);
    expect((await update('--server', 'sim-0002')).code).toBe(0);
    const again = await update('--server', 'sim-0002');
    expect(again.code).toBe(0);
    expect(sim('sim-0002').updateHistory).toHaveLength(1);
  });

  it('a server that cannot be updated: 1', async () => {
    await failing('sim-0001', async () => {
      expect((await update('--server', 'sim-0001')).code).toBe(1);
    });
  });
});

describe('rollout', () => {
  const rollout = (sub: string, ...args: string[]) => cli('rollout', sub, '--state', bed.state, ...args);

  async function steps(id: string): Promise<string[]> {
    const store = await SqliteStore.open(join(bed.state, 'state.db'), deps);
    try {
      return (await store.rolloutServers(id)).map((s) => s.step);
    } finally {
      await store.close();
    }
  }

  it('start --no-drive: 0; pause: 0; status of a paused rollout: 1', async () => {
    const spec = await writeSpec('paused');
    expect((await rollout('start', '--spec', spec, '--id', 'paused', '--no-drive')).code).toBe(0);
    expect((await rollout('pause', '--id', 'paused')).code).toBe(0);
    expect((await rollout('status', '--id', 'paused')).code).toBe(1);
  });

  it('resume that ends paused by a pause request: 1 (was 0)', async () => {
    const resumed = rollout('resume', '--id', 'paused');
    const deadline = Date.now() + 20_000;
    while (!(await steps('paused')).some((s) => s !== 'pending') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect((await rollout('pause', '--id', 'paused')).code).toBe(0);
    const r = await resumed;
    expect(r.text).toMatch(/paused/);
    expect(r.code).toBe(1);
  });

  it('abort: 0; resume of an aborted rollout says so: 1 (was 0, silent); status: 1', async () => {
    expect((await rollout('abort', '--id', 'paused')).code).toBe(0);
    const r = await rollout('resume', '--id', 'paused');
    expect(r.text).toMatch(/rollout paused is aborted/);
    expect(r.code).toBe(1);
    expect((await rollout('status', '--id', 'paused')).code).toBe(1);
    expect((await rollout('abort', '--id', 'paused')).code).toBe(2);
  });

  it('start paused by the failure budget: 1; resume still paused: 1; resumed to completion: 0', async () => {
    const spec = await writeSpec('budget');
    await failing('sim-0001', async () => {
      const start = await rollout('start', '--spec', spec, '--id', 'budget');
      expect(start.text).toMatch(/paused/);
      expect(start.code).toBe(1);
      expect((await rollout('resume', '--id', 'budget', '--retry-failed')).code).toBe(1);
    });
    const done = await rollout('resume', '--id', 'budget', '--retry-failed');
    expect(done.text).toMatch(/completed/);
    expect(done.code).toBe(0);
    expect((await rollout('status', '--id', 'budget')).code).toBe(0);
  });

  it('daemon --once rollout-window: a completed rollout 0, an aborted one 1 (was 0)', async () => {
    const config = (spec: string) =>
      writeDaemonConfig(bed.dir, `window-${spec}`, {
        store: { sqlite: 'state/state.db' },
        fleet: 'fleet.yaml',
        rollout: { spec },
      });
    const done = await cli('daemon', '--config', await config('budget.yaml'), '--once', 'rollout-window');
    expect(done.text).toMatch(/completed/);
    expect(done.code).toBe(0);
    const aborted = await cli('daemon', '--config', await config('paused.yaml'), '--once', 'rollout-window');
    expect(aborted.text).toMatch(/aborted/);
    expect(aborted.code).toBe(1);
  });

  it('a rollout with nothing left to do completes at once: 0', async () => {
    const r = await rollout('start', '--spec', await writeSpec('again'), '--id', 'again');
    expect(r.text).toMatch(/completed/);
    expect(r.code).toBe(0);
  });
});

/**
 * `firmwarden demo`: the whole story on a simulated fleet, start to finish, with a readable
 * summary: simulate → inventory → catalog and image sync → plan → rolling update in waves (one
 * failure injected, retried) → verification from the BMCs → backup slice, corruption, restore. Every stage calls the same library
 * the other commands use, against real HTTPS BMCs on loopback.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { ImageStore, loadCatalog, syncCatalog } from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import { loadFleetFile } from '../fleet/load.ts';
import { sweepFleet } from '../inventory/sweep.ts';
import { type Plan, plan } from '../planner/index.ts';
import { createRollout } from '../rollout/create.ts';
import { driveRollout } from '../rollout/driver.ts';
import { waveHeader } from '../rollout/progress.ts';
import { loadSpec } from '../rollout/spec.ts';
import { startSimulatedFleet, writeSimulatedCatalog } from '../simulator/index.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { backupCommand } from './backup-command.ts';
import { cut, terminalColumns } from './fit-columns.ts';
import { table } from './render.ts';

export async function demoCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('demo', argv, { count: { type: 'string' }, keep: { type: 'boolean' } });
  const count = intFlag('demo', 'count', values.count, 12);
  const dir = await mkdtemp(join(tmpdir(), 'firmwarden-demo-'));
  const say = (line = '') => out.write(`${line}\n`);
  const started = deps.clock.now();
  const fleet = await startSimulatedFleet({ count, seed: 7, latencyMs: 2 });
  let store: SqliteStore | undefined;
  try {
    const files = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
    say(
      `== 1. simulate: ${fleet.bmcs.length} Redfish BMCs over HTTPS on 127.0.0.1 (${countBy(fleet.bmcs.map((b) => b.vendor))})`,
    );
    say(`   fleet file ${files.fleetFile}`);

    const servers = await loadFleetFile(files.fleetFile);
    const inventory = await sweepFleet(servers, deps);
    const sessions = fleet.bmcs.reduce((n, b) => n + b.stats.openSessions, 0);
    say(
      `\n== 2. inventory: ${inventory.servers.length} servers read, ${inventory.failed} failed, ${sessions} sessions left open`,
    );
    say(
      indent(
        table(
          ['SERVER', 'VENDOR', 'MODEL', 'BMC', 'BIOS', 'COMPONENTS'],
          inventory.servers.map((s) => [
            s.server,
            s.vendor,
            s.model ?? '',
            s.components.find((c) => c.kind === 'bmc')?.version ?? '',
            s.components.find((c) => c.kind === 'bios')?.version ?? '',
            String(s.components.length),
          ]),
          fitIndented(out),
        ),
      ),
    );

    const sim = await writeSimulatedCatalog({
      fleet,
      dir: join(dir, 'catalog'),
      components: ['bmc', 'bios'],
    });
    const catalog = await loadCatalog(sim.catalogFile);
    const images = await ImageStore.open(join(dir, 'state', 'images'));
    const synced = await syncCatalog({ catalog, store: images });
    say(
      `\n== 3. catalog: ${catalog.entries.length} BMC and BIOS releases; ${synced.downloaded} images downloaded and verified (sha256) into the image store`,
    );

    const before = plan(inventory, catalog, {});
    say(
      `\n== 4. plan: ${before.totals.upgrade ?? 0} upgrades on ${before.servers.filter((s) => s.decisions.some((d) => d.step)).length} servers`,
    );
    say(indent(actingTable(before, out)));

    const specFile = join(dir, 'rollout.yaml');
    await writeFile(
      specFile,
      stringify({
        version: 1,
        name: 'demo',
        fleet: files.fleetFile,
        catalog: sim.catalogFile,
        store: join(dir, 'state', 'images'),
        waves: { canary: 1, batch: 4 },
        maxUnavailable: 3,
        perLabel: { rack: 3 },
        failureBudget: 2,
        update: { timeouts: { taskMs: 30_000, bmcRebootMs: 20_000, hostResetMs: 10_000, pollMs: 50 } },
      }),
    );
    store = await SqliteStore.open(join(dir, 'state', 'state.db'), deps);
    const victim = fleet.bmcs[Math.min(5, fleet.bmcs.length - 1)];
    victim?.setUpdateFaults({ nextUpdateOnly: { applyFailed: true } });
    fleet.availability.reset();
    const rollout = await createRollout(store, await loadSpec(specFile), { id: 'demo' });
    say(
      `\n== 5. rolling update: canary 1, then waves of 4; at most 3 servers out at once (${victim?.name} will fail once: ApplyFailed)`,
    );
    let wave: number | undefined;
    const first = await driveRollout(rollout.id, deps, {
      store,
      stateDir: join(dir, 'state'),
      onEvent: (e) => {
        if (e.type === 'progress' && e.wave && e.wave.number !== wave) say(`   ${waveHeader(e.wave)}`);
        if (e.type === 'progress') wave = e.wave?.number;
        if (e.type === 'server' && (e.step === 'done' || e.step === 'failed' || e.step === 'skipped')) {
          say(`   ${e.server.padEnd(10)} ${e.step}${e.detail ? `: ${e.detail.slice(0, 110)}` : ''}`);
        }
      },
    });
    say(`   rollout ${first.status}: ${first.note ?? ''}`);
    if (first.status === 'paused') {
      for (const s of await store.rolloutServers('demo')) {
        if (s.step === 'failed')
          await store.setServerStep('demo', s.server, ['failed'], 'pending', { retried: true });
      }
      say('   retrying the failed server (firmwarden rollout resume --id demo --retry-failed)');
      const second = await driveRollout('demo', deps, { store, stateDir: join(dir, 'state') });
      say(`   rollout ${second.status}: ${second.note ?? ''}`);
    }
    say(`   peak servers out of service at once (counted by the simulated BMCs): ${fleet.availability.peak}`);

    const after = plan(await sweepFleet(servers, deps), catalog, {});
    const left = after.totals.upgrade ?? 0;
    say(`\n== 6. verification: inventory read back from every BMC; ${left} upgrades left`);
    say(indent(actingTable(after, out)));

    // 7. The backup slice: copies of the running BMC/BIOS images on each server's RAID
    // controller, a corruption injected, detected and restored from the slice.
    await store.close();
    store = undefined;
    const backupArgs = [
      '--fleet',
      files.fleetFile,
      '--catalog',
      sim.catalogFile,
      '--store',
      join(dir, 'state', 'images'),
      '--state',
      join(dir, 'state'),
    ];
    const backup = async (...args: string[]) => {
      const chunks: string[] = [];
      const sink = new Writable({
        write: (c, _e, cb) => {
          chunks.push(String(c));
          cb();
        },
      });
      const code = await backupCommand([...args, ...backupArgs], deps, sink);
      return { code, text: chunks.join('') };
    };
    say('\n== 7. backup slice on the RAID controller (firmwarden backup init / check)');
    const init = await backup('init', '--all');
    say(indent(init.text.trimEnd()));
    const check = JSON.parse((await backup('check', '--all', '--json')).text) as {
      servers: Array<{ corrupted: number }>;
    };
    say(`   check: copies of the running images staged and verified on ${check.servers.length} servers`);
    const target = fleet.bmcs.find((b) => b.vendor === 'generic');
    let restored = false;
    if (target) {
      target.corrupt('bios', 'image-digest');
      say(`\n   corrupting the BIOS image of ${target.name} (its bytes no longer match the catalog digest)`);
      const detect = await backup('check', '--server', target.name);
      say(indent(detect.text.trimEnd()));
      const fix = await backup('restore', '--server', target.name);
      say(indent(fix.text.trimEnd()));
      const again = await backup('check', '--server', target.name, '--json');
      // The exit codes tell it (README "Exit codes"): corruption found 1, restored 0, healthy 0.
      restored =
        detect.code === 1 &&
        / 1 corrupted images/.test(detect.text) &&
        fix.code === 0 &&
        // The finding lines, not the table: its cells are cut to a terminal's width.
        /restored from the slice/.test(fix.text) &&
        again.code === 0 &&
        (JSON.parse(again.text) as { servers: Array<{ corrupted: number }> }).servers[0]?.corrupted === 0;
      say(
        `   after restore: ${restored ? 'healthy, digest matches the catalog, verified from the inventory' : 'STILL CORRUPT'}`,
      );
    }
    store = await SqliteStore.open(join(dir, 'state', 'state.db'), deps);

    const status = (await store.getRollout('demo'))?.status;
    const ok = status === 'completed' && left === 0 && inventory.failed === 0 && restored;
    say(
      `\n== summary: ${ok ? 'OK' : 'NOT OK'} in ${Math.round((deps.clock.now() - started) / 1000)} s — ${fleet.bmcs.length} servers, rollout ${status}, ${left} upgrades left, corruption ${restored ? 'detected and restored' : 'NOT restored'}`,
    );
    return ok ? EXIT.ok : EXIT.partial;
  } finally {
    await store?.close();
    await fleet.close();
    if (values.keep) say(`work folder kept: ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** Acting version (lowest installed) per component line against its target. */
function actingTable(p: Plan, out: NodeJS.WritableStream): string {
  const lines = Object.values(p.compliance.byKind)
    .flatMap((k) => k?.lines ?? [])
    .filter((l) => l.targets.length > 0);
  return table(
    ['KIND', 'VENDOR', 'LINE', 'ACTING', 'TARGET', 'AT TARGET'],
    lines.map((l) => [
      l.kind,
      l.vendor,
      cut(l.label, 36),
      l.lowest ?? '?',
      l.targets.join(' | '),
      l.converged ? 'yes' : 'no',
    ]),
    fitIndented(out),
  );
}

/** The demo indents its tables by 3: on a terminal they fit what is left of its width. */
function fitIndented(out: NodeJS.WritableStream) {
  const columns = terminalColumns(out);
  return { maxWidth: columns === undefined ? undefined : columns - 3 };
}

function countBy(items: string[]): string {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return [...m].map(([k, v]) => `${v} ${k}`).join(', ');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}

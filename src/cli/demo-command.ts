/**
 * `firmwarden demo`: the whole story on a simulated fleet, start to finish, with a readable
 * summary. Stages are added as the product grows; each one calls the same library the other
 * commands use, against real HTTPS BMCs on loopback.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../deps.ts';
import { loadFleetFile } from '../fleet/load.ts';
import { sweepFleet } from '../inventory/sweep.ts';
import { startSimulatedFleet } from '../simulator/index.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { renderInventory } from './inventory-command.ts';

export async function demoCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('demo', argv, { count: { type: 'string' }, keep: { type: 'boolean' } });
  const count = intFlag('demo', 'count', values.count, 12);
  const dir = await mkdtemp(join(tmpdir(), 'firmwarden-demo-'));
  const say = (line = '') => out.write(`${line}\n`);
  const fleet = await startSimulatedFleet({ count, latencyMs: 5, seed: 7 });
  try {
    const files = await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
    const vendors = countBy(fleet.bmcs.map((b) => b.vendor));
    say(`== 1. simulate: ${fleet.bmcs.length} Redfish BMCs on 127.0.0.1 over HTTPS (${fmtCounts(vendors)})`);
    say(`   fleet file ${files.fleetFile}, CA ${files.caFile ?? '-'}, password file ${files.passwordFile}`);
    say();

    const servers = await loadFleetFile(files.fleetFile);
    const started = deps.clock.now();
    const inventory = await sweepFleet(servers, deps);
    const ms = deps.clock.now() - started;
    say(
      `== 2. inventory: swept ${inventory.servers.length} servers in ${ms} ms (${inventory.failed} failed)`,
    );
    say(renderInventory(inventory));
    const openSessions = fleet.bmcs.reduce((n, b) => n + b.stats.openSessions, 0);
    say();
    say(`   sessions left open on the BMCs after the sweep: ${openSessions}`);
    return inventory.failed > 0 || openSessions > 0 ? EXIT.partial : EXIT.ok;
  } finally {
    await fleet.close();
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
}

function countBy(items: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

function fmtCounts(m: Map<string, number>): string {
  return [...m].map(([k, v]) => `${v} ${k}`).join(', ');
}

/**
 * As an operator runs it: three `firmwarden daemon` processes, each with its own config naming the
 * same PostgreSQL store and a cluster section, join one rollout through their rollout-window jobs
 * and complete it together; `firmwarden cluster status` shows the instances; nothing is installed
 * twice and every server is done once.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { describePostgres, PG_URL } from '../store/backends.ts';
import { clusterBed, installedTwice, until } from './helpers.ts';

const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;
type Bed = Awaited<ReturnType<typeof clusterBed>>;

function cli(args: string[]) {
  const child = spawn(process.execPath, ['--no-warnings', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    err += String(d);
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err })),
  );
  return { child, done, logs: () => `${out}\n${err}` };
}

describePostgres('three firmwarden daemons on one PostgreSQL store', () => {
  let bed: Bed;
  const daemons: Array<ReturnType<typeof cli>> = [];
  beforeAll(async () => {
    bed = await clusterBed({
      id: 'daemons',
      sim: { count: 8, vendors: ['generic', 'openbmc', 'dell', 'hpe'], seed: 33 },
      spec: { waves: { canary: 1, batch: 7 }, maxUnavailable: 3, failureBudget: 2 },
    });
  }, 60_000);
  afterAll(async () => {
    for (const d of daemons) d.child.kill('SIGKILL');
    await bed?.close();
  });

  it('join the rollout, complete it together and show up in cluster status', async () => {
    for (const name of ['d1', 'd2', 'd3']) {
      const file = join(bed.dir, `${name}.yaml`);
      await writeFile(
        file,
        stringify({
          version: 1,
          store: { postgres: PG_URL, schema: bed.schema },
          cluster: { instance: name, leaseTtlSeconds: 10 },
          stateDir: 'state',
          fleet: 'fleet.yaml',
          rollout: { spec: 'rollout.yaml' },
          jobs: { 'rollout-window': { schedule: '1s' } },
        }),
      );
      daemons.push(cli(['daemon', '--config', file]));
    }
    const done = await until(
      'the rollout to complete',
      async () => ((await bed.store.getRollout('daemons'))?.status === 'completed' ? true : undefined),
      60_000,
    ).catch(async (err) => {
      const rollout = await bed.store.getRollout('daemons');
      const steps = (await bed.store.rolloutServers('daemons')).map((s) => `${s.server}:${s.step}`);
      const logs = daemons.map((d, i) => `--- d${i + 1}\n${d.logs().slice(-3000)}`).join('\n');
      throw new Error(`${(err as Error).message}: ${rollout?.status} ${steps.join(' ')}\n${logs}`);
    });
    expect(done).toBe(true);

    // Idle daemons stay instances of the group (their heartbeat outlives the job runs).
    const report = await until(
      'cluster status to list d1, d2 and d3 alive',
      async () => {
        const status = await cli(['cluster', 'status', '--config', join(bed.dir, 'd1.yaml'), '--json']).done;
        expect(status.code, status.err).toBe(0);
        const parsed = JSON.parse(status.out) as { instances: Array<{ name: string; alive: boolean }> };
        const alive = parsed.instances.filter((x) => x.alive).map((x) => x.name);
        return ['d1', 'd2', 'd3'].every((n) => alive.includes(n)) ? parsed : undefined;
      },
      20_000,
    );
    expect(report.instances.filter((x) => x.alive)).toHaveLength(3);

    // The rollout CLI reads the same shared store through a daemon config.
    const rollout = await cli([
      'rollout',
      'status',
      '--config',
      join(bed.dir, 'd2.yaml'),
      '--id',
      'daemons',
      '--json',
    ]).done;
    expect(rollout.code, rollout.err).toBe(0);
    expect(JSON.parse(rollout.out)).toMatchObject({ rollout: { id: 'daemons', status: 'completed' } });

    const journal = await bed.store.journal({ rolloutId: 'daemons' });
    for (const s of await bed.store.rolloutServers('daemons')) {
      expect(s.step).toBe('done');
      expect(
        journal.filter((j) => j.server === s.server && j.event === 'step-done'),
        s.server,
      ).toHaveLength(1);
    }
    expect(installedTwice(bed.fleet.bmcs)).toEqual([]);

    // SIGTERM: each daemon stops cleanly and leaves the group.
    for (const d of daemons) d.child.kill('SIGTERM');
    const exits = await Promise.all(daemons.map((d) => d.done));
    for (const e of exits) expect(e.code, e.err.slice(-2000)).toBe(143);
  }, 180_000);
});

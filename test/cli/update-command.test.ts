/**
 * `firmwarden update` as a user runs it: dry run changes nothing; a real run updates, journals
 * (intents in the executor journal, outcomes in the shared state store), exits 0.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageStore } from '../../src/catalog/index.ts';
import { updateCommand } from '../../src/cli/update-command.ts';
import type { FleetPreflight } from '../../src/probe/preflight.ts';
import type { SimBmc } from '../../src/simulator/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import { updatableFleet } from '../executor/helpers.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { fakeStream } from '../helpers/fake-stream.ts';

let f: Awaited<ReturnType<typeof updatableFleet>>;
beforeAll(async () => {
  f = await updatableFleet(['dell', 'openbmc'], { components: ['bios'] });
}, 60_000);
afterAll(() => f?.close());

let deps: () => typeof f.deps = () => f.deps;

async function update(...args: string[]) {
  return updateWith(deps(), ...args);
}

async function updateWith(deps: typeof f.deps, ...args: string[]) {
  const chunks: string[] = [];
  const out = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  const code = await updateCommand(
    [
      '--fleet',
      join(f.dir, 'fleet.yaml'),
      '--catalog',
      f.sim.catalogFile,
      '--store',
      join(f.dir, 'store'),
      '--state',
      join(f.dir, 'state'),
      ...args,
    ],
    deps,
    out,
  );
  return { code, text: chunks.join('') };
}

/** Requests that change something, session login and logout excepted. */
function mutating(bmc: SimBmc): string[] {
  return Object.keys(bmc.stats.byRoute).filter(
    (k) =>
      /^(POST|PATCH|PUT|DELETE) /.test(k) &&
      !/^POST \S*\/Sessions$/.test(k) &&
      !/^DELETE \S*\/Sessions\/[^/]+$/.test(k),
  );
}

describe('firmwarden update', () => {
  it('--dry-run is a pre-flight per server that changes nothing on the BMC', async () => {
    for (const b of f.fleet.bmcs) b.resetStats();
    const r = await update('--all', '--dry-run', '--at', '03:00');
    expect(r.code, r.text).toBe(0);
    expect(r.text).toMatch(/sim-0001 +method +BIOS +ok +multipart( \w+)?: .*MultipartHttpPushUri/);
    expect(r.text).toMatch(/pre-flight passed on 2 servers; nothing was changed/);
    const j = await update('--all', '--dry-run', '--json', '--at', '03:00');
    const doc = JSON.parse(j.text) as FleetPreflight;
    expect(doc.ok).toBe(true);
    for (const s of doc.servers) {
      const checks = new Map(s.checks.map((c) => [c.check, c]));
      expect([...checks.keys()]).toEqual(
        expect.arrayContaining([
          'reachable',
          'credentials',
          'sessions',
          'driver',
          'plan',
          'image',
          'method',
          'schedule',
        ]),
      );
      expect(checks.get('credentials')?.detail).toMatch(/deleted after/);
      expect(checks.get('image')?.detail).toMatch(/sha256 [0-9a-f]{12}… verified/);
      expect(checks.get('schedule')?.detail).toMatch(/maintenance window|held by firmwarden until/);
    }
    for (const b of f.fleet.bmcs) {
      expect(mutating(b), b.name).toEqual([]);
      expect(b.stats.sessionsCreated).toBeGreaterThan(0);
      expect(b.stats.openSessions).toBe(0);
      expect(b.updateHistory).toHaveLength(0);
    }
  });

  it('--dry-run fails (exit 1) naming the image that fails its checksum', async () => {
    const plan = JSON.parse(
      (await update('--server', 'sim-0001', '--dry-run', '--json')).text,
    ) as FleetPreflight;
    const digest = /sha256 ([0-9a-f]{12})…/.exec(
      plan.servers[0]?.checks.find((c) => c.check === 'image')?.detail ?? '',
    )?.[1];
    const store = await ImageStore.open(join(f.dir, 'store'));
    const sha = (await store.list()).find((h) => h.startsWith(digest ?? '-'));
    expect(sha).toBeDefined();
    const path = store.imagePath(sha as string);
    const good = await readFile(path);
    await writeFile(path, Buffer.concat([good, Buffer.from('tampered')]));
    try {
      const r = await update('--server', 'sim-0001', '--dry-run');
      expect(r.code).toBe(1);
      expect(r.text).toMatch(/sim-0001 +image +BIOS +FAIL +.*FW_ERR_IMAGE_CORRUPT/);
      expect(r.text).toMatch(/pre-flight failed on 1 of 1 servers/);
    } finally {
      await writeFile(path, good);
    }
  });

  it('--dry-run fails (exit 1) when the BMC refuses a new session or does not answer', async () => {
    const bmc = f.fleet.bmc('sim-0002');
    bmc.setFaults({ maxSessions: 0 });
    // Retries and backoff on a fake clock: the verdict, not the waiting, is under test.
    deps = () => ({ ...f.deps, clock: fakeClock(Date.now()) });
    try {
      const r = await update('--server', 'sim-0002', '--dry-run');
      expect(r.code).toBe(1);
      expect(r.text).toMatch(
        /sim-0002 +credentials +FAIL +session login answered \d+: the session limit is reached/,
      );
      expect(r.text).toMatch(/sim-0002 +sessions +FAIL +the BMC refused a new session/);
    } finally {
      delete bmc.faults.maxSessions;
      deps = () => f.deps;
    }
    const text = await readFile(join(f.dir, 'fleet.yaml'), 'utf8');
    const dead = join(f.dir, 'fleet-dead.yaml');
    await writeFile(dead, text.replace(/bmc: https:\/\/127\.0\.0\.1:\d+/, 'bmc: https://127.0.0.1:9'));
    const r = await update('--server', 'sim-0001', '--dry-run', '--fleet', dead);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/sim-0001 +reachable +FAIL +FW_ERR_CONNECT/);
    expect(r.text).toMatch(/sim-0001 +credentials +FAIL +not tried/);
  });

  it('--dry-run fails (exit 1) on refused credentials', async () => {
    const fleetFile = join(f.dir, 'fleet-badpw.yaml');
    const pw = join(f.dir, 'bad-password');
    await writeFile(pw, 'not-the-password\n');
    const text = await readFile(join(f.dir, 'fleet.yaml'), 'utf8');
    await writeFile(fleetFile, text.replace(/passwordFile: .*/g, `passwordFile: ${pw}`));
    const r = await update('--server', 'sim-0002', '--dry-run', '--json', '--fleet', fleetFile);
    expect(r.code).toBe(1);
    const s = (JSON.parse(r.text) as FleetPreflight).servers[0];
    expect(s?.checks.find((c) => c.check === 'credentials')).toMatchObject({ ok: false });
  });

  it('updates the named server, verifies it, and journals intents and outcomes', async () => {
    const r = await update('--server', 'sim-0002', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.text);
    expect(report.updated).toBe(1);
    expect(report.servers[0].actions.every((a: { outcome: string }) => a.outcome === 'verified')).toBe(true);
    expect(f.fleet.bmc('sim-0001').updateHistory).toHaveLength(0);
    const journal = (await readFile(join(f.dir, 'state', 'journal.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(journal.map((j) => j.event)).toEqual(expect.arrayContaining(['intent', 'outcome']));
    expect(journal.every((j) => j.server === 'sim-0002')).toBe(true);
    // The shared history (state store) says it too: the daemon checks backups after it.
    const store = await openStore({ sqlite: join(f.dir, 'state', 'state.db') }, f.deps);
    try {
      const entries = await store.journal({ server: 'sim-0002' });
      expect(entries.map((e) => e.event)).toEqual(['update-verified']);
      expect(entries[0]?.actor).toMatch(/^cli:\d+@/);
      expect(entries[0]?.data).toMatchObject({
        outcome: 'updated',
        actions: [{ kind: 'bios', outcome: 'verified', to: report.servers[0].actions[0].to }],
      });
    } finally {
      await store.close();
    }
  });

  it('off a terminal: each wait is shown against its deadline, then the fleet counter', async () => {
    const err = fakeStream(false);
    const r = await updateWith({ ...f.deps, progress: err.stream }, '--server', 'sim-0001');
    expect(r.code).toBe(0);
    const lines = err.plain();
    // The task by its own id (iDRAC: JID_…), its state, time spent of the hour allowed
    // (UPDATE_DEFAULTS.taskMs); the host reset against its own deadline.
    expect(
      lines.some((l) => /^sim-0001 +BIOS · waiting for task \S+: \w+.* · \d+:\d\d \/ 1:00:00$/.test(l)),
    ).toBe(true);
    expect(
      lines.some((l) =>
        /^sim-0001 +waiting for the host: ComputerSystem\.Reset \w+ · 0:00 \/ 20:00$/.test(l),
      ),
    ).toBe(true);
    expect(lines).toContain('sim-0001       done: updated');
    expect(lines.at(-1)).toMatch(/^update {2}1\/1 servers {2}0 failed {2}elapsed \d+:\d\d$/);
  });

  it.each([
    [['--all', '--server', 'x'], /--server NAME \(repeatable\) or --all/],
    [['--all', '--method', 'ftp'], /--method must be/],
    [['--all', '--at', '25:00'], /not a time of day/],
    [['--server', 'nope'], /no server named nope/],
    [['--kind', 'gpu', '--all'], /--kind "gpu" is not a component kind: expected one of bmc, bios/],
    [['--kind', 'psu', '--all'], /kind psu: no catalog entry updates a component of this kind/],
    [['--entry', 'no-such-entry', '--all'], /entry no-such-entry: not in the catalog/],
    [['--label', 'rack'], /--label expects KEY=VALUE/],
    [['--label', 'site=mars'], /no server matches the labels site=mars/],
  ])('bad input %j is refused before any BMC is touched', async (args, message) => {
    await expect(update(...(args as string[]))).rejects.toThrow(message);
  });
});

describe('firmwarden update --kind/--entry/--label', () => {
  let g: Awaited<ReturnType<typeof updatableFleet>>;
  beforeAll(async () => {
    g = await updatableFleet(['generic', 'lenovo'], { components: ['bios', 'nic'] });
  }, 60_000);
  afterAll(() => g?.close());
  const preflight = async (...args: string[]) => {
    const chunks: string[] = [];
    const out = new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    });
    const base = ['--fleet', join(g.dir, 'fleet.yaml'), '--catalog', g.sim.catalogFile];
    const files = ['--store', join(g.dir, 'store'), '--state', join(g.dir, 'state')];
    const code = await updateCommand([...base, ...files, '--dry-run', '--json', ...args], g.deps, out);
    const doc = JSON.parse(chunks.join('')) as FleetPreflight;
    return { code, doc, images: doc.servers.flatMap((s) => s.checks.filter((c) => c.check === 'image')) };
  };

  it('--kind updates one component kind, --entry one catalog entry, no policy file needed', async () => {
    const all = await preflight('--all');
    expect(new Set(all.images.map((c) => c.kind))).toEqual(new Set(['bios', 'nic']));
    const bios = await preflight('--all', '--kind', 'bios');
    expect(bios.code).toBe(0);
    expect(bios.images.length).toBe(2);
    expect(bios.images.map((c) => c.kind)).toEqual(['bios', 'bios']);
    const entry = /^(\S+) /.exec(bios.images[0]?.detail ?? '')?.[1] as string;
    const one = await preflight('--all', '--entry', entry);
    expect(one.images).toHaveLength(1);
    expect(one.images[0]?.detail.startsWith(`${entry} `)).toBe(true);
  });

  it('--at resolves to the BMC maintenance window where offered, else firmwarden holds', async () => {
    const r = await preflight('--all', '--kind', 'bios', '--at', '03:00');
    const schedule = new Map(
      r.doc.servers.map((s) => [s.server, s.checks.find((c) => c.check === 'schedule')?.detail ?? '']),
    );
    const method = new Map(
      r.doc.servers.map((s) => [s.server, s.checks.find((c) => c.check === 'method')?.detail ?? '']),
    );
    // The generic (DMTF) profile announces the maintenance-window apply times; XCC does not.
    expect(schedule.get('sim-0001')).toMatch(/^the BMC's maintenance window, set to /);
    expect(method.get('sim-0001')).toMatch(/InMaintenanceWindowOnReset|AtMaintenanceWindowStart/);
    expect(schedule.get('sim-0002')).toMatch(/^held by firmwarden until /);
  });

  it('--label narrows the servers (every key must match)', async () => {
    const text = await readFile(join(g.dir, 'fleet.yaml'), 'utf8');
    const relabelled = join(g.dir, 'fleet-relabelled.yaml');
    await writeFile(relabelled, text.replace('role: compute', 'role: db'));
    const r = await preflight('--fleet', relabelled, '--label', 'role=db', '--kind', 'bios');
    expect(r.doc.servers.map((s) => s.server)).toEqual(['sim-0001']);
    const both = await preflight('--fleet', relabelled, '--label', 'role=db', '--label', 'role=compute');
    expect(both.doc.servers.map((s) => s.server)).toEqual(['sim-0001', 'sim-0002']);
  });
});

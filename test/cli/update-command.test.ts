/**
 * `firmwarden update` as a user runs it: dry run changes nothing; a real run updates, journals
 * (intents in the executor journal, outcomes in the shared state store), exits 0.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCommand } from '../../src/cli/update-command.ts';
import { openStore } from '../../src/store/open-store.ts';
import { updatableFleet } from '../executor/helpers.ts';
import { fakeStream } from '../helpers/fake-stream.ts';

let f: Awaited<ReturnType<typeof updatableFleet>>;
beforeAll(async () => {
  f = await updatableFleet(['dell', 'openbmc'], { components: ['bios'] });
}, 60_000);
afterAll(() => f?.close());

async function update(...args: string[]) {
  return updateWith(f.deps, ...args);
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

describe('firmwarden update', () => {
  it('--dry-run says what and how per server and changes nothing', async () => {
    const r = await update('--all', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/sim-0001 .*BIOS .*6\.\d+\.\d+ .*multipart: MultipartHttpPushUri/);
    expect(r.text).toMatch(/nothing was changed/);
    for (const b of f.fleet.bmcs) expect(b.updateHistory).toHaveLength(0);
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
  ])('bad input %j is refused before any BMC is touched', async (args, message) => {
    await expect(update(...(args as string[]))).rejects.toThrow(message);
  });
});

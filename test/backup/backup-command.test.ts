/**
 * The `firmwarden backup` command functions, as the CLI runs them: JSON and text output, exit
 * codes, and bad input refused before any BMC is touched.
 */

import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupCommand } from '../../src/cli/backup-command.ts';
import { fakeStream } from '../helpers/fake-stream.ts';
import { type BackupFleet, backupFleet } from './helpers.ts';

let bf: BackupFleet;

function sink(): { out: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    out: new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    }),
    text: () => chunks.join(''),
  };
}

async function backup(...args: string[]): Promise<{ code: number; text: string }> {
  return backupWith(bf.deps, ...args);
}

async function backupWith(
  deps: BackupFleet['deps'],
  ...args: string[]
): Promise<{ code: number; text: string }> {
  const s = sink();
  const code = await backupCommand(
    [...args, '--fleet', bf.fleetFile, '--store', join(bf.dir, 'store'), '--state', join(bf.dir, 'state')],
    deps,
    s.out,
  );
  return { code, text: s.text() };
}

beforeAll(async () => {
  bf = await backupFleet(['generic', 'supermicro'], { sync: true });
});

afterAll(async () => {
  await bf?.close();
});

describe('firmwarden backup', () => {
  it('init --json: the slice where offered, said plainly where not', async () => {
    const r = await backup('init', '--all', '--catalog', bf.catalogFile, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.text);
    expect(doc.command).toBe('init');
    expect(doc.servers.map((s: { init: { outcome: string } }) => s.init.outcome)).toEqual([
      'created',
      'unsupported',
    ]);
  });

  it('check --json makes the copies, exits 0', async () => {
    const tty = fakeStream(true);
    const r = await backupWith(
      { ...bf.deps, progress: tty.stream },
      ...['check', '--all', '--catalog', bf.catalogFile, '--json'],
    );
    expect(r.code).toBe(0);
    // stdout holds the JSON; the terminal (stderr) the counter line.
    expect(tty.plain().at(-1)).toMatch(/^backup check {2}2\/2 servers {2}0 failed {2}elapsed \d+:\d\d$/);
    const [generic, supermicro] = JSON.parse(r.text).servers;
    expect(generic.mechanism).toBe('slice');
    expect(generic.components.every((c: { slice: { state: string } }) => c.slice.state === 'created')).toBe(
      true,
    );
    expect(supermicro.mechanism).toBe('store-only');
  });

  it('status exits 1 and names the corruption; check --auto-restore repairs it', async () => {
    bf.bmc('generic').corrupt('bios', 'image-digest');
    const seen = await backup('status', '--catalog', bf.catalogFile, '--server', 'sim-0001');
    expect(seen.code).toBe(1);
    expect(seen.text).toMatch(/SERVER\s+COMPONENT\s+VERSION\s+STORE\s+SLICE\s+STATE/);
    expect(seen.text).toMatch(/CORRUPT: digest/);
    expect(seen.text).toMatch(/image read back via ImageDataURI has sha256/);
    const fixed = await backup(
      'check',
      '--catalog',
      bf.catalogFile,
      '--server',
      'sim-0001',
      '--auto-restore',
      '--json',
    );
    expect(fixed.code).toBe(0);
    const bios = JSON.parse(fixed.text).servers[0].components.find(
      (c: { kind: string }) => c.kind === 'bios',
    );
    expect(bios.restore).toMatchObject({ outcome: 'verified', source: 'slice' });
  });

  it.each([
    [['check'], /--catalog is required/],
    [['init'], /backup init changes servers: give --server NAME \(repeatable\) or --all/],
    [['restore', '--catalog', 'c.json'], /backup restore changes servers/],
    [['frobnicate'], /expected one of init, check, status, restore/],
    [['status', '--server', 'nope'], /no server named nope/],
    [['status', '--auto-restore'], /--auto-restore belongs to check/],
    [
      ['check', '--catalog', 'c.json', '--reset-host'],
      /--reset-host belongs to restore \(or check --auto-restore\)/,
    ],
    [['status', '--reset-host'], /--reset-host belongs to restore/],
    [['restore', '--catalog', 'c.json', '--allow-force-reset'], /--allow-force-reset needs --reset-host/],
  ])('refuses %j', async (args, words) => {
    await expect(backup(...args)).rejects.toMatchObject({
      code: 'FW_ERR_CONFIG',
      message: expect.stringMatching(words),
    });
  });
});

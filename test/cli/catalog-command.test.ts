/**
 * `firmwarden catalog show|sync`: what a catalog holds and what its import skipped; syncing
 * images into the store with verification (exit 1 when any image fails); bad input as config
 * errors (exit 2 through main).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.ts';
import { isInputError } from '../../src/cli/args.ts';
import {
  type CatalogSummary,
  catalogCommand,
  syncProgress,
  transferText,
} from '../../src/cli/catalog-command.ts';
import { progressView } from '../../src/cli/progress-view.ts';
import { defaultDeps } from '../../src/deps.ts';
import type { FirmwardenError } from '../../src/errors.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { fakeStream } from '../helpers/fake-stream.ts';

const DELL_11G = 'test/fixtures/catalog/dell/dell-poweredge-11g-Catalog.xml';

async function run(argv: string[], progress?: NodeJS.WriteStream): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  const code = await catalogCommand(
    argv,
    defaultDeps({
      clock: fakeClock(),
      logger: captureLogger('silent').logger,
      ...(progress ? { progress } : {}),
    }),
    sink,
  );
  return { code, out };
}

describe('firmwarden catalog show', () => {
  it('counts the Dell 11G catalog by vendor, kind and criticality and lists what was skipped', async () => {
    const { code, out } = await run(['show', '--catalog', DELL_11G]);
    expect(code).toBe(0);
    expect(out).toMatch(/dell-poweredge-11g-Catalog\.xml: dell, utf-8/i);
    expect(out).toMatch(/392 items, 379 imported, 13 skipped/);
    expect(out).toMatch(/^dell\s+379$/m);
    expect(out).toMatch(/^drive\s+210$/m);
    expect(out).toMatch(/^bios\s+58$/m);
    expect(out).toMatch(/^APAC\s+12$/m);
    expect(out).toMatch(/Dell bundles: 76/);
    expect(out).toMatch(/skipped \(13\):/);
    // The detail 12 skipped elements share is printed once, below the table; each row points at it.
    expect(out).toMatch(/^SoftwareComponent\[\d+\]\s+component-type\s+Diagnostics_Application_\S+\s+\[1\]$/m);
    expect(out.split('ComponentType APAC (Application): only FRMW and BIOS are imported')).toHaveLength(2);
    expect(out).toMatch(/^\[1\] ComponentType APAC/m);
    const skipped = out.slice(out.indexOf('skipped (13):')).split('\n');
    for (const l of skipped) expect(l.length).toBeLessThanOrEqual(120);
  });

  it('--json: the same facts as one document', async () => {
    const { code, out } = await run(['show', '--catalog', DELL_11G, '--json']);
    expect(code).toBe(0);
    const s = JSON.parse(out) as CatalogSummary;
    expect(s.source.format).toBe('dell');
    expect(Object.values(s.byCriticality).reduce((a, b) => a + b, 0)).toBe(379);
    expect(s.stats.byKind.bmc).toBe(18);
    expect(s.skipped).toHaveLength(13);
    expect(new Set(s.skipped.map((k) => k.reason))).toEqual(new Set(['component-type']));
  });
});

describe('firmwarden catalog sync', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'fw-catalog-cli-'));
    await mkdir(join(work, 'images'));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** A native catalog beside its images; `corrupt` entries get a digest that does not match. */
  async function writeCatalog(names: string[], corrupt: string[] = []): Promise<string> {
    const entries = [];
    for (const name of names) {
      const bytes = Buffer.from(`image ${name}\n`.repeat(1000));
      await writeFile(join(work, 'images', `${name}.bin`), bytes);
      const sha256 = createHash('sha256')
        .update(corrupt.includes(name) ? Buffer.from('something else') : bytes)
        .digest('hex');
      entries.push(
        `  - { id: ${name}, vendor: generic, kind: bios, name: ${name}, version: "1.0", match: { namePattern: "^${name}$" }, image: { file: images/${name}.bin, sha256: ${sha256}, size: ${bytes.length} }, criticality: recommended, requires: { reboot: true } }`,
      );
    }
    const file = join(work, 'catalog.yaml');
    await writeFile(file, `version: 1\nentries:\n${entries.join('\n')}\n`);
    return file;
  }

  it('copies and verifies every image; a second sync finds them present; exit 0', async () => {
    const catalog = await writeCatalog(['bios-a', 'bios-b']);
    const store = join(work, 'store');
    const first = await run(['sync', '--catalog', catalog, '--store', store]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^bios-a\s+downloaded\s+\d+/m);
    expect(first.out).toMatch(/2 entries: 2 downloaded, 0 already present, 0 failed/);
    // Copied, not downloaded, but brought into the store all the same: not "0 bytes".
    expect(first.out).toMatch(/^2 images, 25 KiB in \d+:\d\d into /m);
    const second = await run(['sync', '--catalog', catalog, '--store', store, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ present: 2, failed: 0, ok: true });
  });

  it('on a terminal: the counter line ends at all images with their bytes; --json off one: stderr silent', async () => {
    const catalog = await writeCatalog(['bios-a', 'bios-b', 'bios-c']);
    const tty = fakeStream(true);
    const first = await run(['sync', '--catalog', catalog, '--store', join(work, 'store')], tty.stream);
    expect(first.code).toBe(0);
    expect(tty.plain().at(-1)).toMatch(/^sync {2}3\/3 images {2}0 failed {2}38 KiB {2}elapsed \d+:\d\d$/);
    const plain = fakeStream(false);
    const json = await run(
      ['sync', '--catalog', catalog, '--store', join(work, 'store2'), '--json'],
      plain.stream,
    );
    expect(JSON.parse(json.out)).toMatchObject({ downloaded: 3, bytesTransferred: 39_000 });
    expect(plain.text()).toBe('');
  });

  it('exit 1 when an image does not match its digest; nothing of it is kept', async () => {
    const catalog = await writeCatalog(['good', 'bad'], ['bad']);
    const store = join(work, 'store');
    const { code, out } = await run(['sync', '--catalog', catalog, '--store', store, '--concurrency', '1']);
    expect(code).toBe(1);
    expect(out).toMatch(/^bad\s+failed\s+.*FW_ERR_IMAGE/m);
    expect(out).toMatch(/1 downloaded, 0 already present, 1 failed/);
    const again = await run(['sync', '--catalog', catalog, '--store', store, '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ present: 1, failed: 1 });
    expect((await readdir(store, { recursive: true })).join(' ')).not.toMatch(/\.partial/);
  });
});

describe('firmwarden catalog sync --allow-host', () => {
  let work: string;
  let server: Server;
  let port: number;
  const image = Buffer.from('mirrored image\n'.repeat(100));
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'fw-catalog-hosts-'));
    // One loopback server reached by two names: 127.0.0.1 redirects to localhost.
    server = createServer((req, res) => {
      if (req.url === '/a.bin') res.writeHead(302, { location: `http://localhost:${port}/cdn/a.bin` }).end();
      else if (req.url === '/cdn/a.bin') res.writeHead(200).end(image);
      else res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
    const sha256 = createHash('sha256').update(image).digest('hex');
    await writeFile(
      join(work, 'catalog.yaml'),
      `version: 1\nentries:\n  - { id: a, vendor: generic, kind: bios, name: a, version: "1.0", match: { namePattern: "^a$" }, image: { url: "http://127.0.0.1:${port}/a.bin", sha256: ${sha256} }, criticality: recommended, requires: { reboot: true } }\n`,
    );
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    await rm(work, { recursive: true, force: true });
  });

  it('refuses a redirect to a host the catalog does not name, and follows it once allowed', async () => {
    const argv = ['sync', '--catalog', join(work, 'catalog.yaml'), '--store', join(work, 'store'), '--json'];
    const refused = await run(argv);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).results[0]).toMatchObject({ error: { code: 'FW_ERR_IMAGE_HOST' } });
    const allowed = await run([...argv, '--allow-host', 'localhost']);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.out)).toMatchObject({ downloaded: 1, ok: true });
  });
});

describe('bad input', () => {
  it.each([
    { name: 'no subcommand', argv: [], message: /a subcommand is required/ },
    { name: 'unknown subcommand', argv: ['list'], message: /unknown subcommand "list"/ },
    {
      name: 'sync without --store',
      argv: ['sync', '--catalog', DELL_11G],
      message: /--store DIR are required/,
    },
    { name: 'show without --catalog', argv: ['show'], message: /--catalog FILE is required/ },
    {
      name: 'a catalog that does not parse',
      argv: ['show', '--catalog', 'test/fixtures/catalog/dell/malformed.xml'],
      code: 'FW_ERR_CATALOG_PARSE',
      message: /malformed\.xml/,
    },
    {
      name: 'a catalog that is unsafe (XXE)',
      argv: ['show', '--catalog', 'test/fixtures/catalog/dell/xxe.xml'],
      code: 'FW_ERR_CATALOG_UNSAFE',
      message: /xxe\.xml/,
    },
  ] as Array<{ name: string; argv: string[]; message: RegExp; code?: string }>)(
    '$name',
    async ({ argv, message, code }) => {
      const err = await run(argv).then(
        () => undefined,
        (e: unknown) => e,
      );
      // Every one is bad input: main() exits 2 for all of them.
      expect(isInputError(err)).toBe(true);
      expect((err as FirmwardenError).code).toBe(code ?? 'FW_ERR_CONFIG');
      expect((err as FirmwardenError).message).toMatch(message);
    },
  );
});

describe('catalog sync progress', () => {
  it('a line per image in flight with its bytes, on a terminal; a summary with the rate', async () => {
    const catalog = await loadCatalog(DELL_11G);
    const [a, b] = catalog.entries;
    const clock = fakeClock(0);
    const tty = fakeStream(true);
    const view = progressView(tty.stream, { now: clock.now });
    const on = syncProgress(view, catalog, 0);
    const source = 'https://downloads.example/x';
    on({ phase: 'start', entryIds: [a!.id], source });
    on({ phase: 'bytes', entryIds: [a!.id], source, bytes: 3 * 1024 ** 2, total: 12 * 1024 ** 2 });
    on({ phase: 'start', entryIds: [b!.id], source });
    on({ phase: 'bytes', entryIds: [b!.id], source, bytes: 512, total: undefined });
    void clock.sleep(38_000);
    view.done();
    const lines = tty.plain();
    expect(lines[0]).toMatch(new RegExp(`^${a!.id}\\s+3 MiB / 12 MiB 25%$`));
    expect(lines[1]).toMatch(new RegExp(`^${b!.id}\\s+512 B$`));
    expect(lines[2]).toMatch(/^sync {2}0\/\d+ images {2}0 failed {2}3\.0 MiB {2}elapsed 0:38$/);
    expect(transferText(24, 1.2 * 1024 ** 3, 38_000)).toBe('24 images, 1.2 GiB in 0:38 (32 MiB/s)');
  });
});

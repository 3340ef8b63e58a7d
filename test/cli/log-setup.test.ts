/**
 * The CLI's logging rules as an operator meets them: on a terminal quiet, short human lines, never
 * JSON; off a terminal JSON lines at info; flags over environment over those rules; --log-file
 * JSON lines appended to an owner-only file; and a log line never tears the live progress view.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { takeGlobalOptions } from '../../src/cli/args.ts';
import { cliLogger } from '../../src/cli/log-setup.ts';
import { progressView } from '../../src/cli/progress-view.ts';
import { progressBar } from '../../src/cli/render.ts';
import { fakeTerminal } from './fake-terminal.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-log-setup-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

/** A pipe, not a terminal. */
function pipe() {
  const t = fakeTerminal();
  Object.assign(t.stream, { isTTY: false });
  return t;
}

/** One line of each routine level and a warning, as the library logs them. */
function logSome(logger: ReturnType<typeof cliLogger>) {
  const client = logger.child({ server: 'r640-17' });
  client.debug('redfish session rejected; logging in again');
  client.info({ grant: 'abc…' }, 'image granted');
  client.warn(
    { bmc: 'http://10.0.0.17' },
    'plain http: credentials and tokens cross the network unencrypted',
  );
}

describe('cli logger: the console', () => {
  it('on a terminal: warn and above only, one short human line each, no JSON', () => {
    const term = fakeTerminal();
    logSome(cliLogger({}, {}, term.stream));
    expect(term.screen()).toEqual([
      'warn  r640-17: plain http: credentials and tokens cross the network unencrypted bmc=http://10.0.0.17',
    ]);
    expect(term.raw()).not.toContain('{');
  });

  it('off a terminal: JSON lines at info, as a log shipper expects', () => {
    const out = pipe();
    logSome(cliLogger({}, {}, out.stream));
    const lines = out.screen().map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'image granted'],
      [40, 'plain http: credentials and tokens cross the network unencrypted'],
    ]);
  });

  it.each([
    [
      '--log-level debug on a terminal',
      { level: 'debug' },
      {},
      true,
      /^debug r640-17: redfish session rejected/,
    ],
    ['--log-format json on a terminal', { format: 'json' }, {}, true, /^\{"level":40,/],
    [
      'FIRMWARDEN_LOG_FORMAT=pretty off a terminal',
      {},
      { FIRMWARDEN_LOG_FORMAT: 'pretty' },
      false,
      /^info {2}r640-17: image granted grant=abc…$/,
    ],
    [
      'FIRMWARDEN_LOG_LEVEL=debug off a terminal',
      {},
      { FIRMWARDEN_LOG_LEVEL: 'debug' },
      false,
      /"level":20,.*"msg":"redfish session rejected/,
    ],
    ['a flag over the environment', { level: 'error' }, { FIRMWARDEN_LOG_LEVEL: 'debug' }, false, undefined],
  ])('%s', (_name, flags, env, tty, first) => {
    const t = tty ? fakeTerminal() : pipe();
    logSome(cliLogger(flags, env, t.stream));
    if (first) expect(t.screen()[0]).toMatch(first);
    else expect(t.screen()).toEqual([]);
  });

  it.each([
    [{ level: 'loud' }, {}, /--log-level: unknown log level "loud"/],
    [{ format: 'xml' }, {}, /--log-format: unknown log format "xml"/],
    [{}, { FIRMWARDEN_LOG_LEVEL: 'verbose' }, /FIRMWARDEN_LOG_LEVEL: unknown log level/],
  ])('refuses %j %j naming the flag or variable', (flags, env, message) => {
    expect(() => cliLogger(flags, env, fakeTerminal().stream)).toThrow(message);
  });

  it.each([
    ['pretty on a terminal', {}, true],
    ['json off a terminal', {}, false],
    ['json on a terminal', { format: 'json' }, true],
  ])('redacts secrets %s', (_name, flags, tty) => {
    const t = tty ? fakeTerminal() : pipe();
    const logger = cliLogger(flags, {}, t.stream);
    logger.warn({ body: { UserName: 'root', Password: 'hunter2-secret' } }, 'login');
    logger.warn({ headers: { 'x-auth-token': 'hunter2-secret' } }, 'request');
    logger.error({ client: { credentials: { password: 'hunter2-secret' } } }, 'failed');
    expect(t.screen()).toHaveLength(3);
    expect(t.raw()).not.toContain('hunter2-secret');
    expect(t.raw()).toContain('[redacted]');
  });
});

describe('cli logger: --log-file', () => {
  it('appends redacted JSON lines at the chosen level to a file created 0600, beside the quiet console', async () => {
    const file = join(dir, 'run.log');
    await writeFile(file, '{"earlier":"run"}\n', { mode: 0o600 });
    const term = fakeTerminal();
    const logger = cliLogger({ file, level: 'debug' }, {}, term.stream);
    logSome(logger);
    logger.info({ password: 'hunter2-secret' }, 'login');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('{"earlier":"run"}');
    expect(lines.slice(1).map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      'redfish session rejected; logging in again',
      'image granted',
      'plain http: credentials and tokens cross the network unencrypted',
      'login',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2-secret');
    // --log-level applies to the console too: the operator asked for debug.
    expect(term.screen()[0]).toMatch(/^debug /);
  });

  it('records info without --log-level while the terminal shows warnings only; new files are 0600', async () => {
    const file = join(dir, 'new.log');
    const term = fakeTerminal();
    logSome(cliLogger({ file }, {}, term.stream));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const msgs = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs).toEqual([
      'image granted',
      'plain http: credentials and tokens cross the network unencrypted',
    ]);
    expect(term.screen()).toHaveLength(1);
  });

  it('a file that cannot be opened is a config error naming it', () => {
    const file = join(dir, 'no-such-dir', 'x.log');
    expect(() => cliLogger({ file }, {}, fakeTerminal().stream)).toThrow(
      /--log-file: cannot open .*no-such-dir/,
    );
  });
});

describe('cli logger and the live progress view', () => {
  it('a log line written while the view is live lands above it; the view is redrawn below, no stale copies', () => {
    vi.useFakeTimers();
    const term = fakeTerminal();
    const logger = cliLogger({}, {}, term.stream);
    const view = progressView(term.stream);
    view.update({ server: 'sim-0001', component: 'BIOS', step: 'Starting', percent: 0 });
    view.update({ server: 'sim-0002', component: 'BMC', step: 'Starting', percent: 0 });
    vi.advanceTimersByTime(150);
    logger.warn(
      { bmc: 'http://10.0.0.17' },
      'plain http: credentials and tokens cross the network unencrypted',
    );
    view.update({ server: 'sim-0001', component: 'BIOS', step: 'Running', percent: 50 });
    vi.advanceTimersByTime(150);
    logger.error('task failed');
    view.update({ server: 'sim-0002', component: 'BMC', step: 'Completed', percent: 100 });
    view.done();
    const screen = term.screen();
    expect(screen).toEqual([
      'warn  plain http: credentials and tokens cross the network unencrypted bmc=http://10.0.0.17',
      'error task failed',
      expect.stringMatching(/^sim-0001 +BIOS · Running · 50%$/),
      expect.stringMatching(/^sim-0002 +BMC · Completed · 100%$/),
    ]);
  });

  it('once the view is done, log lines go straight to the console again', () => {
    vi.useFakeTimers();
    const term = fakeTerminal();
    const logger = cliLogger({}, {}, term.stream);
    const view = progressView(term.stream);
    view.update({ server: 'sim-0001', step: 'Completed' });
    view.done();
    logger.warn('after');
    expect(term.screen()).toEqual([expect.stringMatching(/^sim-0001 +Completed$/), 'warn  after']);
  });

  it('a log line written while the one-line progress bar shows goes on its own line; the bar follows', () => {
    const term = fakeTerminal();
    const logger = cliLogger({}, {}, term.stream);
    const bar = progressBar('probe', term.stream);
    bar.update(1, 4, 'sim-0001');
    logger.warn('TLS verification disabled (insecure)');
    bar.update(2, 4, 'sim-0002');
    expect(term.screen()).toEqual([
      'warn  TLS verification disabled (insecure)',
      `probe [${'#'.repeat(15)}${'.'.repeat(15)}] 2/4 sim-0002`,
    ]);
    bar.done();
  });
});

describe('global options on the command line', () => {
  it.each([
    [
      'before the command',
      ['--log-level', 'debug', 'update', '--all'],
      ['update', '--all'],
      { level: 'debug' },
    ],
    ['after it, with =', ['update', '--all', '--log-format=json'], ['update', '--all'], { format: 'json' }],
    [
      'all three, mixed in',
      ['--log-file', 'a.log', 'inventory', '--fleet', 'f.yaml', '--log-level=warn', '--log-format', 'pretty'],
      ['inventory', '--fleet', 'f.yaml'],
      { file: 'a.log', level: 'warn', format: 'pretty' },
    ],
    ['none', ['plan', '--json'], ['plan', '--json'], {}],
  ])('%s: taken out, the rest left to the command', (_name, argv, rest, log) => {
    expect(takeGlobalOptions(argv)).toEqual({ argv: rest, log });
  });

  it.each([[['update', '--log-level']], [['--log-file', '--json', 'plan']], [['--log-format=', 'plan']]])(
    '%j: a flag without its value is refused',
    (argv) => {
      expect(() => takeGlobalOptions(argv)).toThrow(/needs a value/);
    },
  );
});

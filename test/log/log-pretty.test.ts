/** The pretty form of a log line: one short line a person reads, made from pino's JSON line. */
import { describe, expect, it } from 'vitest';
import { prettyLine } from '../../src/log-pretty.ts';

const line = (rec: Record<string, unknown>) => JSON.stringify({ time: 1, app: 'firmwarden', ...rec });

describe('prettyLine', () => {
  it.each([
    [
      'level, server and message in front, the rest as key=value',
      { level: 40, server: 'r640-17', bmc: 'http://10.0.0.17', msg: 'plain http' },
      'warn  r640-17: plain http bmc=http://10.0.0.17\n',
    ],
    [
      'component before server',
      { level: 30, component: 'image-server', server: 'r640-17', status: 200, msg: 'image fetch' },
      'info  image-server r640-17: image fetch status=200\n',
    ],
    [
      'values with spaces quoted, objects as JSON',
      { level: 50, msg: 'task failed', note: 'apply failed', state: { a: 1 } },
      'error task failed note="apply failed" state={"a":1}\n',
    ],
    [
      'an error object by its message, never its stack',
      {
        level: 50,
        msg: 'unexpected error',
        err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
      },
      'error unexpected error: boom\n',
    ],
    [
      'a message over several lines kept on one',
      { level: 40, msg: 'first\n  second' },
      'warn  first ⏎ second\n',
    ],
  ])('%s', (_name, rec, expected) => {
    expect(prettyLine(line(rec))).toBe(expected);
  });

  it('cuts a long value but never the error, which follows the message whole', () => {
    const long = `x${'y'.repeat(200)}`;
    const err = `FW_ERR_TLS: [GET] "https://bmc-17/redfish/v1/": ${long}`;
    const out = prettyLine(line({ level: 40, server: 'bmc-17', msg: 'scan failed', detail: long, err }));
    expect(out).toBe(`warn  bmc-17: scan failed: ${err} detail=${long.slice(0, 79)}…\n`);
  });

  it('colours the level word only when asked', () => {
    expect(prettyLine(line({ level: 40, msg: 'm' }), true)).toBe('\x1b[33mwarn \x1b[0m m\n');
    expect(prettyLine(line({ level: 30, msg: 'm' }), true)).toBe('info  m\n');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(prettyLine('not json')).toBe('not json\n');
  });
});

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

const CASES: Array<[string, object]> = [
  ['top-level password', { password: 'hunter2-secret' }],
  ['Redfish login body', { body: { UserName: 'root', Password: 'hunter2-secret' } }],
  ['session token header', { headers: { 'x-auth-token': 'hunter2-secret' } }],
  ['basic auth header', { req: { headers: { authorization: 'Basic hunter2-secret' } } }],
  ['resolved credentials', { client: { credentials: { username: 'root', password: 'hunter2-secret' } } }],
];

describe('logger redaction', () => {
  it.each(CASES)('censors a %s', (_name, obj) => {
    const log = captureLogger();
    log.logger.info(obj, 'event');
    expect(log.lines()).toContain('event');
    expect(log.lines()).not.toContain('hunter2-secret');
  });

  it.each(CASES)('censors a %s in the pretty format and in every sink of a tee', (_name, obj) => {
    const pretty: string[] = [];
    const json: string[] = [];
    const sink = (into: string[]) => new Writable({ write: (c, _e, cb) => cb(void into.push(String(c))) });
    const logger = createLogger({
      sinks: [
        { stream: sink(pretty), format: 'pretty', level: 'info' },
        { stream: sink(json), format: 'json', level: 'debug' },
      ],
    });
    logger.info(obj, 'event');
    expect(pretty[0]).toMatch(/^info {2}event .*\[redacted\]/);
    expect(json[0]).toMatch(/^\{"level":30,.*\[redacted\]/);
    const text = [...pretty, ...json];
    expect(text.join('')).not.toContain('hunter2-secret');
  });
});

import { describe, expect, it } from 'vitest';
import { captureLogger } from '../helpers/capture-logger.ts';

describe('logger redaction', () => {
  it.each([
    ['top-level password', { password: 'hunter2-secret' }],
    ['Redfish login body', { body: { UserName: 'root', Password: 'hunter2-secret' } }],
    ['session token header', { headers: { 'x-auth-token': 'hunter2-secret' } }],
    ['basic auth header', { req: { headers: { authorization: 'Basic hunter2-secret' } } }],
    ['resolved credentials', { client: { credentials: { username: 'root', password: 'hunter2-secret' } } }],
  ])('censors a %s', (_name, obj) => {
    const log = captureLogger();
    log.logger.info(obj, 'event');
    expect(log.lines()).toContain('event');
    expect(log.lines()).not.toContain('hunter2-secret');
  });
});

/**
 * Bodies the API refuses, each with its stable code and status: malformed JSON, a body that is not
 * JSON, one larger than api.maxBodyBytes (declared or streamed), validation naming the field.
 * Refused mutating calls are still journalled with the caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiBed, apiBed } from './helpers.ts';

let bed: ApiBed;
beforeAll(async () => {
  bed = await apiBed({ images: false, api: { maxBodyBytes: 4096 } });
});
afterAll(() => bed?.close());

const url = '/api/v1/rollouts';

describe('request bodies', () => {
  it('malformed JSON: 400 FW_API_BAD_JSON', async () => {
    const res = await bed.app.inject({
      method: 'POST',
      url,
      headers: { ...bed.auth('operator'), 'content-type': 'application/json' },
      body: '{"spec": ',
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_BAD_JSON', field: 'body' } });
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/jsonp']])(
    'content-type %s: 415',
    async (type) => {
      const res = await bed.app.inject({
        method: 'POST',
        url,
        headers: { ...bed.auth('operator'), 'content-type': type },
        body: '{}',
      });
      expect(res.status).toBe(415);
      expect(res.json()).toMatchObject({ error: { code: 'FW_API_UNSUPPORTED_MEDIA_TYPE' } });
    },
  );

  it('application/json with a charset is accepted', async () => {
    const res = await bed.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts/none/pause',
      headers: { ...bed.auth('operator'), 'content-type': 'application/json; charset=utf-8' },
      body: '{}',
    });
    expect(res.status).toBe(404);
  });

  it('a declared length over the limit: 413 before reading, connection closed', async () => {
    const res = await bed.app.inject({
      method: 'POST',
      url,
      headers: bed.auth('operator'),
      body: { pad: 'x'.repeat(5000) },
    });
    expect(res.status).toBe(413);
    expect(res.headers['connection']).toBe('close');
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_TOO_LARGE' } });
  });

  it('a streamed body without a length is cut at the limit: 413', async () => {
    let sent = 0;
    async function* chunks() {
      for (let i = 0; i < 100; i++) {
        sent += 1024;
        yield Buffer.alloc(1024, 0x20);
      }
    }
    const res = await bed.app.handle({
      method: 'POST',
      url,
      headers: { ...bed.auth('operator'), 'content-type': 'application/json' },
      body: chunks(),
    });
    expect(res.status).toBe(413);
    // Reading stopped at the limit, not at the end of the stream.
    expect(sent).toBeLessThanOrEqual(5 * 1024);
  });

  it('a body that is JSON but not an object: 400 naming the body', async () => {
    const res = await bed.app.inject({
      method: 'POST',
      url,
      headers: { ...bed.auth('operator'), 'content-type': 'application/json' },
      body: '[1,2]',
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_VALIDATION', field: 'body' } });
  });

  it('every refused mutating call is journalled with the caller and the code', async () => {
    const audit = (await bed.store.journal()).filter((e) => e.event === 'api-call');
    const codes = audit.map((e) => (e.data as { code?: string }).code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'FW_API_BAD_JSON',
        'FW_API_UNSUPPORTED_MEDIA_TYPE',
        'FW_API_TOO_LARGE',
        'FW_API_VALIDATION',
      ]),
    );
    expect(audit.every((e) => e.actor === 'api:ops')).toBe(true);
  });

  it('a path parameter that is not a name: 400 naming params.id', async () => {
    const res = await bed.app.inject({ url: '/api/v1/rollouts/a%20b', headers: bed.auth('read') });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { field: 'params.id' } });
  });
});

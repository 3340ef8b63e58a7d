import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedfishConnectionError, RedfishHttpError } from '../../src/errors.ts';
import { DEFAULT_TRANSPORT, RedfishTransport } from '../../src/redfish/transport.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const BMC = 'https://bmc-17.example.test';

function transport(overrides: Partial<ConstructorParameters<typeof RedfishTransport>[0]> = {}) {
  const clock = fakeClock();
  const t = new RedfishTransport(
    {
      baseUrl: BMC,
      tls: {},
      maxConcurrency: 2,
      timeouts: { ...DEFAULT_TRANSPORT.timeouts, connectMs: 1000, headersMs: 1000, bodyMs: 1000 },
      retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 30_000 },
      maxResponseBytes: 1024 * 1024,
      ...overrides,
    },
    { clock, logger: captureLogger().logger },
  );
  return { t, clock };
}

const redfishError = (id: string, args: string[] = []) => ({
  error: {
    code: 'Base.1.8.GeneralError',
    message: 'A general error has occurred.',
    '@Message.ExtendedInfo': [
      { MessageId: `Base.1.8.${id}`, Message: id, MessageArgs: args, Severity: 'Warning' },
    ],
  },
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('RedfishTransport', () => {
  it('parses JSON bodies and flattens headers', async () => {
    nock(BMC).get('/redfish/v1/').reply(200, { RedfishVersion: '1.17.0' }, { ETag: 'W/"1"' });
    const { t } = transport();
    const res = await t.send({ method: 'GET', uri: '/redfish/v1/' });
    expect(res.body).toEqual({ RedfishVersion: '1.17.0' });
    expect(res.headers['etag']).toBe('W/"1"');
    await t.close();
  });

  it('turns @Message.ExtendedInfo into a typed error with method, URI and status', async () => {
    nock(BMC)
      .post('/redfish/v1/UpdateService/update-multipart')
      .reply(400, redfishError('PropertyMissing', ['UpdateFile']));
    const { t } = transport();
    const err = await t
      .send({ method: 'POST', uri: '/redfish/v1/UpdateService/update-multipart', body: { json: {} } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RedfishHttpError);
    expect(err.code).toBe('FW_ERR_HTTP');
    expect(err.status).toBe(400);
    expect(err.method).toBe('POST');
    expect(err.uri).toBe(`${BMC}/redfish/v1/UpdateService/update-multipart`);
    expect(err.messages[0].MessageId).toBe('Base.1.8.PropertyMissing');
    expect(err.message).toBe(
      `[POST] "${BMC}/redfish/v1/UpdateService/update-multipart": 400 PropertyMissing UpdateFile`,
    );
    await t.close();
  });

  it('honours Retry-After on 503 and then succeeds', async () => {
    nock(BMC)
      .get('/redfish/v1/Systems')
      .reply(503, redfishError('ServiceTemporarilyUnavailable'), { 'Retry-After': '7' });
    nock(BMC).get('/redfish/v1/Systems').reply(200, { Members: [] });
    const { t, clock } = transport();
    const res = await t.send({ method: 'GET', uri: '/redfish/v1/Systems' });
    expect(res.status).toBe(200);
    expect(clock.sleeps).toEqual([7000]);
    expect(t.requests).toBe(2);
    await t.close();
  });

  it('retries a POST on 503 (not processed) but not on 500 (may have run)', async () => {
    nock(BMC).post('/a').reply(503, {}, { 'Retry-After': '1' }).post('/a').reply(201, {});
    nock(BMC).post('/b').reply(500, redfishError('InternalError'));
    const { t } = transport();
    expect((await t.send({ method: 'POST', uri: '/a', body: { json: {} } })).status).toBe(201);
    const err = await t.send({ method: 'POST', uri: '/b', body: { json: {} } }).catch((e) => e);
    expect(err.status).toBe(500);
    expect(t.requests).toBe(3);
    await t.close();
  });

  it('retries idempotent requests on 500 with jittered backoff, then gives up', async () => {
    nock(BMC).get('/x').times(4).reply(500, redfishError('InternalError'));
    const { t, clock } = transport();
    const err = await t.send({ method: 'GET', uri: '/x' }).catch((e) => e);
    expect(err).toBeInstanceOf(RedfishHttpError);
    expect(t.requests).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
    for (const [i, ms] of clock.sleeps.entries()) expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    await t.close();
  });

  it('does not wait for a Retry-After beyond the cap', async () => {
    nock(BMC).get('/slow').reply(503, {}, { 'Retry-After': '600' });
    const { t, clock } = transport();
    const err = await t.send({ method: 'GET', uri: '/slow' }).catch((e) => e);
    expect(err.status).toBe(503);
    expect(err.retryAfterMs).toBe(600_000);
    expect(clock.sleeps).toEqual([]);
    await t.close();
  });

  it('retries a GET after a connection reset but never a POST', async () => {
    nock(BMC).get('/r').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    nock(BMC).get('/r').reply(200, {});
    nock(BMC).post('/p').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    // Default timeouts for the GET: a short one could expire on a busy machine and retry again.
    const { t } = transport();
    expect((await t.send({ method: 'GET', uri: '/r' })).status).toBe(200);
    expect(t.requests).toBe(2);
    await t.close();
    // nock surfaces a reset under a POST body as a headers timeout: the same "broken" class.
    const { t: short } = transport({
      timeouts: { ...DEFAULT_TRANSPORT.timeouts, connectMs: 200, headersMs: 200, bodyMs: 200 },
    });
    const err = await short.send({ method: 'POST', uri: '/p', body: { json: {} } }).catch((e) => e);
    expect(err).toBeInstanceOf(RedfishConnectionError);
    expect(['FW_ERR_CONNECTION_LOST', 'FW_ERR_TIMEOUT']).toContain(err.code);
    expect(short.requests).toBe(1);
    await short.close();
  });

  it('refuses a 2xx body that is not JSON, naming the URI', async () => {
    nock(BMC).get('/html').reply(200, '<html>login</html>');
    const { t } = transport();
    const err = await t.send({ method: 'GET', uri: '/html' }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_BAD_RESPONSE');
    expect(err.message).toContain(`${BMC}/html`);
    await t.close();
  });

  it('keeps the status of an error with an HTML body', async () => {
    nock(BMC).get('/gone').reply(404, '<html>Not Found</html>');
    const { t } = transport();
    const err = await t.send({ method: 'GET', uri: '/gone' }).catch((e) => e);
    expect(err.status).toBe(404);
    await t.close();
  });
});

/**
 * The pure parts of outbound events: which journal entries become which CloudEvent types (and
 * which do not), ids stable per journal entry and per store, the `events` config section's
 * checks, and the receiver side of the signature (mismatch, stale, malformed, missing).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeIdentity, toCloudEvent } from '../../src/events/cloudevents.ts';
import { typeMatches } from '../../src/events/event-types.ts';
import { EventsConfigSchema, resolveEventsConfig, webhookSecrets } from '../../src/events/events-config.ts';
import { signPayload, verifySignature } from '../../src/events/signature.ts';
import { backoffMs } from '../../src/events/webhook-delivery.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { JournalRecord } from '../../src/store/types.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const ID = { storeId: 'abcdef012345', source: 'urn:firmwarden:store:abcdef012345' };
const rec = (r: Partial<JournalRecord> & { event: string }): JournalRecord => ({
  seq: 42,
  at: '2026-11-22T03:00:00.000Z',
  actor: 'daemon:1@h',
  ...r,
});

describe('journal entries → CloudEvent types', () => {
  it.each([
    ['rollout-created', { rolloutId: 'r1' }, 'io.firmwarden.rollout.created', 'r1'],
    ['drive-start', { rolloutId: 'r1' }, 'io.firmwarden.rollout.started', 'r1'],
    [
      'rollout-paused',
      { rolloutId: 'r1', data: { note: 'failure budget spent' } },
      'io.firmwarden.rollout.paused',
      'r1',
    ],
    ['rollout-pause-requested', { rolloutId: 'r1' }, 'io.firmwarden.rollout.paused', 'r1'],
    ['rollout-abort-requested', { rolloutId: 'r1' }, 'io.firmwarden.rollout.aborted', 'r1'],
    ['rollout-completed', { rolloutId: 'r1' }, 'io.firmwarden.rollout.completed', 'r1'],
    ['step-done', { rolloutId: 'r1', server: 's1' }, 'io.firmwarden.rollout.server-done', 's1'],
    ['server-failed', { rolloutId: 'r1', server: 's1' }, 'io.firmwarden.rollout.server-failed', 's1'],
    ['outcome', { server: 's1', data: { outcome: 'verified' } }, 'io.firmwarden.update.succeeded', 's1'],
    ['outcome', { server: 's1', data: { outcome: 'failed' } }, 'io.firmwarden.update.failed', 's1'],
    [
      'update-verified',
      { server: 's1', data: { outcome: 'updated' } },
      'io.firmwarden.update.succeeded',
      's1',
    ],
    ['update-failed', { server: 's1', data: { outcome: 'partial' } }, 'io.firmwarden.update.failed', 's1'],
    [
      'backup.corruption',
      { server: 's1', data: { component: 'BIOS' } },
      'io.firmwarden.backup.corruption-detected',
      's1',
    ],
    [
      'backup.restore',
      { server: 's1', data: { outcome: 'verified' } },
      'io.firmwarden.backup.restored',
      's1',
    ],
    [
      'backup.restore',
      { server: 's1', data: { outcome: 'staged' } },
      'io.firmwarden.backup.restore-staged',
      's1',
    ],
    [
      'backup.restore',
      { server: 's1', data: { outcome: 'refused' } },
      'io.firmwarden.backup.restore-failed',
      's1',
    ],
  ] as const)('%s %j → %s', (event, extra, type, subject) => {
    const e = toCloudEvent(rec({ event, ...extra }), ID);
    expect(e).toMatchObject({ type, subject, id: 'abcdef012345-42', source: ID.source, specversion: '1.0' });
  });

  it.each([
    ['intent'],
    ['step-claimed'],
    ['host-reset'],
    ['backup.baseline'],
    ['backup.restore.intent'],
    ['job-inventory-scan'],
    ['event-delivery-failed'],
    ['events-sink-start'],
  ])('%s is not an event', (event) => {
    expect(toCloudEvent(rec({ event }), ID)).toBeUndefined();
  });

  it('an outcome without a known result is not an event', () => {
    expect(toCloudEvent(rec({ event: 'outcome', data: { outcome: 'skipped' } }), ID)).toBeUndefined();
  });

  it('type filters: exact, prefix and everything', () => {
    expect(typeMatches('io.firmwarden.rollout.*', 'io.firmwarden.rollout.completed')).toBe(true);
    expect(typeMatches('io.firmwarden.rollout.*', 'io.firmwarden.update.failed')).toBe(false);
    expect(typeMatches('io.firmwarden.update.failed', 'io.firmwarden.update.failed')).toBe(true);
    expect(typeMatches('*', 'io.firmwarden.backup.restored')).toBe(true);
  });
});

describe('store identity', () => {
  it('is the same for every connection to a store and differs between stores', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-events-id-'));
    try {
      const clock = fakeClock();
      const a = await SqliteStore.open(join(dir, 'a.db'), { clock });
      expect(await storeIdentity(a)).toBeUndefined();
      await a.append({ actor: 'x', event: 'first' });
      const idA = await storeIdentity(a);
      await a.append({ actor: 'x', event: 'second' });
      await a.close();
      const again = await SqliteStore.open(join(dir, 'a.db'), { clock });
      expect(await storeIdentity(again)).toBe(idA);
      await again.close();
      await clock.sleep(1);
      const b = await SqliteStore.open(join(dir, 'b.db'), { clock });
      await b.append({ actor: 'x', event: 'first' });
      expect(await storeIdentity(b)).not.toBe(idA);
      await b.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('events config', () => {
  const parse = (webhooks: unknown[]) =>
    resolveEventsConfig(EventsConfigSchema.parse({ webhooks }), 'daemon.yaml');

  it('applies defaults', () => {
    expect(parse([{ name: 'ops', url: 'https://hooks.example/fw', secretEnv: 'FW_SECRET' }])).toEqual({
      pollMs: 2000,
      webhooks: [
        {
          name: 'ops',
          url: 'https://hooks.example/fw',
          secretEnv: 'FW_SECRET',
          maxAttempts: 10,
          timeoutMs: 10_000,
          from: 'now',
        },
      ],
    });
  });

  it.each([
    [
      'an unknown type',
      [{ name: 'a', url: 'https://h.example', secretEnv: 'S', types: ['io.firmwarden.rollout.done'] }],
      'matches no event type',
    ],
    ['plain http', [{ name: 'a', url: 'http://h.example', secretEnv: 'S' }], 'needs allowHttp'],
    [
      'a name used twice',
      [
        { name: 'a', url: 'https://h.example', secretEnv: 'S' },
        { name: 'a', url: 'https://i.example', secretEnv: 'S' },
      ],
      'used twice',
    ],
    [
      'a secret written inline',
      [{ name: 'a', url: 'https://h.example', secret: 'x', secretEnv: 'S' }],
      'secret',
    ],
  ])('refuses %s', (_name, webhooks, message) => {
    expect(() => parse(webhooks)).toThrow(message);
  });

  it('a secret variable that is not set fails naming the variable, not a value', () => {
    const config = parse([{ name: 'ops', url: 'https://h.example', secretEnv: 'FW_NOT_SET' }]);
    expect(() => webhookSecrets(config, {}, 'daemon.yaml')).toThrow(
      expect.objectContaining({
        code: 'FW_ERR_CONFIG',
        message: expect.stringContaining('FW_NOT_SET is not set'),
      }),
    );
    expect(webhookSecrets(config, { FW_NOT_SET: 's3' }, 'daemon.yaml').get('ops')).toBe('s3');
  });
});

describe('signature (receiver side)', () => {
  const secret = 'shh';
  const body = '{"id":"x-1"}';
  const now = 1_795_000_000;
  const signed = {
    secret,
    body,
    timestamp: String(now),
    signature: signPayload(secret, now, body),
    nowSeconds: now,
  };

  it('accepts a matching signature within the tolerance', () => {
    expect(verifySignature(signed)).toEqual({ ok: true });
    expect(verifySignature({ ...signed, nowSeconds: now + 299 })).toEqual({ ok: true });
  });

  it.each([
    ['another secret', { secret: 'other' }, 'mismatch'],
    ['a changed body', { body: '{"id":"x-2"}' }, 'mismatch'],
    ['a changed timestamp', { timestamp: String(now + 1) }, 'mismatch'],
    ['an old request', { nowSeconds: now + 301 }, 'stale'],
    ['a malformed signature', { signature: 'sha1=abc' }, 'malformed'],
    ['no signature', { signature: undefined }, 'missing'],
  ])('refuses %s', (_name, change, reason) => {
    expect(verifySignature({ ...signed, ...change })).toEqual({ ok: false, reason });
  });

  it('signs <timestamp>.<body> with HMAC-SHA256 (interoperable with any HMAC library)', () => {
    // openssl: printf '1795000000.{"id":"x-1"}' | openssl dgst -sha256 -hmac shh
    expect(signPayload(secret, now, body)).toBe(
      'sha256=0c8cf427836883bc1bf8cea7b09b50380e63ab5b94a7371f700f2ce05c1fd8e2',
    );
  });
});

describe('backoff', () => {
  it('doubles with jitter between half and all of the step, capped; Retry-After wins, capped too', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, undefined, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3].map((a) => backoffMs(a, undefined, () => 0.999999))).toEqual([1000, 2000, 4000]);
    expect(backoffMs(20, undefined, () => 0.999999)).toBe(300_000);
    expect(backoffMs(1, 7000, () => 0)).toBe(7000);
    expect(backoffMs(1, 86_400_000, () => 0)).toBe(900_000);
  });
});

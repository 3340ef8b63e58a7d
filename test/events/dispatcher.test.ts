/**
 * The webhook dispatcher against a real receiver on loopback that checks every signature: journal
 * entries become signed CloudEvents in journal order; 5xx and 429 are retried (Retry-After
 * honoured) until delivered once; an event out of attempts or refused is journaled and passed
 * over; a crash between delivery and cursor write redelivers the same id (the receiver dedupes)
 * and nothing already settled; one dispatcher per webhook; the secret never reaches the logs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/deps.ts';
import { EventsJournal, WebhookDispatcher } from '../../src/events/dispatcher.ts';
import type { WebhookSink } from '../../src/events/events-config.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { JournalAppend, Store } from '../../src/store/types.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { type FakeClock, fakeClock } from '../helpers/fake-clock.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const SECRET = 'whsec-7f3a9c1e-test-secret-do-not-log';
const ACTOR = 'daemon:1@test';

let clock: FakeClock;
let log: ReturnType<typeof captureLogger>;
let store: SqliteStore;
let receivers: Receiver[];
let dir: string;

beforeEach(async () => {
  clock = fakeClock();
  log = captureLogger('trace');
  dir = await mkdtemp(join(tmpdir(), 'fw-events-'));
  store = await SqliteStore.open(join(dir, 'state.db'), { clock });
  receivers = [];
});
afterEach(async () => {
  await store.close();
  for (const r of receivers) await r.close();
  await rm(dir, { recursive: true, force: true });
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]['respond'], secret = SECRET) {
  const r = await startReceiver({ secret, now: clock.now, ...(respond ? { respond } : {}) });
  receivers.push(r);
  return r;
}

function sink(url: string, extra: Partial<WebhookSink> = {}): WebhookSink {
  return {
    name: 'ops',
    url,
    secretEnv: 'FW_HOOK_SECRET',
    maxAttempts: 5,
    timeoutMs: 5_000,
    from: 'beginning',
    ...extra,
  };
}

function dispatcher(s: WebhookSink, opts: { store?: Store; actor?: string; secret?: string } = {}) {
  return new WebhookDispatcher({
    store: opts.store ?? store,
    deps: defaultDeps({ clock, logger: log.logger }),
    sink: s,
    secret: opts.secret ?? SECRET,
    actor: opts.actor ?? ACTOR,
    random: () => 0,
  });
}

const ROLLOUT: JournalAppend[] = [
  { actor: 'cli:9@h', rolloutId: 'r1', event: 'drive-start' },
  { actor: 'cli:9@h', rolloutId: 'r1', server: 'sim-0001', event: 'step-claimed' },
  { actor: 'cli:9@h', rolloutId: 'r1', server: 'sim-0001', event: 'intent', data: { component: 'BMC' } },
  {
    actor: 'cli:9@h',
    rolloutId: 'r1',
    server: 'sim-0001',
    event: 'outcome',
    data: { component: 'BMC', from: '1.0', to: '1.1', outcome: 'verified', detail: 'at 1.1' },
  },
  {
    actor: 'cli:9@h',
    rolloutId: 'r1',
    server: 'sim-0002',
    event: 'outcome',
    data: { component: 'BIOS', from: '2.0', to: '2.1', outcome: 'failed', detail: 'ApplyFailed' },
  },
  {
    actor: 'cli:9@h',
    rolloutId: 'r1',
    event: 'rollout-completed',
    data: { note: 'all 2 servers at target' },
  },
];

async function appendAll(entries: JournalAppend[], s: Store = store): Promise<number[]> {
  const seqs: number[] = [];
  for (const e of entries) seqs.push(await s.append(e));
  return seqs;
}

describe('delivery', () => {
  it('turns journal entries into signed CloudEvents, in journal order, skipping non-events', async () => {
    const rx = await receiver();
    const seqs = await appendAll(ROLLOUT);
    const report = await dispatcher(sink(rx.url)).drain();
    expect(report).toMatchObject({ leased: true, delivered: 4, failed: 0, cursor: seqs.at(-1) });
    expect(rx.rejected).toEqual([]);
    expect(rx.events.map((e) => [e.type, e.subject])).toEqual([
      ['io.firmwarden.rollout.started', 'r1'],
      ['io.firmwarden.update.succeeded', 'sim-0001'],
      ['io.firmwarden.update.failed', 'sim-0002'],
      ['io.firmwarden.rollout.completed', 'r1'],
    ]);
    const first = rx.deliveries[0];
    expect(first?.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(first?.check).toEqual({ ok: true });
    const updated = rx.events[1];
    expect(updated).toMatchObject({
      specversion: '1.0',
      id: expect.stringMatching(new RegExp(`^[0-9a-f]{12}-${seqs[3]}$`)),
      source: expect.stringMatching(/^urn:firmwarden:store:[0-9a-f]{12}$/),
      time: '2026-11-22T03:00:00.000Z',
      datacontenttype: 'application/json',
      data: {
        journalSeq: seqs[3],
        journalEvent: 'outcome',
        actor: 'cli:9@h',
        rollout: 'r1',
        server: 'sim-0001',
        detail: { component: 'BMC', from: '1.0', to: '1.1', outcome: 'verified' },
      },
    });
    // Nothing new: a second drain sends nothing.
    expect((await dispatcher(sink(rx.url)).drain()).delivered).toBe(0);
    expect(rx.deliveries).toHaveLength(4);
  });

  it('sends only the selected types', async () => {
    const rx = await receiver();
    await appendAll(ROLLOUT);
    await dispatcher(
      sink(rx.url, { types: ['io.firmwarden.rollout.*', 'io.firmwarden.update.failed'] }),
    ).drain();
    expect(rx.events.map((e) => e.type)).toEqual([
      'io.firmwarden.rollout.started',
      'io.firmwarden.update.failed',
      'io.firmwarden.rollout.completed',
    ]);
  });

  it('a new webhook starts from now unless told to replay the journal', async () => {
    const rx = await receiver();
    await appendAll(ROLLOUT);
    const d = dispatcher(sink(rx.url, { from: 'now' }));
    expect((await d.drain()).delivered).toBe(0);
    await appendAll([ROLLOUT[5] as JournalAppend]);
    expect((await d.drain()).delivered).toBe(1);
    expect(rx.events.map((e) => e.type)).toEqual(['io.firmwarden.rollout.completed']);
    const journal = await store.journal();
    expect(journal.filter((e) => e.event === EventsJournal.sinkStart)).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries 500s and a 429 after its Retry-After, then delivers the event once', async () => {
    const script = [500, 500, 429, 204];
    const rx = await receiver((n) =>
      n < script.length
        ? { status: script[n] as number, ...(script[n] === 429 ? { headers: { 'retry-after': '7' } } : {}) }
        : undefined,
    );
    await appendAll([ROLLOUT[3] as JournalAppend]);
    const report = await dispatcher(sink(rx.url)).drain();
    expect(report).toMatchObject({ delivered: 1, failed: 0 });
    expect(rx.deliveries.map((d) => d.status)).toEqual([500, 500, 429, 204]);
    expect(rx.deliveries.map((d) => d.headers['x-firmwarden-attempt'])).toEqual(['1', '2', '3', '4']);
    expect(rx.events).toHaveLength(1);
    expect(rx.rejected).toEqual([]);
    // Backoff with jitter at its floor (random = 0): 500 ms, 1 s; then the receiver's 7 s.
    expect(clock.sleeps).toEqual([500, 1000, 7000]);
    // Each attempt is signed at its own time.
    expect(new Set(rx.deliveries.map((d) => d.headers['x-firmwarden-timestamp'])).size).toBe(3);
  });

  it('journals an event out of attempts as event-delivery-failed and moves on to the next', async () => {
    const rx = await receiver((_n, event) => ({
      status: event.type === 'io.firmwarden.update.failed' ? 503 : 204,
    }));
    const seqs = await appendAll(ROLLOUT);
    const report = await dispatcher(sink(rx.url, { maxAttempts: 3 })).drain();
    expect(report).toMatchObject({ delivered: 3, failed: 1, cursor: seqs.at(-1) });
    expect(rx.events.map((e) => e.type)).toEqual([
      'io.firmwarden.rollout.started',
      'io.firmwarden.update.succeeded',
      'io.firmwarden.rollout.completed',
    ]);
    const failed = (await store.journal()).filter((e) => e.event === EventsJournal.deliveryFailed);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      server: 'sim-0002',
      rolloutId: 'r1',
      data: {
        sink: 'ops',
        to: new URL(rx.url).origin,
        type: 'io.firmwarden.update.failed',
        journalSeq: seqs[4],
        attempts: 3,
        reason: 'exhausted',
        status: 503,
      },
    });
    // The journal names where events went by origin only: paths often carry tokens.
    expect(JSON.stringify(failed[0])).not.toContain('/hooks/firmwarden');
  });

  it('does not retry a refusal (400): it is journaled once and passed over', async () => {
    const rx = await receiver(() => ({ status: 400 }));
    await appendAll([ROLLOUT[0] as JournalAppend]);
    const report = await dispatcher(sink(rx.url)).drain();
    expect(report).toMatchObject({ delivered: 0, failed: 1 });
    expect(rx.deliveries).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    const failed = (await store.journal()).find((e) => e.event === EventsJournal.deliveryFailed);
    expect(failed?.data).toMatchObject({ reason: 'refused', status: 400, attempts: 1 });
  });

  it('retries a receiver that is not listening, then gives up and journals it', async () => {
    const gone = await receiver();
    await gone.close();
    await appendAll([ROLLOUT[0] as JournalAppend]);
    const report = await dispatcher(sink(gone.url, { maxAttempts: 2 })).drain();
    expect(report).toMatchObject({ delivered: 0, failed: 1 });
    const failed = (await store.journal()).find((e) => e.event === EventsJournal.deliveryFailed);
    expect(failed?.data).toMatchObject({ reason: 'exhausted', attempts: 2 });
    expect(clock.sleeps).toEqual([500]);
  });
});

describe('at-least-once across a restart', () => {
  it('redelivers the event whose cursor write was lost, with the same id, and nothing already settled', async () => {
    const rx = await receiver();
    const seqs = await appendAll(ROLLOUT);
    // The process "dies" right after the receiver's 2xx for the third event, before its cursor write.
    let writes = 0;
    const real = store;
    const crashing = new Proxy(real, {
      get(target, prop) {
        if (prop === 'advanceCursor') {
          return async (name: string, seq: number) => {
            if (++writes === 3) throw new Error('killed before the cursor write');
            return target.advanceCursor(name, seq);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    await expect(dispatcher(sink(rx.url), { store: crashing }).drain()).rejects.toThrow('killed');
    expect(rx.events).toHaveLength(3);
    await store.close();

    // Restart: a new connection on the same file, the lease taken over by the new process.
    store = await SqliteStore.open(join(dir, 'state.db'), { clock });
    await clock.sleep(61_000);
    expect(await store.getCursor('events:ops')).toBe(seqs[3]);
    const report = await dispatcher(sink(rx.url), { actor: 'daemon:2@test' }).drain();
    expect(report).toMatchObject({ delivered: 2, cursor: seqs.at(-1) });
    // The third event came twice with the same id; the receiver kept it once.
    expect(rx.repeats).toBe(1);
    expect(rx.deliveries).toHaveLength(5);
    expect(rx.events.map((e) => e.data.journalSeq)).toEqual([seqs[0], seqs[3], seqs[4], seqs[5]]);
    expect(new Set(rx.deliveries.map((d) => JSON.parse(d.body).id)).size).toBe(4);
  });

  it('one dispatcher per webhook: a second process stands by while the lease is held', async () => {
    const rx = await receiver();
    await appendAll(ROLLOUT);
    const other = await SqliteStore.open(join(dir, 'state.db'), { clock });
    try {
      await dispatcher(sink(rx.url)).drain();
      await appendAll([ROLLOUT[0] as JournalAppend]);
      const standby = await dispatcher(sink(rx.url), { store: other, actor: 'daemon:2@other' }).drain();
      expect(standby).toMatchObject({ leased: false, holder: ACTOR, delivered: 0 });
      expect(rx.events).toHaveLength(4);
      // A webhook of another name has its own lease and cursor.
      const second = await dispatcher(sink(rx.url, { name: 'audit' }), {
        store: other,
        actor: 'daemon:2@other',
      }).drain();
      expect(second).toMatchObject({ leased: true, delivered: 5 });
    } finally {
      await other.close();
    }
  });
});

describe('signatures and secrets', () => {
  it('a receiver with another secret detects the mismatch and refuses every event', async () => {
    const rx = await receiver(undefined, 'some-other-secret');
    await appendAll([ROLLOUT[0] as JournalAppend]);
    await dispatcher(sink(rx.url)).drain();
    expect(rx.events).toEqual([]);
    expect(rx.rejected.map((d) => d.check)).toEqual([{ ok: false, reason: 'mismatch' }]);
  });

  it('never writes the secret to the logs or the journal, also when deliveries fail', async () => {
    const rx = await receiver((n) => (n % 2 === 0 ? { status: 500 } : undefined));
    await appendAll(ROLLOUT);
    await dispatcher(sink(rx.url, { maxAttempts: 1 })).drain();
    const journal = JSON.stringify(await store.journal());
    expect(log.lines()).toContain('event delivery failed');
    for (const where of [log.lines(), journal]) expect(where).not.toContain(SECRET);
  });
});

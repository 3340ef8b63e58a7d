/**
 * The outbox dispatcher of one webhook: tails the store's journal from the cursor
 * `events:<webhook>`, turns the entries that are events into CloudEvents, delivers them in journal
 * order one at a time, and moves the cursor past an entry only once it is settled (delivered, or
 * given up on and recorded). Delivery is at-least-once: a crash or shutdown between the receiver's
 * 2xx and the cursor write sends that event again, with the same id. An event that cannot be
 * delivered after its attempts (or that the receiver refuses) is journaled as
 * `event-delivery-failed` and passed over, so one poisoned event or a long outage never stalls the
 * webhook for good. One dispatcher per webhook across processes: it holds the lease
 * `events:<webhook>`; a standby daemon takes over once the holder's lease expires.
 */
import type { Dispatcher } from 'undici';
import type { Deps } from '../deps.ts';
import { describeError } from '../errors.ts';
import type { Store } from '../store/types.ts';
import { type CloudEvent, storeIdentity, toCloudEvent } from './cloudevents.ts';
import { typeMatches } from './event-types.ts';
import { EVENTS_DEFAULTS, sinkOrigin, type WebhookSink } from './events-config.ts';
import { DeliveryStopped, deliverEvent } from './webhook-delivery.ts';

/** Journal events the dispatcher writes itself. */
export const EventsJournal = {
  /** A webhook started for the first time; its cursor starts here (`from: now`). */
  sinkStart: 'events-sink-start',
  /** An event was given up on (refused, or out of attempts) and passed over. */
  deliveryFailed: 'event-delivery-failed',
} as const;

export interface WebhookDispatcherOptions {
  store: Store;
  deps: Deps;
  sink: WebhookSink;
  secret: string;
  /** Journal actor and lease holder, e.g. "daemon:4242@mgmt-01". */
  actor: string;
  /** CloudEvents source; default urn:firmwarden:store:<store id>. */
  source?: string;
  pollMs?: number;
  leaseTtlMs?: number;
  dispatcher?: Dispatcher;
  random?: () => number;
}

export interface DrainReport {
  /** False when another process holds the webhook's lease: nothing was sent. */
  leased: boolean;
  holder: string;
  delivered: number;
  failed: number;
  /** Where the cursor stands afterwards. */
  cursor: number;
}

export class WebhookDispatcher {
  readonly name: string;
  readonly cursorName: string;
  readonly leaseName: string;
  readonly #o: WebhookDispatcherOptions;
  readonly #ttl: number;
  #lastRenew = Number.NEGATIVE_INFINITY;
  #identity: { storeId: string; source: string } | undefined;
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: WebhookDispatcherOptions) {
    this.#o = options;
    this.name = options.sink.name;
    this.cursorName = `events:${options.sink.name}`;
    this.leaseName = `events:${options.sink.name}`;
    this.#ttl = options.leaseTtlMs ?? EVENTS_DEFAULTS.leaseTtlSeconds * 1000;
  }

  /** Delivers everything journaled after the cursor, then returns. Takes (or renews) the lease first. */
  async drain(signal?: AbortSignal): Promise<DrainReport> {
    const { store, actor, sink } = this.#o;
    const lease = await store.acquireLease(this.leaseName, actor, this.#ttl);
    this.#lastRenew = this.#o.deps.clock.now();
    const report: DrainReport = {
      leased: lease.holder === actor,
      holder: lease.holder,
      delivered: 0,
      failed: 0,
      cursor: 0,
    };
    if (!report.leased) return report;
    let cursor = await this.#startCursor();
    let settled = cursor;
    for (;;) {
      const batch = await store.journal({ afterSeq: settled, limit: EVENTS_DEFAULTS.batch });
      for (const r of batch) {
        const event = toCloudEvent(r, await this.#ident());
        if (event && (!sink.types || sink.types.some((p) => typeMatches(p, event.type)))) {
          if (await this.#send(event, signal)) report.delivered++;
          else report.failed++;
          cursor = await store.advanceCursor(this.cursorName, r.seq);
        }
        settled = r.seq;
      }
      if (batch.length < EVENTS_DEFAULTS.batch) break;
    }
    if (settled > cursor) cursor = await store.advanceCursor(this.cursorName, settled);
    report.cursor = cursor;
    return report;
  }

  /** Runs `drain` every pollMs until `stop()`; errors are logged and retried at the next poll. */
  start(): void {
    if (this.#loop) return;
    const stop = new AbortController();
    this.#stop = stop;
    const log = this.#o.deps.logger.child({ component: 'events', sink: this.name });
    const poll = this.#o.pollMs ?? EVENTS_DEFAULTS.pollSeconds * 1000;
    this.#loop = (async () => {
      let standby = false;
      while (!stop.signal.aborted) {
        try {
          const r = await this.drain(stop.signal);
          if (!r.leased && !standby)
            log.info({ holder: r.holder }, 'another process delivers this webhook; standing by');
          standby = !r.leased;
        } catch (err) {
          if (!(err instanceof DeliveryStopped))
            log.error({ err: describeError(err) }, 'event dispatch failed');
        }
        await this.#o.deps.clock.sleep(poll, stop.signal).catch(() => undefined);
      }
      await this.#o.store.releaseLease(this.leaseName, this.#o.actor).catch(() => undefined);
    })();
  }

  /** Stops the loop (an event in flight is not marked delivered: it is sent again next time). */
  async stop(): Promise<void> {
    this.#stop?.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  /** The cursor; a webhook's first start with `from: now` begins at a journal entry saying so. */
  async #startCursor(): Promise<number> {
    const { store, actor, sink } = this.#o;
    const cursor = await store.getCursor(this.cursorName);
    if (cursor > 0 || sink.from === 'beginning') return cursor;
    const seq = await store.append({
      actor,
      event: EventsJournal.sinkStart,
      data: { sink: sink.name, to: sinkOrigin(sink.url), from: 'now' },
    });
    return store.advanceCursor(this.cursorName, seq);
  }

  async #ident(): Promise<{ storeId: string; source: string }> {
    if (!this.#identity) {
      const storeId = (await storeIdentity(this.#o.store)) ?? 'empty';
      this.#identity = { storeId, source: this.#o.source ?? `urn:firmwarden:store:${storeId}` };
    }
    return this.#identity;
  }

  /** Delivers one event; false when it was given up on (and journaled as such). */
  async #send(event: CloudEvent, signal?: AbortSignal): Promise<boolean> {
    const { sink, store, actor, deps } = this.#o;
    const outcome = await deliverEvent(event, {
      sink,
      secret: this.#o.secret,
      deps,
      ...(signal ? { signal } : {}),
      ...(this.#o.dispatcher ? { dispatcher: this.#o.dispatcher } : {}),
      ...(this.#o.random ? { random: this.#o.random } : {}),
      keepGoing: () => this.#renew(),
      checkEveryMs: this.#ttl / 3,
    });
    if (outcome.delivered) return true;
    const data = {
      sink: sink.name,
      to: sinkOrigin(sink.url),
      id: event.id,
      type: event.type,
      journalSeq: event.data.journalSeq,
      attempts: outcome.attempts,
      reason: outcome.reason,
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      error: outcome.error,
    };
    deps.logger.error(data, 'event not delivered; recorded as event-delivery-failed and passed over');
    await store.append({
      actor,
      ...(event.data.server !== undefined ? { server: event.data.server } : {}),
      ...(event.data.rollout !== undefined ? { rolloutId: event.data.rollout } : {}),
      event: EventsJournal.deliveryFailed,
      data,
    });
    return false;
  }

  /** Renews the lease when a third of its life has passed; false once someone else holds it. */
  async #renew(): Promise<boolean> {
    const now = this.#o.deps.clock.now();
    if (now - this.#lastRenew < this.#ttl / 3) return true;
    const lease = await this.#o.store.acquireLease(this.leaseName, this.#o.actor, this.#ttl);
    this.#lastRenew = now;
    return lease.holder === this.#o.actor;
  }
}

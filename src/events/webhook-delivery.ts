/**
 * Delivers one CloudEvent to one webhook: POST in structured mode, signed afresh per attempt,
 * retried with exponential backoff and jitter on what may pass (connection errors, timeouts, 5xx,
 * 408, 429 with its Retry-After), not on a refusal (other 4xx, 3xx: the receiver said no; asking
 * again would say no again). Any 2xx is delivered. Waits go through the clock, in slices, asking
 * `keepGoing` between them so a dispatcher that lost its lease stops instead of sending on.
 */
import { type Dispatcher, request } from 'undici';
import type { Deps } from '../deps.ts';
import { FirmwardenError } from '../errors.ts';
import type { CloudEvent } from './cloudevents.ts';
import { EVENTS_DEFAULTS, sinkOrigin, type WebhookSink } from './events-config.ts';
import { SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from './signature.ts';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export interface DeliveryOptions {
  sink: WebhookSink;
  secret: string;
  deps: Deps;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Jitter source in [0, 1) (tests pass a constant). */
  random?: () => number;
  /** Asked before each attempt and during waits; false stops the delivery (lease lost). */
  keepGoing?: () => Promise<boolean>;
  /** Longest single sleep between keepGoing checks. */
  checkEveryMs?: number;
}

export type DeliveryOutcome =
  | { delivered: true; attempts: number; status: number }
  | {
      delivered: false;
      attempts: number;
      /** refused: a 3xx/4xx that is not worth repeating; exhausted: every attempt failed. */
      reason: 'refused' | 'exhausted';
      status?: number;
      error: string;
    };

/** Thrown when the delivery stopped before an outcome (shutdown, lease lost): do not advance. */
export class DeliveryStopped extends FirmwardenError {
  constructor(why: string) {
    super('FW_ERR_EVENTS_STOPPED', why);
    this.name = 'DeliveryStopped';
  }
}

type Attempt =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; status?: number; error: string; retryAfterMs?: number }
  | { kind: 'refused'; status: number; error: string };

/** Sends the event until it is delivered, refused, or out of attempts. */
export async function deliverEvent(event: CloudEvent, options: DeliveryOptions): Promise<DeliveryOutcome> {
  const { sink, deps } = options;
  const body = JSON.stringify(event);
  const random = options.random ?? Math.random;
  let last: Attempt | undefined;
  for (let attempt = 1; attempt <= sink.maxAttempts; attempt++) {
    await check(options);
    last = await attemptOnce(body, attempt, options);
    if (last.kind === 'ok') return { delivered: true, attempts: attempt, status: last.status };
    if (last.kind === 'refused')
      return {
        delivered: false,
        attempts: attempt,
        reason: 'refused',
        status: last.status,
        error: last.error,
      };
    deps.logger.warn(
      {
        sink: sink.name,
        to: sinkOrigin(sink.url),
        event: event.id,
        attempt,
        status: last.status,
        error: last.error,
      },
      'event delivery failed; will retry',
    );
    if (attempt < sink.maxAttempts) await wait(backoffMs(attempt, last.retryAfterMs, random), options);
  }
  const failed = last as Extract<Attempt, { kind: 'retry' }>;
  return {
    delivered: false,
    attempts: sink.maxAttempts,
    reason: 'exhausted',
    ...(failed.status !== undefined ? { status: failed.status } : {}),
    error: failed.error,
  };
}

/** Equal jitter: half the exponential delay fixed, half random; Retry-After wins when given. */
export function backoffMs(attempt: number, retryAfterMs: number | undefined, random: () => number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, EVENTS_DEFAULTS.retryAfterMaxMs);
  const d = Math.min(EVENTS_DEFAULTS.retryMaxMs, EVENTS_DEFAULTS.retryBaseMs * 2 ** (attempt - 1));
  return Math.round(d / 2 + random() * (d / 2));
}

async function attemptOnce(body: string, attempt: number, options: DeliveryOptions): Promise<Attempt> {
  const { sink, deps } = options;
  const timestamp = Math.floor(deps.clock.now() / 1000);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(sink.url, {
      method: 'POST',
      headers: {
        'content-type': CLOUDEVENTS_CONTENT_TYPE,
        'user-agent': 'firmwarden-events',
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signPayload(options.secret, timestamp, body),
        'x-firmwarden-attempt': String(attempt),
      },
      body,
      headersTimeout: sink.timeoutMs,
      bodyTimeout: sink.timeoutMs,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (options.signal?.aborted) throw new DeliveryStopped('stopped during delivery');
    return { kind: 'retry', error: (err as Error).message };
  }
  await res.body.dump().catch(() => undefined);
  const s = res.statusCode;
  if (s >= 200 && s < 300) return { kind: 'ok', status: s };
  if (s >= 500 || s === 408 || s === 429) {
    const after = retryAfterMs(res.headers['retry-after'], deps.clock.now());
    return {
      kind: 'retry',
      status: s,
      error: `answered ${s}`,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    };
  }
  return { kind: 'refused', status: s, error: `answered ${s}` };
}

function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

async function check(options: DeliveryOptions): Promise<void> {
  if (options.signal?.aborted) throw new DeliveryStopped('stopped');
  if (options.keepGoing && !(await options.keepGoing())) throw new DeliveryStopped('lost the lease');
}

async function wait(ms: number, options: DeliveryOptions): Promise<void> {
  const slice = options.checkEveryMs ?? Number.POSITIVE_INFINITY;
  let left = ms;
  while (left > 0) {
    const step = Math.min(left, slice);
    try {
      await options.deps.clock.sleep(step, options.signal);
    } catch {
      throw new DeliveryStopped('stopped while waiting to retry');
    }
    left -= step;
    if (left > 0) await check(options);
  }
}

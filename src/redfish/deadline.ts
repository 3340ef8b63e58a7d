/**
 * The total deadline of one Redfish request: every try, every wait between tries and the whole
 * response body. undici's headers and body timeouts are per try and measure idleness, so a BMC
 * trickling a byte every few seconds never trips them; this deadline always ends the request.
 */
import { FirmwardenError, RedfishConnectionError } from '../errors.ts';
import type { Timeouts, TransportRequest } from './transport.ts';

/** A raw upload of unknown length gets this on top of `totalMs` (no length to scale by). */
export const UNSIZED_UPLOAD_MS = 3_600_000;

/** How long a request may take, and what to call that limit in errors. */
export interface DeadlineBudget {
  ms: number;
  what: string;
}

/**
 * The budget of a request: the caller's `deadlineMs`, or `totalMs` plus, for a raw body (an
 * image), its size at the slowest accepted upload rate.
 */
export function deadlineOf(req: TransportRequest, t: Timeouts): DeadlineBudget {
  if (req.deadlineMs !== undefined) return { ms: req.deadlineMs, what: 'request deadline (deadlineMs)' };
  const body = req.body;
  if (!body || !('raw' in body)) return { ms: t.totalMs, what: 'request deadline (timeouts.totalMs)' };
  const bytes = body.length ?? (Buffer.isBuffer(body.raw) ? body.raw.length : undefined);
  const uploadMs =
    bytes === undefined ? UNSIZED_UPLOAD_MS : Math.ceil((bytes * 1000) / t.uploadBytesPerSecond);
  return {
    ms: t.totalMs + uploadMs,
    what: 'upload deadline (timeouts.totalMs + size / timeouts.uploadBytesPerSecond)',
  };
}

/**
 * A running deadline. Its signal aborts at expiry or when the caller's signal aborts; real time,
 * not the deps clock, because it races real sockets (a fake clock's sleeps take no time at all).
 * One controller linked to the caller's signal by a listener removed in {@link clear}: cheaper
 * per request than AbortSignal.any, which keeps every derived signal tracked by its sources.
 */
export class RequestDeadline {
  /** Aborts the request: expiry or the caller's own signal. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private expired = false;
  private readonly timer: NodeJS.Timeout;
  private readonly endsAt: number;
  private readonly req: TransportRequest;
  private readonly budget: DeadlineBudget;
  private readonly url: string | (() => string);
  private readonly onCallerAbort: (() => void) | undefined;

  /** `url` (for messages) may be a function, called only when an error names it. */
  constructor(req: TransportRequest, budget: DeadlineBudget, url: string | (() => string)) {
    this.req = req;
    this.budget = budget;
    this.url = url;
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, budget.ms);
    this.endsAt = performance.now() + budget.ms;
    const caller = req.signal;
    if (caller?.aborted) this.controller.abort(caller.reason);
    else if (caller) {
      this.onCallerAbort = () => this.controller.abort(caller.reason);
      caller.addEventListener('abort', this.onCallerAbort, { once: true });
    }
  }

  /** Milliseconds left before expiry. */
  remainingMs(): number {
    return this.endsAt - performance.now();
  }

  /**
   * The error to throw when the request was stopped: FW_ERR_TIMEOUT naming this deadline, or the
   * caller's FirmwardenError abort reason (a sweep's per-server deadline) with this request's URI.
   * Undefined when neither stopped it (a plain abort keeps the network error).
   */
  stoppedError(cause: unknown): FirmwardenError | undefined {
    const { method } = this.req;
    if (this.expired) {
      const reason = `${this.budget.what} of ${this.budget.ms} ms expired`;
      return new RedfishConnectionError('FW_ERR_TIMEOUT', method, this.urlText(), reason, { cause });
    }
    const why: unknown = this.req.signal?.aborted ? this.req.signal.reason : undefined;
    if (why instanceof FirmwardenError) {
      return new RedfishConnectionError(why.code, method, this.urlText(), why.message, { cause: why });
    }
    return undefined;
  }

  /** Stops the timer and unlinks the caller's signal; call when the request is over either way. */
  clear(): void {
    clearTimeout(this.timer);
    if (this.onCallerAbort) this.req.signal?.removeEventListener('abort', this.onCallerAbort);
  }

  private urlText(): string {
    return typeof this.url === 'function' ? this.url() : this.url;
  }
}

/**
 * When and how long to retry a Redfish request. Retries are for requests that are safe to
 * repeat: idempotent ones on any transient failure; any request when it provably never reached
 * the service (connection refused) or the service said so (503/429 Service Unavailable / Too
 * Many Requests). A POST whose connection died mid-flight is never repeated: it may have run.
 */

/** Retry tuning. Defaults in DEFAULT_RETRY. */
export interface RetryPolicy {
  /** Total tries including the first. */
  attempts: number;
  /** First backoff step; doubles per try, full jitter. */
  baseDelayMs: number;
  /** Largest backoff step. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is returned with it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  // BMCs rebooting after a flash answer 503 with Retry-After of a minute or more; the executor
  // waits for those itself, a plain request should not sit that long.
  maxRetryAfterMs: 30_000,
};

/** Full-jitter exponential backoff (AWS architecture blog): uniform in [0, min(max, base·2^n)]. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** Parses Retry-After (delta-seconds or HTTP-date, RFC 9110 §10.2.3) into milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Error codes meaning the request never left this machine (safe to retry any method). */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);
/** Error codes meaning the connection broke; the request may or may not have been processed. */
const BROKEN = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'ETIMEDOUT',
]);

export type FailureClass = 'not-sent' | 'broken' | 'tls' | 'other';

/** Classifies a low-level error by its code (and its cause's code). */
export function classifyNetworkError(err: unknown): { cls: FailureClass; code: string } {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NOT_SENT.has(code)) return { cls: 'not-sent', code };
      if (BROKEN.has(code)) return { cls: 'broken', code };
      if (/CERT|SELF_SIGNED|ERR_TLS|ERR_SSL|UNABLE_TO_(VERIFY|GET)|FW_ERR_TLS_PIN/.test(code)) {
        return { cls: 'tls', code };
      }
    }
    e = (e as { cause?: unknown }).cause;
  }
  const code = (err as { code?: unknown })?.code;
  return { cls: 'other', code: typeof code === 'string' ? code : 'UNKNOWN' };
}

/** Whether an HTTP status is worth another try for a request of this kind. */
export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 503 || status === 429) return true;
  return idempotent && (status === 500 || status === 502 || status === 504);
}

/** Whether a network failure is worth another try for a request of this kind. */
export function isRetryableFailure(cls: FailureClass, idempotent: boolean): boolean {
  return cls === 'not-sent' || (cls === 'broken' && idempotent);
}

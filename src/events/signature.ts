/**
 * Webhook signatures: HMAC-SHA256 with the sink's shared secret over `<timestamp>.<body>`, sent
 * as `X-Firmwarden-Signature: sha256=<hex>` beside `X-Firmwarden-Timestamp: <unix seconds>`.
 * The timestamp is signed so a captured request cannot be replayed later: receivers reject one
 * outside their tolerance (default 5 minutes). Every attempt is signed afresh. `verifySignature`
 * is the receiver's side, exported for Node receivers (and used by the tests' receiver).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-firmwarden-signature';
export const TIMESTAMP_HEADER = 'x-firmwarden-timestamp';
/** Receivers' default tolerance between the signed timestamp and their clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `sha256=<hex>` of `<timestamp>.<body>`. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' | 'stale' };

/** Checks a received request: the signature matches the secret and the timestamp is recent. */
export function verifySignature(args: {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  /** Receiver's clock, seconds since the epoch. */
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  if (!args.signature || !args.timestamp) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(args.timestamp) || !/^sha256=[0-9a-f]{64}$/.test(args.signature))
    return { ok: false, reason: 'malformed' };
  const ts = Number(args.timestamp);
  const expected = Buffer.from(signPayload(args.secret, ts, args.body));
  const got = Buffer.from(args.signature);
  // Constant time: the comparison must not tell an attacker how many leading bytes were right.
  if (expected.length !== got.length || !timingSafeEqual(expected, got))
    return { ok: false, reason: 'mismatch' };
  if (Math.abs(args.nowSeconds - ts) > (args.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS))
    return { ok: false, reason: 'stale' };
  return { ok: true };
}

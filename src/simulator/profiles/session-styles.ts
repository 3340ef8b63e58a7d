/**
 * Session id / token formats and limit refusals shared by the vendor profiles. Tokens come from
 * node:crypto (not the seeded RNG): a leaked simulator token should not be guessable either.
 */
import { randomBytes } from 'node:crypto';
import { baseError, type MessageStyle, type SimHttpError } from '../redfish-errors.ts';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` random lowercase hex digits. */
export function randomHex(n: number): string {
  return randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
}

/** `n` random characters of [0-9A-Za-z] (bmcweb's token alphabet). */
export function randomAlnum(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

/** Base.SessionLimitExceeded at the given HTTP status (services use 503 or 400). */
export function sessionLimitExceeded(status: number): (style: MessageStyle) => SimHttpError {
  return (style) => baseError(style, 'SessionLimitExceeded', [], status);
}

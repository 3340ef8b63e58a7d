/**
 * pino logger with secrets redacted. Anything that could carry a password or session token is
 * listed here, whatever the depth it appears at; tests assert that none reaches the output.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

/** Paths pino censors. `*.` covers one level of nesting; the common carriers are listed deeper. */
export const REDACT_PATHS = [
  'password',
  'Password',
  'token',
  'authorization',
  'Authorization',
  'x-auth-token',
  'X-Auth-Token',
  '*.password',
  '*.Password',
  '*.token',
  '*.authorization',
  '*.Authorization',
  '*["x-auth-token"]',
  '*["X-Auth-Token"]',
  '*.*.password',
  '*.*.Password',
  '*.*.token',
  '*.*.authorization',
  '*.*["x-auth-token"]',
  'credentials',
  '*.credentials',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  // Webhook secrets (events) and the signatures made with them.
  'secret',
  '*.secret',
  '*.*.secret',
  '*["x-firmwarden-signature"]',
];

export interface LoggerOptions {
  level?: string;
  /** Where the JSON lines go; stderr by default so stdout stays for results. */
  destination?: DestinationStream;
}

/** Creates the process logger. Level from options, else FIRMWARDEN_LOG_LEVEL, else `info`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env['FIRMWARDEN_LOG_LEVEL'] ?? 'info';
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'firmwarden' } },
    options.destination ?? pino.destination(2),
  );
}

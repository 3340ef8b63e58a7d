/**
 * Redfish authentication: a session (POST SessionService/Sessions → X-Auth-Token + Location,
 * DELETE the Location to log out) with HTTP Basic as the fallback when a BMC has no session
 * service or refuses a new session (iDRAC stops at ~8 sessions, Basic still works there).
 */
import type { Logger } from 'pino';
import { FirmwardenError, RedfishHttpError } from '../errors.ts';
import { SessionSchema } from './models/session.ts';
import type { RedfishTransport } from './transport.ts';

export interface Credentials {
  username: string;
  password: string;
}

export type AuthMode = 'auto' | 'session' | 'basic';

/** An authenticated context: the header to send, and how to end it. */
export interface AuthState {
  kind: 'session' | 'basic';
  headers: Record<string, string>;
  /** Session URI to DELETE on logout (session kind only). */
  location?: string;
}

/** Basic auth header for credentials. */
export function basicAuth(c: Credentials): AuthState {
  const token = Buffer.from(`${c.username}:${c.password}`).toString('base64');
  return { kind: 'basic', headers: { authorization: `Basic ${token}` } };
}

/**
 * Logs in. `auto` tries a session and falls back to Basic when the service has none (404/405/
 * 501) or refuses one for a reason other than bad credentials (e.g. session limit reached).
 */
export async function login(
  transport: RedfishTransport,
  sessionsUri: string,
  creds: Credentials,
  mode: AuthMode,
  logger: Logger,
  signal?: AbortSignal,
): Promise<AuthState> {
  if (mode === 'basic') return basicAuth(creds);
  try {
    // A session POST is not idempotent: retried only when it surely never ran (refused, 503).
    const res = await transport.send({
      method: 'POST',
      uri: sessionsUri,
      body: { json: { UserName: creds.username, Password: creds.password } },
      ...(signal ? { signal } : {}),
    });
    const token = res.headers['x-auth-token'];
    if (!token) {
      throw new FirmwardenError(
        'FW_ERR_AUTH',
        `${transport.urlOf(sessionsUri)}: session created without X-Auth-Token`,
      );
    }
    const body = SessionSchema.safeParse(res.body ?? {});
    const location = res.headers['location'] ?? (body.success ? body.data['@odata.id'] : undefined);
    return {
      kind: 'session',
      headers: { 'x-auth-token': token },
      ...(location ? { location: pathOf(location, transport.origin) } : {}),
    };
  } catch (err) {
    if (mode === 'auto' && err instanceof RedfishHttpError && err.status !== 401 && err.status !== 403) {
      logger.warn(
        { bmc: transport.origin, status: err.status, reason: err.message },
        'no redfish session; falling back to basic auth',
      );
      return basicAuth(creds);
    }
    throw err;
  }
}

/**
 * Ends a session; true when it is gone (or there was none). Failures are logged, never thrown:
 * logout runs in finally blocks. False leaves its ledger record for the next run to clean up.
 */
export async function logout(transport: RedfishTransport, auth: AuthState, logger: Logger): Promise<boolean> {
  if (auth.kind !== 'session' || !auth.location) return true;
  try {
    await transport.send({ method: 'DELETE', uri: auth.location, headers: auth.headers, attempts: 2 });
    return true;
  } catch (err) {
    // 401/404: the session already expired or the BMC rebooted; nothing left to free.
    if (err instanceof RedfishHttpError && (err.status === 401 || err.status === 404)) return true;
    logger.warn({ bmc: transport.origin, err: (err as Error).message }, 'redfish logout failed');
    return false;
  }
}

/** A Location may be absolute (same origin) or a path; requests take paths. */
export function pathOf(location: string, origin: string): string {
  if (location.startsWith('/')) return location;
  const url = new URL(location, origin);
  return url.pathname + url.search;
}

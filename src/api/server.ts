/**
 * Puts the API app on a socket: node:http, or node:https with the configured certificate and key.
 * The app itself never listens (tests inject); this is the only place that binds.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { ConfigError } from '../errors.ts';
import type { ApiApp } from './app.ts';

export interface ListenOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls?: { cert: string; key: string };
}

export interface ApiServer {
  /** http(s)://host:port */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Server timeouts: slow clients must not hold sockets forever. */
export const SERVER_DEFAULTS = {
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
} as const;

export async function startApiServer(app: ApiApp, options: ListenOptions): Promise<ApiServer> {
  let server: http.Server;
  if (options.tls) {
    let cert: Buffer;
    let key: Buffer;
    try {
      [cert, key] = await Promise.all([readFile(options.tls.cert), readFile(options.tls.key)]);
    } catch (err) {
      throw new ConfigError('api.tls', `cannot read certificate or key: ${(err as Error).message}`, {
        cause: err,
      });
    }
    server = https.createServer({ cert, key, minVersion: 'TLSv1.2' }, app.listener);
  } else {
    server = http.createServer(app.listener);
  }
  server.headersTimeout = SERVER_DEFAULTS.headersTimeoutMs;
  server.requestTimeout = SERVER_DEFAULTS.requestTimeoutMs;
  server.keepAliveTimeout = SERVER_DEFAULTS.keepAliveTimeoutMs;
  try {
    await once(server.listen(options.port, options.host), 'listening');
  } catch (err) {
    throw new ConfigError(
      'api.listen',
      `cannot listen on ${options.host}:${options.port}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const port = (server.address() as AddressInfo).port;
  const host = isIP(options.host) === 6 ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // In-flight requests get a moment; then sockets are dropped.
      const timer = setTimeout(() => server.closeAllConnections(), 5_000);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}

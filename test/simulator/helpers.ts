/**
 * A tiny Redfish caller for simulator tests: undici fetch over real loopback sockets, trusting the
 * simulator's CA. (The real firmwarden client is tested against the simulator elsewhere.)
 */
import { createSecureContext } from 'node:tls';
import { Agent, fetch } from 'undici';
import type { SimBmc } from '../../src/simulator/index.ts';

export interface Call {
  method?: string;
  token?: string;
  /** Basic credentials: true uses the BMC's own. */
  basic?: boolean | { username: string; password: string };
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as is (FormData, Buffer, async iterable); content-type from `headers` or undici. */
  raw?: unknown;
}

/** A Redfish body as tests read it: arbitrary JSON, navigated freely and checked by assertions. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are untyped Redfish JSON in these tests
export type Body = any;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Body;
}

export interface Caller {
  call(bmc: SimBmc, path: string, c?: Call): Promise<Answer>;
  login(
    bmc: SimBmc,
    creds?: { username: string; password: string },
  ): Promise<{ token: string; location: string; answer: Answer }>;
  close(): Promise<void>;
  readonly agent: Agent;
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** A caller trusting `caPem` (undefined for plain HTTP fleets). */
export function createCaller(caPem?: string): Caller {
  // One SecureContext for every connection: passing `ca` alone builds a new context per handshake.
  const connect = caPem === undefined ? {} : { secureContext: createSecureContext({ ca: caPem }) };
  const agent = new Agent({ connect, keepAliveTimeout: 1000 });
  const call = async (bmc: SimBmc, path: string, c: Call = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...c.headers };
    if (c.token !== undefined) headers['x-auth-token'] = c.token;
    if (c.basic === true) headers['authorization'] = basicHeader(bmc.username, bmc.password);
    else if (c.basic) headers['authorization'] = basicHeader(c.basic.username, c.basic.password);
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    const url = path.startsWith('http') ? path : `${bmc.url}${path}`;
    const body = c.raw !== undefined ? c.raw : c.body === undefined ? undefined : JSON.stringify(c.body);
    const res = await fetch(url, {
      dispatcher: agent,
      method: c.method ?? 'GET',
      headers,
      ...(body === undefined ? {} : { body: body as string, duplex: 'half' as const }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers as unknown as Headers, text, json };
  };
  return {
    agent,
    call,
    async login(bmc, creds) {
      const answer = await call(bmc, '/redfish/v1/SessionService/Sessions', {
        method: 'POST',
        body: { UserName: creds?.username ?? bmc.username, Password: creds?.password ?? bmc.password },
      });
      return {
        token: answer.headers.get('x-auth-token') ?? '',
        location: answer.headers.get('location') ?? '',
        answer,
      };
    },
    close: () => agent.close(),
  };
}

/** The path part of a Location header (iLO answers absolute URLs). */
export function pathOf(location: string): string {
  return location.startsWith('http') ? new URL(location).pathname : location;
}

/** Asserts the body is a Redfish error and returns its first MessageId. */
export function firstMessageId(json: Body): string {
  const info = json?.error?.['@Message.ExtendedInfo'];
  if (typeof json?.error?.code !== 'string' || !Array.isArray(info) || info.length === 0) {
    throw new Error(`not a Redfish error body: ${JSON.stringify(json)}`);
  }
  return String(info[0].MessageId);
}

/**
 * Answers Redfish requests from a recorded trace, on 127.0.0.1 only: the same method and path
 * (query included) get the recorded answers in the order they were recorded, the last one
 * repeating. Nothing it does depends on credentials (the trace holds none); a request the trace
 * does not hold gets 404 with a Redfish error naming it, and is listed in `unmatched`, so a test
 * sees at once when a client reads something the recording did not.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trace, TraceExchange } from './trace.ts';

export interface ReplayServer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** "GET /redfish/v1/x" for every request no recorded exchange answered. */
  readonly unmatched: string[];
  /** Requests answered, by "METHOD path". */
  readonly served: Map<string, number>;
  close(): Promise<void>;
}

/** Starts a replay of `trace` on an ephemeral loopback port (or `port`). */
export async function startReplayServer(trace: Trace, opts: { port?: number } = {}): Promise<ReplayServer> {
  const answers = new Map<string, TraceExchange[]>();
  for (const ex of trace.exchanges) {
    const key = `${ex.method} ${ex.path}`;
    answers.set(key, [...(answers.get(key) ?? []), ex]);
  }
  const unmatched: string[] = [];
  const served = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    // The body is not compared (it may hold what the trace redacted); it is drained and dropped.
    req.resume();
    req.on('end', () => answer(req, res));
  });
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const key = `${req.method ?? 'GET'} ${req.url ?? '/'}`;
    const list = answers.get(key);
    const n = served.get(key) ?? 0;
    served.set(key, n + 1);
    const ex = list?.[Math.min(n, list.length - 1)];
    if (!ex) {
      unmatched.push(key);
      const body = JSON.stringify({
        error: {
          code: 'Base.1.0.ResourceMissingAtURI',
          message: `not in the trace of ${trace.server}: ${key}`,
        },
      });
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const empty = ex.status === 204 || ex.status === 304 || req.method === 'HEAD';
    const body =
      ex.responseBody === undefined || empty
        ? ''
        : typeof ex.responseBody === 'string'
          ? ex.responseBody
          : JSON.stringify(ex.responseBody);
    res.writeHead(ex.status, { ...ex.responseHeaders, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    unmatched,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

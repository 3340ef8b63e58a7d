/**
 * A loopback (127.0.0.1) HTTP file server for image download tests, with misbehaviours on
 * demand, and the deterministic image bytes the catalog fixtures' digests were computed from.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Deterministic image bytes; the Dell and HPE fixtures' digests are of these. */
export function imageBytes(name: string): Buffer {
  return Buffer.from(`firmwarden fixture image ${name}\n`.repeat(2000));
}
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

export interface LoopbackServer {
  server: Server;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Every request, in order. */
  seen: Seen[];
  /**
   * Awaited between sending half of a /drop or /norange body and dropping the connection;
   * by default 50 ms. Tests that need the client to keep exactly half wait for it on disk here.
   */
  beforeDrop: () => Promise<void>;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface Seen {
  url: string;
  range: string | undefined;
  ifRange: string | undefined;
  status: number;
}

/**
 * A loopback file server with misbehaviours chosen by the first path segment (the image is
 * named by the last one):
 *   /ok/<name>       serves the image, honours Range (206) with an ETag
 *   /drop/<name>     first request: headers for the whole image, half the body, then a reset;
 *                    later requests behave like /ok
 *   /norange/<name>  like /drop, but later requests ignore Range (200, whole image)
 *   /wrong/<name>    serves other bytes than the catalog's digest
 *   /status/<code>   answers that status
 */
export function startServer(): Promise<LoopbackServer> {
  const seen: Seen[] = [];
  const dropped = new Set<string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts = (req.url ?? '').split('/');
    const mode = parts[1] ?? '';
    const name = parts.at(-1) ?? '';
    const record = (status: number) =>
      seen.push({ url: req.url ?? '', range: req.headers.range, ifRange: header(req, 'if-range'), status });
    if (mode === 'status') {
      record(Number(name));
      res.writeHead(Number(name)).end();
      return;
    }
    const body = mode === 'wrong' ? imageBytes(`${name}-tampered`) : imageBytes(name);
    const etag = `"${sha256(body).slice(0, 16)}"`;
    if ((mode === 'drop' || mode === 'norange') && !dropped.has(req.url ?? '')) {
      dropped.add(req.url ?? '');
      record(200);
      res.writeHead(200, { 'content-length': body.length, etag });
      res.write(body.subarray(0, body.length / 2));
      void loopback.beforeDrop().finally(() => res.socket?.destroy());
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (
      range &&
      mode !== 'norange' &&
      (header(req, 'if-range') === undefined || header(req, 'if-range') === etag)
    ) {
      const start = Number(range[1]);
      record(206);
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        etag,
      });
      res.end(body.subarray(start));
      return;
    }
    record(200);
    res.writeHead(200, { 'content-length': body.length, etag });
    res.end(body);
  });
  const loopback: LoopbackServer = {
    server,
    base: '',
    seen,
    beforeDrop: () => new Promise((resolve) => setTimeout(resolve, 50)),
  };
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => {
    loopback.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return loopback;
  });
}

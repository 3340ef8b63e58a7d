/**
 * Serves a DMTF Redfish mockup directory (DSP2043 layout: every resource is <path>/index.json) on
 * 127.0.0.1, the way DMTF's Redfish-Mockup-Server (redfishMockupServer.py) does for reads: the
 * query string is ignored ($expand is not performed, members stay links), a POST to the Sessions
 * collection creates a session answered 201 with X-Auth-Token and Location, and a DELETE of it
 * answers 204. Anything else that would change the mockup answers 405. Used to record traces.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface MockupServer {
  url: string;
  close(): Promise<void>;
}

/** Starts a mockup server over `dir` on an ephemeral loopback port. */
export async function startMockupServer(dir: string): Promise<MockupServer> {
  const sessions = new Set<string>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => void answer(req, res));
  });
  const send = (
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(text ? { 'content-type': 'application/json' } : {}),
      'odata-version': '4.0',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  };
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]?.replace(/\/$/, '') ?? '';
    const sessionsUri = '/redfish/v1/SessionService/Sessions';
    if (req.method === 'POST' && path === sessionsUri) {
      const id = randomBytes(8).toString('hex');
      sessions.add(id);
      const location = `${sessionsUri}/${id}`;
      send(
        res,
        201,
        { '@odata.id': location, '@odata.type': '#Session.v1_0_0.Session', Id: id, Name: 'User Session' },
        { location, 'x-auth-token': randomBytes(16).toString('hex') },
      );
      return;
    }
    if (req.method === 'DELETE' && path.startsWith(`${sessionsUri}/`)) {
      const id = path.slice(sessionsUri.length + 1);
      send(res, sessions.delete(id) ? 204 : 404);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, {
        error: { code: 'Base.1.0.ActionNotSupported', message: `${req.method} on a mockup` },
      });
      return;
    }
    const rel = normalize(path.replace(/^\/redfish\/v1/, '')).replace(/^([/\\])+/, '');
    if (rel.startsWith('..')) return send(res, 404);
    try {
      const text = await readFile(join(dir, rel, 'index.json'), 'utf8');
      send(res, 200, JSON.parse(text));
    } catch {
      send(res, 404, {
        error: { code: 'Base.1.0.ResourceMissingAtURI', message: `${path} is not in the mockup` },
      });
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

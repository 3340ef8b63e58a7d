/**
 * bench/peers-static: serves a DMTF Redfish mockup folder (the layout of DMTF's
 * Redfish-Mockup-Server: `<uri below /redfish/v1>/index.json`) over plain http on 127.0.0.1,
 * read-only, every file held in memory. Queries are ignored ($expand included), so every client
 * reads the same resources one by one. It runs as a child of bench/peers.ts so its CPU is
 * nobody's; it prints `listening <port>` and counts requests (GET /__requests answers the counts of
 * requests and connections and resets them), so the bench can show each tool did the same work.
 *
 *   node bench/peers-static.ts <mockup dir>
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative, sep } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/peers-static.ts <mockup dir>');

const files = new Map<string, Buffer>();
function load(folder: string): void {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) load(path);
    else if (name === 'index.json') {
      const rel = relative(dir as string, folder)
        .split(sep)
        .join('/');
      files.set(rel ? `/redfish/v1/${rel}` : '/redfish/v1', readFileSync(path));
    }
  }
}
load(dir);
files.set('/redfish', Buffer.from('{"v1":"/redfish/v1/"}'));

let requests = 0;
let connections = 0;
const server = createServer((req, res) => {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  let path = q < 0 ? raw : raw.slice(0, q);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (path === '/__requests') {
    res.end(JSON.stringify({ requests, connections }));
    requests = 0;
    connections = 0;
    return;
  }
  requests++;
  const body = req.method === 'GET' || req.method === 'HEAD' ? files.get(path) : undefined;
  if (!body) {
    res.writeHead(req.method === 'GET' ? 404 : 405, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"Base.1.0.ResourceMissingAtURI","message":"not in the mockup"}}');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'odata-version': '4.0' });
  res.end(req.method === 'HEAD' ? undefined : body);
});
server.on('connection', () => {
  connections++;
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

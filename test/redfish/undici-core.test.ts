/**
 * src/undici-core.ts loads undici's Pool and buildConnector without undici's index (start-up
 * cost, issue #17). In a fresh process (vitest's own may already hold the index): a Pool made
 * from it sends a request (the request method the index would have added is there), the index
 * was not loaded, and once it is, it exports the very same Pool and buildConnector.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const CORE = fileURLToPath(new URL('../../src/undici-core.ts', import.meta.url));

const CHILD = `
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
const core = await import(process.argv[1]);
const require = createRequire(process.argv[1]);
const server = createServer((_req, res) => res.end('pong')).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const pool = new core.Pool('http://127.0.0.1:' + server.address().port, {
  connect: core.buildConnector({ timeout: 1000 }),
});
const res = await pool.request({ path: '/', method: 'GET' });
const body = await res.body.text();
await pool.close();
server.close();
const indexLoaded = Object.hasOwn(require.cache, require.resolve('undici'));
const undici = await import('undici');
console.log(JSON.stringify({
  status: res.statusCode,
  body,
  indexLoaded,
  samePool: undici.Pool === core.Pool,
  sameConnector: undici.buildConnector === core.buildConnector,
}));
`;

it('gives a working Pool without loading undici index, the same classes the index exports', () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, CORE], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({
    status: 200,
    body: 'pong',
    indexLoaded: false,
    samePool: true,
    sameConnector: true,
  });
});

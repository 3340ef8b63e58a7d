/**
 * Drain/undrain hooks and the user's HTTP health check around each server of a rollout: a command
 * hook before the update, a webhook after the gates pass, and a failing check that leaves the
 * server drained and failed instead of putting it back in service.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRollout } from '../../src/rollout/create.ts';
import { driveRollout } from '../../src/rollout/driver.ts';
import { loadSpec } from '../../src/rollout/spec.ts';
import { rolloutBed } from './helpers.ts';

let server: Server;
let base: string;
const webhooks: Array<{ url: string; body: { event: string; server: string } }> = [];
let bed: Awaited<ReturnType<typeof rolloutBed>>;
let drainLog: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url?.startsWith('/undrain/')) webhooks.push({ url: req.url, body: JSON.parse(body) });
      // The service on sim-0002 never comes back healthy.
      res.statusCode = req.url === '/health/sim-0002' ? 503 : 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  bed = await rolloutBed({
    sim: { count: 2, vendors: ['generic', 'supermicro'], seed: 4 },
    components: ['bios'],
    spec: {
      failureBudget: 2,
      drain: {
        command: [
          process.execPath,
          '-e',
          "require('fs').appendFileSync(process.argv[1], 'drain {server}\\n')",
          '{drainlog}',
        ],
      },
      undrain: { webhook: `${base}/undrain/{server}` },
      gates: { requireHealthOk: true, httpCheck: { url: `${base}/health/{server}`, expectStatus: 200 } },
    },
  });
  drainLog = join(bed.dir, 'drain.log');
}, 60_000);

afterAll(async () => {
  await bed?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('hooks and gates', () => {
  it('drains before the update, undrains after the gates pass, leaves a failed check drained', async () => {
    const loaded = await loadSpec(bed.specFile);
    // The hook's log file is only known now: put it in the command's last argument.
    const drain = loaded.spec.drain as { command: string[] };
    drain.command = drain.command.map((a) => (a === '{drainlog}' ? drainLog : a));
    const r = await createRollout(bed.store, loaded, { id: 'hooks' });
    const done = await driveRollout(r.id, bed.deps, { store: bed.store, stateDir: bed.stateDir });
    const servers = await bed.store.rolloutServers('hooks');
    expect(servers.map((s) => [s.server, s.step])).toEqual([
      ['sim-0001', 'done'],
      ['sim-0002', 'failed'],
    ]);
    const failed = servers[1]?.detail as { code: string; error: string; leftDrained: boolean };
    expect(failed.code).toBe('FW_ERR_GATE');
    expect(failed.error).toMatch(/health\/sim-0002 answered 503/);
    expect(failed.leftDrained).toBe(true);
    expect((await readFile(drainLog, 'utf8')).trim().split('\n')).toEqual([
      'drain sim-0001',
      'drain sim-0002',
    ]);
    expect(webhooks.map((w) => [w.url, w.body.event, w.body.server])).toEqual([
      ['/undrain/sim-0001', 'undrain', 'sim-0001'],
    ]);
    expect(done.status).toBe('paused');
  }, 60_000);
});

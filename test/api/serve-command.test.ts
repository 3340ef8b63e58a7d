/**
 * `firmwarden serve` as a user runs it: a child process reading the daemon config, tokens from
 * the environment, listening on 127.0.0.1, answering with the right roles, stopping cleanly on
 * SIGTERM. Bad configs exit 2 before anything listens.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { main } from '../../src/cli/main.ts';
import { type SimFleet, startSimulatedFleet } from '../../src/simulator/index.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

let dir: string;
let fleet: SimFleet;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-serve-'));
  fleet = await startSimulatedFleet({ count: 1, vendors: ['generic'], seed: 4 });
  await fleet.writeFleetFile(join(dir, 'fleet.yaml'));
});
afterAll(async () => {
  await fleet?.close();
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(name: string, api: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(
    file,
    stringify({
      version: 1,
      store: { sqlite: 'state/state.db' },
      fleet: 'fleet.yaml',
      ...(api ? { api } : {}),
    }),
  );
  return file;
}

describe('firmwarden serve', () => {
  it('serves the API with tokens from the environment and stops on SIGTERM', async () => {
    const ops = randomBytes(24).toString('hex');
    const view = randomBytes(24).toString('hex');
    const file = await writeConfig('serve.yaml', {
      listen: { port: 0 },
      tokens: [
        { name: 'ops', role: 'operator', tokenEnv: 'FW_TEST_OPS' },
        { name: 'view', role: 'read', tokenEnv: 'FW_TEST_VIEW' },
      ],
    });
    const child = spawn(process.execPath, [MAIN, 'serve', '--config', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FW_TEST_OPS: ops, FW_TEST_VIEW: view, FIRMWARDEN_LOG_LEVEL: 'info' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (m) resolve(m[1]!);
        });
        void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      expect(stdout).toContain('(2 tokens');
      const fleetRes = await fetch(`${url}/api/v1/fleet`, { headers: { authorization: `Bearer ${view}` } });
      expect(fleetRes.status).toBe(200);
      const refused = await fetch(`${url}/api/v1/inventory/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${view}` },
      });
      expect(refused.status).toBe(403);
      const accepted = await fetch(`${url}/api/v1/inventory/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ops}` },
      });
      expect(accepted.status).toBe(202);
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(stdout).toContain('SIGTERM: stopping');
      expect(stderr).toContain('"caller":"ops"');
      expect(stderr).not.toContain(ops);
      expect(stderr).not.toContain(view);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it.each([
    ['no api section', undefined, /api: missing/],
    [
      'an unset token env var',
      { tokens: [{ name: 'ops', role: 'operator', tokenEnv: 'FW_TEST_NOT_SET' }] },
      /FW_TEST_NOT_SET is not set/,
    ],
    [
      'plain http on all interfaces',
      { listen: { host: '0.0.0.0' }, tokens: [{ name: 'ops', role: 'operator', sha256: 'ab'.repeat(32) }] },
      /would send bearer tokens in clear/,
    ],
  ])('exits 2 with %s', async (_n, api, message) => {
    const file = await writeConfig(`bad-${randomBytes(3).toString('hex')}.yaml`, api);
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await main(['serve', '--config', file])).toBe(2);
    } finally {
      process.stderr.write = original;
    }
    expect(writes.join('')).toMatch(message);
  });
});

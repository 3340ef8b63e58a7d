/**
 * The api section of the daemon config and the token registry: tokens come from env vars, files
 * or sha256 digests (never in clear), short tokens and missing env vars are config errors naming
 * the token, plain http off loopback is refused, and a presented token is matched by digest.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkTransport } from '../../src/api/api-config.ts';
import { bearerToken, TokenRegistry } from '../../src/api/auth.ts';
import { loadDaemonConfig } from '../../src/daemon/load-config.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-api-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function config(api: unknown) {
  const file = join(dir, 'daemon.yaml');
  await writeFile(file, stringify({ version: 1, store: { sqlite: 'state.db' }, api }));
  return loadDaemonConfig(file);
}

const TOKEN = 'a'.repeat(20) + 'b'.repeat(20);

describe('api config', () => {
  it('applies defaults: 127.0.0.1:8443, 1 MiB bodies, no command hooks', async () => {
    const c = await config({ tokens: [{ name: 'ops', role: 'operator', tokenEnv: 'X' }] });
    expect(c.api).toMatchObject({
      host: '127.0.0.1',
      port: 8443,
      maxBodyBytes: 1048576,
      allowCommandHooks: false,
    });
  });

  it.each([
    ['a token in clear', { tokens: [{ name: 'ops', role: 'operator', token: TOKEN }] }, /api\.tokens\.0/],
    [
      'two token sources',
      { tokens: [{ name: 'ops', role: 'operator', tokenEnv: 'X', sha256: 'ab'.repeat(32) }] },
      /exactly one of/,
    ],
    ['no token source', { tokens: [{ name: 'ops', role: 'operator' }] }, /exactly one of/],
    ['an unknown role', { tokens: [{ name: 'ops', role: 'admin', tokenEnv: 'X' }] }, /api\.tokens\.0\.role/],
    [
      'a duplicate name',
      {
        tokens: [
          { name: 'a', role: 'read', tokenEnv: 'X' },
          { name: 'a', role: 'read', tokenEnv: 'Y' },
        ],
      },
      /duplicate name a/,
    ],
    ['no tokens', { tokens: [] }, /api\.tokens/],
    ['a short sha256', { tokens: [{ name: 'a', role: 'read', sha256: 'abc' }] }, /64 hex digits/],
  ])('refuses %s, naming the field', async (_n, api, message) => {
    await expect(config(api)).rejects.toMatchObject({
      code: 'FW_ERR_CONFIG',
      message: expect.stringMatching(message),
    });
  });

  it('refuses plain http on a network address unless allowPlainHttp', async () => {
    const c = await config({
      listen: { host: '0.0.0.0' },
      tokens: [{ name: 'a', role: 'read', tokenEnv: 'X' }],
    });
    expect(() => checkTransport(c.api!, c.file)).toThrow(
      /without api\.tls would send bearer tokens in clear/,
    );
    expect(() => checkTransport({ ...c.api!, allowPlainHttp: true }, c.file)).not.toThrow();
    expect(() => checkTransport({ ...c.api!, tls: { cert: 'c', key: 'k' } }, c.file)).not.toThrow();
    expect(() => checkTransport({ ...c.api!, host: '127.0.0.1' }, c.file)).not.toThrow();
  });
});

describe('token registry', () => {
  it('resolves env, file and sha256 tokens and identifies each caller', async () => {
    await writeFile(join(dir, 'token'), `${TOKEN}-file\n`, { mode: 0o600 });
    const registry = await TokenRegistry.resolve(
      [
        { name: 'env', role: 'read', tokenEnv: 'FW_TOKEN' },
        { name: 'file', role: 'operator', tokenFile: join(dir, 'token') },
        {
          name: 'digest',
          role: 'read',
          sha256: createHash('sha256').update(`${TOKEN}-digest`).digest('hex'),
        },
      ],
      'daemon.yaml',
      { FW_TOKEN: `${TOKEN}-env` },
    );
    expect(registry.identify(`${TOKEN}-env`)).toEqual({ name: 'env', role: 'read' });
    expect(registry.identify(`${TOKEN}-file`)).toEqual({ name: 'file', role: 'operator' });
    expect(registry.identify(`${TOKEN}-digest`)).toEqual({ name: 'digest', role: 'read' });
    expect(registry.identify(TOKEN)).toBeUndefined();
    expect(registry.identify('')).toBeUndefined();
  });

  it.each([
    [
      'an unset env var',
      [{ name: 'ops', role: 'operator' as const, tokenEnv: 'FW_NOT_SET' }],
      /api\.tokens\[0\] \(ops\)\.tokenEnv: environment variable FW_NOT_SET is not set/,
    ],
    [
      'a missing file',
      [{ name: 'ops', role: 'operator' as const, tokenFile: '/nonexistent/token' }],
      /tokenFile: cannot read/,
    ],
    [
      'a short token',
      [{ name: 'ops', role: 'operator' as const, tokenEnv: 'FW_SHORT' }],
      /at least 16 characters/,
    ],
  ])('refuses %s at startup, naming the token', async (_n, refs, message) => {
    await expect(TokenRegistry.resolve(refs, 'daemon.yaml', { FW_SHORT: 'short' })).rejects.toMatchObject({
      code: 'FW_ERR_CONFIG',
      message: expect.stringMatching(message),
    });
  });

  it.each([
    ['Bearer abc.DEF-123_~+/=', 'abc.DEF-123_~+/='],
    ['bearer   tok', 'tok'],
    ['Basic dXNlcjpwdw==', undefined],
    ['Bearer', undefined],
    ['Bearer two words', undefined],
    [undefined, undefined],
  ])('reads the bearer token of %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

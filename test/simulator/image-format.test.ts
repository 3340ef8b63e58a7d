import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  buildSimImage,
  SimImageVerifier,
  verifySimImage,
  writeSimImage,
} from '../../src/simulator/image-format.ts';

const spec = {
  vendor: 'dell',
  match: { softwareId: '159' },
  version: '6.4.0',
  payloadSize: 100_003,
} as const;

describe('simulated firmware image format', () => {
  it('verifies a well-formed image and returns its header', () => {
    const header = verifySimImage(buildSimImage(spec));
    expect(header).toMatchObject({ vendor: 'dell', match: { softwareId: '159' }, version: '6.4.0' });
  });

  it.each([
    [
      'a flipped payload byte',
      (b: Buffer) => {
        b[b.length - 10] = (b[b.length - 10] ?? 0) ^ 1;
        return b;
      },
      'digest',
    ],
    ['a truncated payload', (b: Buffer) => b.subarray(0, b.length - 1), 'bytes'],
    ['a foreign file', () => Buffer.from('MZ\x90\x00 this is an exe'), 'bad magic'],
    [
      'a broken header',
      (b: Buffer) => Buffer.concat([Buffer.from('FWSIMIMG1\n{oops\n'), b.subarray(200)]),
      'not JSON',
    ],
  ])('refuses %s as VerificationFailed', (_name, damage, detail) => {
    const result = verifySimImage(damage(Buffer.from(buildSimImage(spec))));
    expect(result).toMatchObject({ reason: 'VerificationFailed' });
    expect((result as { detail: string }).detail).toContain(detail);
  });

  it('streams to disk with the same bytes, and verifies from a stream in small chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-img-'));
    const path = join(dir, 'bios.fwsim');
    const { sha256, size } = await writeSimImage(path, spec);
    const bytes = await readFile(path);
    expect(bytes.equals(buildSimImage(spec))).toBe(true);
    expect(size).toBe(bytes.length);
    expect(sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const v = new SimImageVerifier();
    await pipeline(createReadStream(path, { highWaterMark: 7 }), v);
    expect(v.result()).toMatchObject({ version: '6.4.0' });
    expect(v.received).toBe(size);
  });
});

/**
 * A 64 MiB image through multipart upload and through SimpleUpdate's download: the simulator
 * streams both into its verifier, so the process's memory grows by far less than the image.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimBmc, startSimulatedBmc, writeSimImage } from '../../src/simulator/index.ts';
import { type Caller, createCaller } from './helpers.ts';
import {
  BIOS_MATCH,
  followTask,
  type ImageServer,
  Session,
  startImageServer,
  versions,
} from './update-helpers.ts';

const SIZE = 64 * 1024 * 1024;
let bmc: SimBmc;
let caller: Caller;
let server: ImageServer;
let dir: string;
let file: string;
let fileSize: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-sim-big-'));
  file = join(dir, 'big.fwsim');
  [bmc, server, { size: fileSize }] = await Promise.all([
    startSimulatedBmc({ vendor: 'generic', tls: false }),
    startImageServer(),
    writeSimImage(file, {
      vendor: 'generic',
      match: BIOS_MATCH.generic,
      version: 'P79 v5.0',
      payloadSize: SIZE,
    }),
  ]);
  server.serve('big.fwsim', file);
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
  await Promise.all([bmc.close(), server.close()]);
  await rm(dir, { recursive: true, force: true });
});

// Collect garbage while sampling, so the figure is what the process holds, not what V8 has not
// freed yet (chunk Buffers wait for a GC that a busy, parallel test run may postpone).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (o?: { type: 'minor' | 'major' }) => void;

/** Runs `work` while sampling RSS; returns the peak growth over the starting RSS. */
async function rssGrowth(work: () => Promise<void>): Promise<number> {
  gc();
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    // A scavenge is enough: the stream's chunk Buffers die young.
    gc({ type: 'minor' });
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - start;
}

describe('large images stream', () => {
  it('multipart upload of 64 MiB: verified and installed, RSS growth well below the image size', async () => {
    const s = new Session(caller, bmc);
    await s.login();
    const boundary = 'big-b0undary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="UpdateParameters"\r\nContent-Type: application/json\r\n\r\n{}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="UpdateFile"; filename="big.fwsim"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    async function* body() {
      yield head;
      yield* createReadStream(file, { highWaterMark: 64 * 1024 });
      yield tail;
    }
    let location = '';
    const growth = await rssGrowth(async () => {
      const r = await s.call('/redfish/v1/UpdateService/upload', {
        method: 'POST',
        raw: body(),
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + fileSize + tail.length),
        },
      });
      expect(r.status).toBe(202);
      location = r.headers.get('location') ?? '';
      await followTask(s, location);
    });
    expect(bmc.stats.imageUploads.at(-1)).toEqual({
      method: 'multipart',
      uri: '/redfish/v1/UpdateService/upload',
      bytes: fileSize,
    });
    expect(await versions(s)).toContain('P79 v5.0');
    expect(growth).toBeLessThan(SIZE / 2);
  });

  it('SimpleUpdate download of 64 MiB: same', async () => {
    const s = new Session(caller, bmc);
    await s.login();
    bmc.resetStats();
    const growth = await rssGrowth(async () => {
      const r = await s.call('/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate', {
        method: 'POST',
        body: {
          ImageURI: `${server.url}/big.fwsim`,
          Targets: ['/redfish/v1/UpdateService/FirmwareInventory/BIOS'],
        },
      });
      expect(r.status).toBe(202);
      const f = await followTask(s, r.headers.get('location') ?? '', { timeoutMs: 20_000 });
      expect(f.task.TaskState).toBe('Completed');
    });
    expect(bmc.stats.imageFetches[0]).toMatchObject({ bytes: fileSize, status: 200 });
    expect(growth).toBeLessThan(SIZE / 2);
  });
});

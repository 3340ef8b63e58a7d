/**
 * A 64 MiB image through multipart upload and through SimpleUpdate's download: the simulator
 * verifies both as they stream. The sender holds back the second half of the image until the
 * simulator has verified most of the first: a simulator that read the whole body before
 * verifying would have verified nothing by then. (What this costs in memory is a figure, not a
 * test: `npm run bench:push` prints the simulator's peak RSS per image size.)
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
const HALF = SIZE / 2;
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
  caller = createCaller();
});
afterAll(async () => {
  await caller.close();
  await Promise.all([bmc.close(), server.close()]);
  await rm(dir, { recursive: true, force: true });
});

/**
 * The image file, with a pause after its first half: waits (up to 30 s) until the BMC has
 * verified at least half of that half since `held.start`, and records what it had verified then.
 * Socket and stream buffers hold a few hundred KiB at most, far below the 16 MiB asked for.
 */
async function* heldBack(held: { start: number; verifiedWhileHeld: number }): AsyncIterable<Buffer> {
  let sent = 0;
  let waited = false;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    if (!waited && sent + chunk.length > HALF) {
      waited = true;
      const until = Date.now() + 30_000;
      while (bmc.stats.imageBytesVerified - held.start < HALF / 2 && Date.now() < until) await sleep(10);
      held.verifiedWhileHeld = bmc.stats.imageBytesVerified - held.start;
    }
    sent += chunk.length;
    yield chunk;
  }
}

describe('large images stream', () => {
  it('multipart upload of 64 MiB: verified while it arrives, then installed', async () => {
    const s = new Session(caller, bmc);
    await s.login();
    bmc.resetStats();
    const held = { start: bmc.stats.imageBytesVerified, verifiedWhileHeld: -1 };
    const boundary = 'big-b0undary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="UpdateParameters"\r\nContent-Type: application/json\r\n\r\n{}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="UpdateFile"; filename="big.fwsim"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    async function* body() {
      yield head;
      yield* heldBack(held);
      yield tail;
    }
    const r = await s.call('/redfish/v1/UpdateService/upload', {
      method: 'POST',
      raw: body(),
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + fileSize + tail.length),
      },
    });
    expect(r.status).toBe(202);
    await followTask(s, r.headers.get('location') ?? '');
    expect(held.verifiedWhileHeld).toBeGreaterThanOrEqual(HALF / 2);
    expect(held.verifiedWhileHeld).toBeLessThanOrEqual(HALF);
    expect(bmc.stats.imageUploads.at(-1)).toEqual({
      method: 'multipart',
      uri: '/redfish/v1/UpdateService/upload',
      bytes: fileSize,
    });
    expect(bmc.stats.imageBytesVerified - held.start).toBe(fileSize);
    expect(await versions(s)).toContain('P79 v5.0');
  });

  it('SimpleUpdate download of 64 MiB: same', async () => {
    const s = new Session(caller, bmc);
    await s.login();
    bmc.resetStats();
    const held = { start: bmc.stats.imageBytesVerified, verifiedWhileHeld: -1 };
    server.serve('big.fwsim', { size: fileSize, body: () => heldBack(held) });
    const r = await s.call('/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate', {
      method: 'POST',
      body: {
        ImageURI: `${server.url}/big.fwsim`,
        Targets: ['/redfish/v1/UpdateService/FirmwareInventory/BIOS'],
      },
    });
    expect(r.status).toBe(202);
    const f = await followTask(s, r.headers.get('location') ?? '', { timeoutMs: 60_000 });
    expect(f.task.TaskState).toBe('Completed');
    expect(held.verifiedWhileHeld).toBeGreaterThanOrEqual(HALF / 2);
    expect(held.verifiedWhileHeld).toBeLessThanOrEqual(HALF);
    expect(bmc.stats.imageFetches[0]).toMatchObject({ bytes: fileSize, status: 200 });
    expect(bmc.stats.imageBytesVerified - held.start).toBe(fileSize);
  });
});

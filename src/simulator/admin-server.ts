/**
 * The simulator's admin endpoint (loopback, no auth, only when asked for): lets a running
 * `firmwarden simulate` be inspected and given faults from outside.
 *   GET   /sim/bmcs                         names, vendors, urls, stats and faults
 *   GET   /sim/bmcs/:name                   one BMC
 *   PATCH /sim/bmcs/:name/faults            JSON partial SimFaults → the BMC's faults
 *   PATCH /sim/faults                       JSON partial SimFaults → every BMC
 *   POST  /sim/bmcs/:name/expire-sessions   invalidate the BMC's sessions
 *   POST  /sim/bmcs/:name/reset-stats       zero the BMC's counters
 *   PATCH /sim/bmcs/:name/update-faults     JSON partial SimUpdateFaults → the BMC's update faults
 *   PATCH /sim/update-faults                JSON partial SimUpdateFaults → every BMC
 *   PATCH /sim/bmcs/:name/storage-faults    JSON partial SimStorageFaults → the BMC's storage faults
 *   POST  /sim/bmcs/:name/corrupt           {"component": "bios", "kind": "image-digest"}
 *   GET   /sim/bmcs/:name/history           update history and host availability intervals
 *   GET   /sim/availability                 hosts unavailable now and the peak (POST …/reset)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { SIM_DEFAULTS } from './defaults.ts';
import { applyFaults, SimFaultsPatchSchema } from './faults.ts';
import { SimCorruptionRequestSchema, SimStorageFaultsPatchSchema } from './storage/storage-faults.ts';
import type { SimBmc, SimFleetAvailability } from './types.ts';
import { applyUpdateFaults, SimUpdateFaultsPatchSchema } from './update/update-faults.ts';

export interface AdminServer {
  readonly url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > SIM_DEFAULTS.adminBodyLimitBytes) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function describe(b: SimBmc) {
  return {
    name: b.name,
    vendor: b.vendor,
    url: b.url,
    powerState: b.powerState,
    rebooting: b.rebooting,
    stats: b.stats,
    faults: b.faults,
    updateFaults: b.updateFaults,
    storageFaults: b.storageFaults,
    corruptions: b.corruptions,
  };
}

async function patchWith<S extends z.ZodType>(
  req: IncomingMessage,
  res: ServerResponse,
  targets: SimBmc[],
  schema: S,
  apply: (b: SimBmc, patch: z.infer<S>) => void,
  what: string,
): Promise<void> {
  let body: unknown;
  try {
    body = await readJson(req);
  } catch {
    send(res, 400, { error: `the body must be a JSON object of ${what} fields` });
    return;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    send(res, 400, {
      error: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    });
    return;
  }
  for (const b of targets) apply(b, parsed.data);
  send(res, 200, targets.length === 1 ? describe(targets[0] as SimBmc) : { updated: targets.length });
}

const patchFaults = (req: IncomingMessage, res: ServerResponse, targets: SimBmc[]) =>
  patchWith(req, res, targets, SimFaultsPatchSchema, (b, p) => applyFaults(b.faults, p), 'SimFaults');

const patchUpdateFaults = (req: IncomingMessage, res: ServerResponse, targets: SimBmc[]) =>
  patchWith(
    req,
    res,
    targets,
    SimUpdateFaultsPatchSchema,
    (b, p) => applyUpdateFaults(b.updateFaults, p),
    'SimUpdateFaults',
  );

const patchStorageFaults = (req: IncomingMessage, res: ServerResponse, targets: SimBmc[]) =>
  patchWith(
    req,
    res,
    targets,
    SimStorageFaultsPatchSchema,
    (b, p) =>
      b.setStorageFaults({
        ...(p.noFreeCapacity === undefined ? {} : { noFreeCapacity: p.noFreeCapacity }),
        ...(p.sliceCopyCorrupted === undefined ? {} : { sliceCopyCorrupted: p.sliceCopyCorrupted }),
        ...(p.volumeCreate === undefined ? {} : { volumeCreate: p.volumeCreate ?? undefined }),
      }),
    'SimStorageFaults',
  );

/** POST /sim/bmcs/<name>/corrupt {"component": "bios", "kind": "image-digest"}. */
async function corrupt(req: IncomingMessage, res: ServerResponse, bmc: SimBmc): Promise<void> {
  let body: unknown;
  try {
    body = await readJson(req);
  } catch {
    send(res, 400, { error: 'the body must be a JSON object {component, kind}' });
    return;
  }
  const parsed = SimCorruptionRequestSchema.safeParse(body);
  if (!parsed.success) {
    send(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    return;
  }
  try {
    bmc.corrupt(parsed.data.component, parsed.data.kind);
  } catch (err) {
    send(res, 404, { error: (err as Error).message });
    return;
  }
  send(res, 200, { corruptions: bmc.corruptions });
}

export interface AdminExtras {
  /** The fleet's availability counter (GET /sim/availability). */
  availability?: SimFleetAvailability;
}

async function handle(
  bmcs: readonly SimBmc[],
  extras: AdminExtras,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] as string;
  const method = req.method ?? 'GET';
  const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (seg[0] !== 'sim') return send(res, 404, { error: `no route ${method} ${path}` });
  if (seg.length === 2 && seg[1] === 'bmcs' && method === 'GET') {
    return send(res, 200, { bmcs: bmcs.map(describe) });
  }
  if (seg.length === 2 && seg[1] === 'faults' && method === 'PATCH') return patchFaults(req, res, [...bmcs]);
  if (seg.length === 2 && seg[1] === 'update-faults' && method === 'PATCH') {
    return patchUpdateFaults(req, res, [...bmcs]);
  }
  const availability = extras.availability;
  if (seg[1] === 'availability' && availability !== undefined) {
    if (seg.length === 2 && method === 'GET') {
      return send(res, 200, { current: availability.current, peak: availability.peak });
    }
    if (seg.length === 3 && seg[2] === 'reset' && method === 'POST') {
      availability.reset();
      return send(res, 204);
    }
  }
  if (seg[1] === 'bmcs' && seg[2] !== undefined) {
    const bmc = bmcs.find((b) => b.name === seg[2]);
    if (bmc === undefined) return send(res, 404, { error: `no simulated BMC named "${seg[2]}"` });
    const action = seg.slice(3).join('/');
    if (action === '' && method === 'GET') return send(res, 200, describe(bmc));
    if (action === 'faults' && method === 'PATCH') return patchFaults(req, res, [bmc]);
    if (action === 'update-faults' && method === 'PATCH') return patchUpdateFaults(req, res, [bmc]);
    if (action === 'storage-faults' && method === 'PATCH') return patchStorageFaults(req, res, [bmc]);
    if (action === 'corrupt' && method === 'POST') return corrupt(req, res, bmc);
    if (action === 'history' && method === 'GET') {
      return send(res, 200, {
        updates: bmc.updateHistory,
        available: bmc.availability.available,
        intervals: bmc.availability.intervals,
      });
    }
    if (action === 'expire-sessions' && method === 'POST') {
      bmc.expireSessions();
      return send(res, 204);
    }
    if (action === 'reset-stats' && method === 'POST') {
      bmc.resetStats();
      return send(res, 204);
    }
  }
  send(res, 404, { error: `no route ${method} ${path}` });
}

/** Starts the admin endpoint for these BMCs on a loopback port (0: ephemeral). */
export async function startAdminServer(
  bmcs: readonly SimBmc[],
  port: number,
  host = '127.0.0.1',
  extras: AdminExtras = {},
): Promise<AdminServer> {
  const server = createServer((req, res) => {
    handle(bmcs, extras, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

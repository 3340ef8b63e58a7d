/**
 * Helpers for the simulator's update tests: an image server (HTTP or HTTPS, Range-capable, files
 * streamed from disk), a task follower that speaks every monitor style, inventory reads, and
 * push request builders. Plain undici over real loopback sockets, not firmwarden's client.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FormData } from 'undici';
import {
  buildSimImage,
  type SimBmc,
  type SimImageHeader,
  type SimVendor,
} from '../../src/simulator/index.ts';
import type { SimTlsMaterial } from '../../src/simulator/tls.ts';
import { type Answer, type Body, type Caller, pathOf } from './helpers.ts';

/** A body generated as it is sent: `size` bytes in all. */
export interface GeneratedImage {
  size: number;
  body: () => AsyncIterable<Buffer>;
}
export type ImageSource = string | Buffer | GeneratedImage;

export interface ImageServer {
  readonly url: string;
  /** Requests received: path and Range header. */
  readonly requests: Array<{ path: string; range?: string }>;
  /**
   * Serves a file at /<name> (or a buffer, or a generated body of known size, sent whole even when
   * a Range was asked for), optionally behind Basic credentials "user:pass".
   */
  serve(name: string, source: ImageSource, credentials?: string): void;
  close(): Promise<void>;
}

/** Starts an image server on 127.0.0.1 (HTTPS with `tls`), honouring single Range requests. */
export async function startImageServer(tls?: SimTlsMaterial): Promise<ImageServer> {
  const files = new Map<string, ImageSource>();
  const guarded = new Map<string, string>();
  const requests: ImageServer['requests'] = [];
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] as string);
    const range = req.headers.range;
    requests.push({ path, ...(range ? { range } : {}) });
    const source = files.get(path);
    const creds = guarded.get(path);
    if (
      creds !== undefined &&
      req.headers.authorization !== `Basic ${Buffer.from(creds).toString('base64')}`
    ) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="images"' }).end();
      return;
    }
    if (source === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    if (typeof source === 'object' && !Buffer.isBuffer(source)) {
      res.writeHead(200, { 'Content-Length': source.size, 'Content-Type': 'application/octet-stream' });
      await pipeline(Readable.from(source.body()), res).catch(() => undefined);
      return;
    }
    const size = typeof source === 'string' ? (await stat(source)).size : source.length;
    const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    let start = 0;
    let end = size - 1;
    if (m) {
      start = Number(m[1]);
      end = Math.min(m[2] ? Number(m[2]) : size - 1, size - 1);
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${size}`,
        'Content-Length': end - start + 1,
        'Content-Type': 'application/octet-stream',
      });
    } else {
      res.writeHead(200, { 'Content-Length': size, 'Content-Type': 'application/octet-stream' });
    }
    if (typeof source === 'string') createReadStream(source, { start, end }).pipe(res);
    else res.end(source.subarray(start, end + 1));
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => void handler(req, res);
  const server: Server = tls
    ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    serve: (name, source, credentials) => {
      files.set(`/${name}`, source);
      if (credentials !== undefined) guarded.set(`/${name}`, credentials);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Refused, reset or closed connections: what a client sees while a BMC reboots. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } })?.cause?.code;
  return code !== undefined && /ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|EPIPE|UND_ERR_CLOSED/.test(code);
}

/** A token that survives BMC reboots: re-logs in when the BMC forgot the session. */
export class Session {
  token = '';
  readonly caller: Caller;
  readonly bmc: SimBmc;
  constructor(caller: Caller, bmc: SimBmc) {
    this.caller = caller;
    this.bmc = bmc;
  }

  async login(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      try {
        const s = await this.caller.login(this.bmc);
        if (s.answer.status === 201) {
          this.token = s.token;
          return;
        }
      } catch {
        // The BMC is rebooting.
      }
      await sleep(20);
    }
    throw new Error(`cannot log in to ${this.bmc.name}`);
  }

  /** Calls the BMC, waiting through reboots and logging in again after them. */
  async call(path: string, c: Parameters<Caller['call']>[2] = {}): Promise<Answer> {
    let last: unknown;
    for (let i = 0; i < 200; i++) {
      try {
        const r = await this.caller.call(this.bmc, path, { ...c, token: this.token });
        if (r.status !== 401) return r;
        await this.login();
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        last = err;
        await sleep(20);
      }
    }
    throw new Error(`${this.bmc.name} did not answer ${path}`, { cause: last });
  }
}

export interface Followed {
  /** HTTP statuses the Location answered, in order (duplicates collapsed). */
  statuses: number[];
  /** TaskStates seen, in order (duplicates collapsed). */
  states: string[];
  /** The last Task body read (from the monitor or the Task). */
  task: Body;
  /** Message ids seen on the last Task body, without registry prefix. */
  messages: string[];
}

const FINAL = new Set(['Completed', 'Exception', 'Killed', 'Cancelled']);

function push<T>(list: T[], v: T): void {
  if (list.at(-1) !== v) list.push(v);
}

/**
 * Follows a 202 Location to the end: 202 while running; a Task body in a final state (or Pending
 * when `untilPending`), 204, 404/410 end it. Reads the Task at the end when it still exists.
 */
export async function followTask(
  s: Session,
  location: string,
  opts: { untilPending?: boolean; timeoutMs?: number } = {},
): Promise<Followed> {
  const out: Followed = { statuses: [], states: [], task: undefined, messages: [] };
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const where = pathOf(location);
  let taskPath: string | undefined;
  const record = (task: Body) => {
    if (task?.TaskState === undefined) return;
    out.task = task;
    taskPath ??= pathOf(String(task['@odata.id']));
    push(out.states, String(task.TaskState));
  };
  while (Date.now() < deadline) {
    const r = await s.call(where);
    push(out.statuses, r.status);
    if (r.status === 202 || r.status === 200) record(r.json);
    const state = out.task?.TaskState;
    const done =
      r.status === 204 ||
      r.status === 404 ||
      r.status === 410 ||
      (r.status === 200 && FINAL.has(state)) ||
      // Held for a reset: iDRAC/DMTF keep it Pending, bmcweb pauses it in Stopping (TaskPaused).
      (opts.untilPending === true &&
        (r.status === 200 || r.status === 202) &&
        (state === 'Pending' || state === 'Stopping'));
    if (done) {
      if (taskPath !== undefined && taskPath !== where) {
        const t = await s.call(taskPath);
        if (t.status === 200) record(t.json);
      }
      break;
    }
    await sleep(10);
  }
  out.messages = (out.task?.Messages ?? []).map((m: { MessageId: string }) => m.MessageId.split('.').pop());
  return out;
}

/** Every FirmwareInventory member (following nextLink pages), by Id. */
export async function inventory(s: Session): Promise<Map<string, Body>> {
  const out = new Map<string, Body>();
  let next: string | undefined = '/redfish/v1/UpdateService/FirmwareInventory';
  while (next !== undefined) {
    const page: Body = (await s.call(next)).json;
    for (const m of page.Members) {
      const body = (await s.call(m['@odata.id'])).json;
      out.set(String(body.Id), body);
    }
    next = page['Members@odata.nextLink'];
  }
  return out;
}

/** The versions of the running members, by Id. */
export async function versions(s: Session): Promise<string[]> {
  return [...(await inventory(s)).values()].map((m) => String(m.Version));
}

/** Waits until the host's PowerState is `state`. */
export async function waitPower(s: Session, state: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (s.bmc.powerState === state) return;
    await sleep(10);
  }
  throw new Error(`${s.bmc.name} did not reach PowerState ${state} (is ${s.bmc.powerState})`);
}

/** The System's reset target. */
export async function systemReset(s: Session): Promise<string> {
  const systems = (await s.call('/redfish/v1/Systems')).json;
  const system = (await s.call(systems.Members[0]['@odata.id'])).json;
  return system.Actions['#ComputerSystem.Reset'].target;
}

/** POSTs ComputerSystem.Reset and waits for the host to be On again. */
export async function resetHost(s: Session, type = 'ForceRestart'): Promise<Answer> {
  const r = await s.call(await systemReset(s), { method: 'POST', body: { ResetType: type } });
  await sleep(5);
  await waitPower(s, 'On');
  return r;
}

/** A multipart/form-data body with UpdateParameters and UpdateFile parts (either may be left out). */
export function multipartForm(
  params: unknown | undefined,
  image: Buffer | undefined,
  fileName = 'image.fwsim',
): FormData {
  const form = new FormData();
  if (params !== undefined) {
    form.append('UpdateParameters', new Blob([JSON.stringify(params)], { type: 'application/json' }));
  }
  if (image !== undefined) {
    form.append('UpdateFile', new Blob([image], { type: 'application/octet-stream' }), fileName);
  }
  return form;
}

/** The UpdateService. */
export async function updateService(s: Session): Promise<Body> {
  return (await s.call('/redfish/v1/UpdateService')).json;
}

/** Which BIOS (host firmware) member each vendor's image header names. */
export const BIOS_MATCH: Record<SimVendor, SimImageHeader['match']> = {
  generic: { softwareId: 'FEE82A67-6CE2-4625-9F44-237AD2402C28' },
  dell: { softwareId: '159' },
  hpe: { id: '2' },
  lenovo: { id: 'UEFI-Primary' },
  supermicro: { softwareId: 'BIOS' },
  openbmc: { kind: 'bios' },
};

/** Which BMC firmware member each vendor's image header names. */
export const BMC_MATCH: Record<SimVendor, SimImageHeader['match']> = {
  generic: { softwareId: '1624A9DF-5E13-47FC-874A-DF3AFF143089' },
  dell: { softwareId: '20137' },
  hpe: { id: '1' },
  lenovo: { id: 'BMC-Primary' },
  supermicro: { softwareId: 'BMC' },
  openbmc: { kind: 'bmc' },
};

let imageCounter = 0;

/** A small image for the vendor's BIOS (or BMC) with a fresh version each call. */
export function testImage(
  vendor: SimVendor,
  kind: 'bios' | 'bmc' = 'bios',
  version?: string,
): { image: Buffer; version: string } {
  imageCounter++;
  const v = version ?? `7.7.${imageCounter}`;
  const match = kind === 'bios' ? BIOS_MATCH[vendor] : BMC_MATCH[vendor];
  return { image: buildSimImage({ vendor, match, version: v, payloadSize: 512 }), version: v };
}

/** Pushes a BIOS image by the vendor's push method (multipart, else HttpPushUri); the 202 answer. */
export async function pushBios(
  s: Session,
  params: Record<string, unknown> = {},
  version?: string,
): Promise<Answer> {
  const us = await updateService(s);
  const { image } = testImage(s.bmc.vendor, 'bios', version);
  if (us.MultipartHttpPushUri) {
    return s.call(us.MultipartHttpPushUri, { method: 'POST', raw: multipartForm(params, image) });
  }
  return s.call(pathOf(us.HttpPushUri), { method: 'POST', raw: image });
}

/**
 * Polls `probe` every `everyMs` until it returns a value other than undefined, null or false, and
 * returns that value; throws once `timeoutMs` passed without one.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

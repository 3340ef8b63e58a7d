/**
 * DMTF's reference client against one simulated BMC: rf_firmware_inventory.py lists the firmware,
 * rf_update.py installs a BIOS image by multipart push (a local file, where the service announces
 * MultipartHttpPushUri) and by SimpleUpdate (an image URI on a loopback image server), and the
 * new version must then show in rf_firmware_inventory.py. Where the vendor activates BIOS only at
 * a host reset, rf_power_reset.py restarts the host first, as an operator would.
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
import { basename } from 'node:path';
import type { SimVendor } from '../../src/simulator/index.ts';
import { createTlsMaterial } from '../../src/simulator/tls.ts';
import { credentialArgs, type RunResult, type Target, tacklebox } from './dmtf-tools.ts';

/** How the reference client updates each profile's BIOS. */
export interface UpdatePlan {
  /** rf_update.py --target for SimpleUpdate (services whose ActionInfo requires Targets). */
  simpleTarget?: string;
  /** rf_update.py --applytime. */
  applyTime?: string;
  /** The image server scheme SimpleUpdate accepts. */
  https?: boolean;
  /** Restart the host (rf_power_reset.py) before the new version can show. */
  resetHost?: boolean;
}

/**
 * Per profile, from what each one announces and how its vendor activates BIOS firmware (see the
 * profile files): iDRAC 9 restarts the host itself for an Immediate BIOS job; iLO 5 and XCC
 * activate System ROM / UEFI only at the next host reset; bmcweb's SimpleUpdate takes HTTPS only,
 * and its multipart default (OnReset) leaves the task Stopping until a power cycle, which
 * rf_update.py would poll for ever: Immediate applies it at once.
 */
export const UPDATE_PLANS: Record<SimVendor, UpdatePlan> = {
  generic: {},
  dell: { applyTime: 'Immediate' },
  hpe: { resetHost: true },
  lenovo: { resetHost: true },
  supermicro: { simpleTarget: '/redfish/v1/Systems/1/Bios' },
  openbmc: { https: true, applyTime: 'Immediate' },
};

export interface ImageServer {
  http: string;
  https: string;
  close(): Promise<void>;
}

/** Serves the given image files by base name over http and https on 127.0.0.1. */
export async function startImageServer(files: readonly string[]): Promise<ImageServer> {
  const byName = new Map(files.map((f) => [`/${basename(f)}`, f]));
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const file = byName.get(decodeURIComponent((req.url ?? '/').split('?')[0] as string));
    if (file === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    void stat(file).then((s) => {
      res.writeHead(200, { 'Content-Length': s.size, 'Content-Type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
  };
  const tls = await createTlsMaterial('127.0.0.1');
  const servers = [
    createHttpServer(handler),
    createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, handler),
  ];
  await Promise.all(servers.map((s) => new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))));
  const port = (i: number) => ((servers[i] as Server).address() as AddressInfo).port;
  return {
    http: `http://127.0.0.1:${port(0)}`,
    https: `https://127.0.0.1:${port(1)}`,
    close: () =>
      Promise.all(servers.map((s) => new Promise<void>((ok) => s.close(() => ok())))).then(() => undefined),
  };
}

export interface ClientStep {
  step: string;
  ok: boolean;
  detail: string;
  ms: number;
}

function creds(t: Target): string[] {
  return credentialArgs(t);
}

/** rf_update.py prints the final Task's messages; a failed task or refused request shows here. */
function updateFailed(r: RunResult): string | undefined {
  if (r.code !== 0) return `exit ${r.code}`;
  if (/\b(Failed|Exception|Error)\b/.test(r.output)) return 'the update reported an error';
  return undefined;
}

async function waitForVersion(
  t: Target,
  cwd: string,
  version: string,
): Promise<RunResult & { seen: boolean }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await tacklebox('rf_firmware_inventory.py', creds(t), cwd);
    const seen = r.code === 0 && r.output.includes(version);
    if (seen || Date.now() > deadline) return { ...r, seen };
    await new Promise((ok) => setTimeout(ok, 1000));
  }
}

/** Terminal control sequences (the scripts redraw their progress line). */
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

function lastLines(text: string, n = 4): string {
  const lines = text
    .replace(ANSI_ESCAPE, '')
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return [...new Set(lines)].slice(-n).join(' | ').slice(0, 400);
}

/** One install through rf_update.py and its check in rf_firmware_inventory.py. */
async function install(
  t: Target,
  cwd: string,
  plan: UpdatePlan,
  method: 'multipart' | 'simple',
  image: string,
  version: string,
): Promise<ClientStep[]> {
  // --debug: the scripts write their HTTP trace (rf_update-<time>.log) into cwd, kept with the reports.
  const args = [...creds(t), '-i', image, '--debug'];
  if (method === 'simple' && plan.simpleTarget) args.push('-t', plan.simpleTarget);
  if (plan.applyTime) args.push('-at', plan.applyTime);
  const update = await tacklebox('rf_update.py', args, cwd);
  const failed = updateFailed(update);
  const steps: ClientStep[] = [
    {
      step: `rf_update.py ${method}`,
      ok: failed === undefined,
      detail: failed ?? 'completed',
      ms: update.ms,
    },
  ];
  if (failed !== undefined) {
    steps[0] = { ...(steps[0] as ClientStep), detail: `${failed}: ${lastLines(update.output)}` };
    return steps;
  }
  if (plan.resetHost) {
    const reset = await tacklebox('rf_power_reset.py', [...creds(t), '-t', 'ForceRestart'], cwd);
    steps.push({
      step: 'rf_power_reset.py ForceRestart',
      ok: reset.code === 0,
      detail: reset.code === 0 ? 'host restarted' : lastLines(reset.output),
      ms: reset.ms,
    });
  }
  const inv = await waitForVersion(t, cwd, version);
  steps.push({
    step: `rf_firmware_inventory.py after ${method}`,
    ok: inv.seen,
    detail: inv.seen ? `shows ${version}` : `${version} not shown: ${lastLines(inv.output)}`,
    ms: inv.ms,
  });
  return steps;
}

export interface ClientInput {
  target: Target;
  vendor: SimVendor;
  /** Working directory for the scripts (they write nothing unless --debug). */
  cwd: string;
  multipart?: { file: string; version: string };
  simple: { file: string; version: string };
  images: ImageServer;
}

/** Runs the reference client's inventory and update scripts on one BMC. */
export async function referenceClient(input: ClientInput): Promise<ClientStep[]> {
  const { target, cwd } = input;
  const plan = UPDATE_PLANS[input.vendor];
  const first = await tacklebox('rf_firmware_inventory.py', creds(target), cwd);
  const steps: ClientStep[] = [
    {
      step: 'rf_firmware_inventory.py',
      ok: first.code === 0,
      detail: first.code === 0 ? 'listed' : lastLines(first.output),
      ms: first.ms,
    },
  ];
  if (input.multipart) {
    steps.push(
      ...(await install(target, cwd, plan, 'multipart', input.multipart.file, input.multipart.version)),
    );
  }
  const server = plan.https ? input.images.https : input.images.http;
  const uri = `${server}/${basename(input.simple.file)}`;
  steps.push(...(await install(target, cwd, plan, 'simple', uri, input.simple.version)));
  return steps;
}

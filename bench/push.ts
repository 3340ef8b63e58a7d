/**
 * bench/push: one BIOS image to N simulated BMCs at once, by MultipartHttpPushUri (firmwarden
 * streams the image from the image store into every upload) and by SimpleUpdate (every BMC pulls
 * it from firmwarden's image server), each task followed to its end. Prints wall time, aggregate
 * MiB/s, CPU ms, peak RSS and RSS growth of the firmwarden process for a small image and the
 * given size, so the output shows whether memory stays flat as images grow. Asserts nothing.
 *
 * Processes: the simulated BMCs run in a child (bench/push-sim.ts) — they stream and verify too,
 * and their CPU and memory must not count as firmwarden's; each (size, method) phase runs in a
 * fresh child of its own, because process.resourceUsage().maxRSS is a lifetime peak and the
 * phases would otherwise hide one another (and the image writing here) behind the first peak.
 * Images are N MiB exactly, unless the BMC's MaxImageSizeBytes would refuse the multipart body:
 * then 4 KiB less (said in the output; --exact keeps the size and shows the BMC's answer).
 *
 *   node bench/push.ts [--size-mib 256] [--small-mib 32] [--bmcs 20] [--vendor generic]
 *                      [--methods multipart,simple] [--http] [--image-tls] [--timeout-s S] [--exact]
 *                      [--curl --runs 3]   (multipart vs curl -F to the same BMCs, interleaved)
 *
 * (Node 24: `npx node bench/push.ts …` runs the project's own node.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ImageStore } from '../src/catalog/image-store.ts';
import { defaultDeps } from '../src/deps.ts';
import { describeError, UnsupportedError } from '../src/errors.ts';
import { discoverUpdateService, type UpdateCapabilities } from '../src/executor/capabilities.ts';
import { type Delivered, pushMultipart, simpleUpdate } from '../src/executor/deliver.ts';
import { startImageServer } from '../src/executor/image-server.ts';
import { loadFleetFile } from '../src/fleet/load.ts';
import { createLogger } from '../src/log.ts';
import { RedfishClient } from '../src/redfish/client.ts';
import { followTask } from '../src/redfish/task-monitor.ts';
import { SIM_IMAGE_MAGIC, type SimImageHeader, writeSimImage } from '../src/simulator/image-format.ts';
import { curlAvailable, curlPush } from './push-curl.ts';

const MiB = 1024 * 1024;
const SIM = fileURLToPath(new URL('./push-sim.ts', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
/** Task poll interval: the wall time is late by at most this much. */
const POLL_MS = 200;
/** Room for the multipart envelope (part headers, boundaries) under MaxImageSizeBytes. */
const MULTIPART_SLACK = 4096;

type Method = 'multipart' | 'simple';

interface PhaseJob {
  method: Method;
  fleetFile: string;
  storeRoot: string;
  image: { sha256: string; size: number; fileName: string };
  /** BMC name → its BIOS inventory member. */
  targets: Record<string, string>;
  imageTls: boolean;
  timeoutMs: number;
}

interface PhaseFigures {
  bmcs: number;
  delivered: number;
  outcomes: Record<string, number>;
  errors: string[];
  setupMs: number;
  wallMs: number;
  /** Last POST answered (multipart: the upload is in; SimpleUpdate: accepted, fetch starts). */
  lastAnswerMs: number;
  cpuMs: number;
  baselineRssMiB: number;
  peakRssMiB: number;
  /** Highest sampled (every 100 ms) ArrayBuffer memory: buffered image bytes would show here. */
  peakArrayBuffersMiB: number;
  scheme?: string;
  /** SimpleUpdate: body bytes the image server sent. */
  servedBytes?: number;
}

/** What bench/push-sim.ts answers to `stats`: CPU ms, peak RSS, bytes and failures so far. */
type SimStats = Record<
  'cpuMs' | 'maxRssMiB' | 'uploadBytes' | 'uploadsRefused' | 'fetchBytes' | 'fetchErrors',
  number
> & { targets: Record<string, string> };

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '256' },
    'small-mib': { type: 'string', default: '32' },
    bmcs: { type: 'string', default: '20' },
    vendor: { type: 'string', default: 'generic' },
    methods: { type: 'string', default: 'multipart,simple' },
    http: { type: 'boolean', default: false },
    'image-tls': { type: 'boolean', default: false },
    'timeout-s': { type: 'string' },
    exact: { type: 'boolean', default: false },
    /** Also upload the multipart image with curl -F, interleaved with firmwarden, --runs times. */
    curl: { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    phase: { type: 'string' },
  },
});

if (values.phase) await phaseChild(values.phase);
else await main();

/** Child: one method, one image, all BMCs at once; prints `result {json}`. */
async function phaseChild(jobFile: string): Promise<void> {
  // The parent is gone (stdin closed): do not go on pushing.
  process.stdin.on('end', () => process.exit(2)).resume();
  const job = JSON.parse(await readFile(jobFile, 'utf8')) as PhaseJob;
  const deps = defaultDeps({ logger: createLogger({ level: 'error' }) });
  const servers = await loadFleetFile(job.fleetFile);
  const store = new ImageStore(job.storeRoot);
  const setupStart = performance.now();
  const clients = servers.map((s) => new RedfishClient(s.client, deps));
  const caps = await Promise.all(clients.map((c) => discoverUpdateService(c)));
  const httpsOnly = caps.some((c) => c.simple?.protocols && !c.simple.protocols.includes('HTTP'));
  const imageServer =
    job.method === 'simple'
      ? await startImageServer({ store, ...(job.imageTls || httpsOnly ? { tls: 'self-signed' } : {}) }, deps)
      : undefined;
  const setupMs = performance.now() - setupStart;

  const baselineRss = process.memoryUsage.rss();
  let peakArrayBuffers = 0;
  const sampler = setInterval(() => {
    peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
  }, 100);
  const tokens: string[] = [];
  let lastAnswerMs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcomes = await Promise.all(
    servers.map(async (server, i): Promise<string> => {
      const client = clients[i] as RedfishClient;
      const cap = caps[i] as UpdateCapabilities;
      const target = job.targets[server.name];
      try {
        if (target === undefined) throw new UnsupportedError(`${server.name}: no BIOS member`);
        let sent: Delivered;
        if (job.method === 'multipart') {
          if (!cap.multipart) throw new UnsupportedError(`${server.name}: no MultipartHttpPushUri`);
          const delivery = { image: job.image, targets: [target], ...immediate(cap.multipart.applyTimes) };
          sent = await pushMultipart(client, cap, store, delivery);
        } else {
          const images = imageServer as NonNullable<typeof imageServer>;
          if (!cap.simple) throw new UnsupportedError(`${server.name}: no SimpleUpdate`);
          const grant = await images.grant(job.image.sha256, { label: server.name });
          tokens.push(grant.token);
          sent = await simpleUpdate(client, cap, {
            image: job.image,
            targets: simpleTargets(cap, target),
            imageUri: grant.url,
            protocol: images.scheme === 'https' ? 'HTTPS' : 'HTTP',
            ...immediate(cap.simple.applyTimes),
          });
        }
        lastAnswerMs = Math.max(lastAnswerMs, performance.now() - t0);
        if (!sent.location) return `answered ${sent.status}`;
        const end = await followTask(client, sent.location, deps.clock, {
          timeoutMs: job.timeoutMs,
          pollMs: POLL_MS,
          maxPollMs: POLL_MS,
        });
        const last = end.messages.at(-1);
        if (end.outcome === 'failed') throw new Error(`task ${end.state}: ${last?.id} ${last?.text ?? ''}`);
        return end.outcome;
      } catch (err) {
        return `error: ${server.name}: ${describeError(err)}`;
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  clearInterval(sampler);

  const errors = outcomes.filter((o) => o.startsWith('error'));
  const counts: Record<string, number> = {};
  for (const o of outcomes) if (!errors.includes(o)) counts[o] = (counts[o] ?? 0) + 1;
  const figures: PhaseFigures = {
    bmcs: servers.length,
    delivered: servers.length - errors.length,
    outcomes: counts,
    errors,
    setupMs,
    wallMs,
    lastAnswerMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    baselineRssMiB: baselineRss / MiB,
    peakRssMiB: peakRss / MiB,
    peakArrayBuffersMiB: peakArrayBuffers / MiB,
  };
  if (imageServer) {
    figures.scheme = imageServer.scheme;
    figures.servedBytes = tokens.reduce((n, t) => n + (imageServer.stats(t)?.bytes ?? 0), 0);
    await imageServer.close();
  }
  await Promise.allSettled(clients.map((c) => c.close()));
  process.stdout.write(`result ${JSON.stringify(figures)}\n`);
  process.exit(0);
}

/** Immediate when the method announces it; otherwise the BMC's default apply time. */
function immediate(applyTimes: string[] | undefined): { applyTime?: 'Immediate' } {
  return applyTimes === undefined || applyTimes.includes('Immediate') ? { applyTime: 'Immediate' } : {};
}

/** The member, unless the ActionInfo allows only other Targets (Supermicro X12: the Bios). */
function simpleTargets(cap: UpdateCapabilities, member: string): string[] {
  const allowed = cap.simple?.targets;
  if (!allowed || allowed.includes(member)) return [member];
  return [allowed.find((a) => /\/Bios\/?$/.test(a)) ?? member];
}

/** Parent: simulator child, images, one phase child per (size, method), the table. */
async function main(): Promise<void> {
  const bmcs = Number(values.bmcs);
  const sizes = [...new Set([Number(values['small-mib']), Number(values['size-mib'])])].filter((s) => s > 0);
  const methods = (values.methods ?? '').split(',').map((m) => m.trim()) as Method[];
  for (const m of methods) if (m !== 'multipart' && m !== 'simple') throw new Error(`unknown method ${m}`);
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-push-'));
  const children = new Set<ChildProcess>();
  process.on('exit', () => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

  const simArgs = [SIM, '--count', String(bmcs), '--vendor', String(values.vendor), '--dir', dir];
  const sim = spawn(process.execPath, [...simArgs, ...(values.http ? ['--http'] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, FIRMWARDEN_LOG_LEVEL: 'warn' },
  });
  children.add(sim);
  const simLines = createInterface({ input: sim.stdout });
  const simStart = performance.now();
  const ready = JSON.parse(await nextLine(simLines, sim, 'ready ', 120_000)) as {
    fleetFile: string;
    image: Omit<SimImageHeader, 'payloadSha256' | 'payloadSize'>;
    maxImageSizeBytes?: number;
  };
  const simStats = async (): Promise<SimStats> => {
    sim.stdin.write('stats\n');
    return JSON.parse(await nextLine(simLines, sim, 'stats ', 30_000)) as SimStats;
  };
  console.log(
    `${bmcs} simulated ${values.vendor} BMCs (fast timing, ${values.http ? 'http' : 'https'}) up in ` +
      `${(performance.now() - simStart).toFixed(0)} ms; BIOS image ${ready.image.version}; ` +
      `MaxImageSizeBytes ${ready.maxImageSizeBytes ?? 'none'}; ${POLL_MS} ms task polls`,
  );

  const store = await ImageStore.open(join(dir, 'store'));
  const rows: string[][] = [];
  const notes: string[] = [];
  const vsCurl: Array<{ mib: number } & Versus> = [];
  let failures = 0;
  for (const mib of sizes) {
    let total = mib * MiB;
    const max = ready.maxImageSizeBytes;
    if (!values.exact && max !== undefined && total + MULTIPART_SLACK > max) {
      total = max - MULTIPART_SLACK;
      notes.push(`${mib} MiB image cut to ${total} bytes: a bigger multipart body passes MaxImageSizeBytes`);
    }
    const file = join(dir, `bios-${mib}mib.fwsim`);
    const written = await writeSimImage(file, {
      ...ready.image,
      payloadSize: payloadFor(ready.image, total),
      seed: mib,
    });
    await store.putFile(file, { sha256: written.sha256, size: written.size }, { move: true });
    const timeoutMs = values['timeout-s']
      ? Number(values['timeout-s']) * 1000
      : 60_000 + (bmcs * written.size) / ((10 * MiB) / 1000);
    for (const method of methods) {
      const before = await simStats();
      const job: PhaseJob = {
        method,
        fleetFile: ready.fleetFile,
        storeRoot: store.root,
        image: { sha256: written.sha256, size: written.size, fileName: `bios-${mib}mib.fwsim` },
        targets: before.targets,
        imageTls: values['image-tls'] ?? false,
        timeoutMs,
      };
      const jobFile = join(dir, `job-${mib}-${method}.json`);
      await writeFile(jobFile, JSON.stringify(job));
      const fig = await runPhase(jobFile, timeoutMs + 30_000, children);
      const after = await simStats();
      const scheme = typeof fig === 'string' ? '?' : fig.scheme;
      const label = method === 'multipart' ? 'multipart push' : `SimpleUpdate (${scheme})`;
      const size = (written.size / MiB).toFixed(written.size % MiB ? 3 : 0);
      if (typeof fig === 'string') {
        failures++;
        rows.push([size, label, fig]);
        continue;
      }
      failures += fig.errors.length;
      const errors = fig.errors.slice(0, 5).map((e) => `  ${e}`);
      if (fig.delivered === 0) {
        rows.push([size, label, `0/${fig.bmcs}`]);
        notes.push(`${size} MiB ${label}: nothing delivered`, ...errors);
        continue;
      }
      const simCpuMs = after.cpuMs - before.cpuMs;
      const field = method === 'multipart' ? 'uploadBytes' : 'fetchBytes';
      const received = after[field] - before[field];
      const refused = after.uploadsRefused - before.uploadsRefused;
      const fetchErrors = after.fetchErrors - before.fetchErrors;
      const s = fig.wallMs / 1000;
      rows.push([
        size,
        label,
        `${fig.delivered}/${fig.bmcs}`,
        s.toFixed(2),
        ((fig.delivered * written.size) / MiB / s).toFixed(0),
        fig.cpuMs.toFixed(0),
        simCpuMs.toFixed(0),
        ((fig.cpuMs + simCpuMs) / fig.wallMs).toFixed(2),
        fig.baselineRssMiB.toFixed(0),
        fig.peakRssMiB.toFixed(0),
        (fig.peakRssMiB - fig.baselineRssMiB).toFixed(0),
        fig.peakArrayBuffersMiB.toFixed(1),
      ]);
      const served = fig.servedBytes === undefined ? '' : `; image server sent ${mibs(fig.servedBytes)} MiB`;
      notes.push(
        `${size} MiB ${label}: last POST answered at ${(fig.lastAnswerMs / 1000).toFixed(2)} s; ` +
          `BMCs received ${mibs(received)} of ${mibs(bmcs * written.size)} MiB${served}; ` +
          `outcomes ${JSON.stringify(fig.outcomes)}; setup ${fig.setupMs.toFixed(0)} ms; ` +
          `simulator peak RSS so far ${after.maxRssMiB.toFixed(0)} MiB` +
          (refused + fetchErrors > 0 ? `; uploads refused ${refused}, fetch errors ${fetchErrors}` : ''),
      );
      notes.push(...errors);
      if (method === 'multipart' && values.curl) {
        const vs = await versusCurl(job, fig, written, jobFile, timeoutMs, children, dir, simStats);
        vsCurl.push({ mib: written.size / MiB, ...vs });
      }
    }
    await store.remove(written.sha256);
  }

  const head = ['MiB', 'method', 'ok', 'wall s', 'MiB/s', 'fw CPU ms', 'sim CPU ms', 'cores', 'base RSS'];
  printTable([[...head, 'peak RSS', 'growth', 'peak ArrayBuf'], ...rows]);
  console.log('(RSS figures in MiB, firmwarden process only; cores = (fw + sim CPU) / wall, of 2 here)');
  for (const n of notes) console.log(n);
  for (const v of vsCurl) {
    console.log(
      `${v.mib.toFixed(0)} MiB × ${bmcs} BMCs, time to the last upload answered, median of ${v.fw.length}: ` +
        `firmwarden ${median(v.fw).toFixed(0)} MiB/s (CPU ${median(v.fwCpu).toFixed(0)} ms, RSS growth ${median(v.fwRssGrowth).toFixed(0)} MiB), ` +
        `curl -F ${median(v.curl).toFixed(0)} MiB/s (CPU ${median(v.curlCpu).toFixed(0)} ms): ${((100 * median(v.fw)) / median(v.curl)).toFixed(0)} % of curl`,
    );
    // One JSON line for bench/peers.ts.
    console.log(`peers ${JSON.stringify(v)}`);
  }
  if (values.curl && !curlAvailable())
    console.log('curl missing (no curl -F comparison): apt-get install curl');
  sim.stdin.end();
  if (failures > 0) process.exitCode = 1;
}

interface Versus {
  /** MiB/s per run, to the last upload answered, firmwarden's and curl's. */
  fw: number[];
  curl: number[];
  fwCpu: number[];
  curlCpu: number[];
  fwRssGrowth: number[];
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
}

/**
 * curl -F against the same BMCs and image, interleaved with firmwarden's multipart phase (the
 * phase just run is the first sample). Throughput counts to the last upload answered on both
 * sides: curl does not follow the task.
 */
async function versusCurl(
  job: PhaseJob,
  first: PhaseFigures,
  written: { size: number },
  jobFile: string,
  timeoutMs: number,
  children: Set<ChildProcess>,
  dir: string,
  simStats: () => Promise<SimStats>,
): Promise<Versus> {
  const out: Versus = { fw: [], curl: [], fwCpu: [], curlCpu: [], fwRssGrowth: [] };
  if (!curlAvailable()) return out;
  const servers = await loadFleetFile(job.fleetFile);
  const deps = defaultDeps({ logger: createLogger({ level: 'error' }) });
  const probe = new RedfishClient((servers[0] as (typeof servers)[number]).client, deps);
  const cap = await discoverUpdateService(probe).finally(() => probe.close());
  if (!cap.multipart) return out;
  const bytes = (n: number) => (n * written.size) / MiB;
  let fig: PhaseFigures | string = first;
  for (let r = 0; r < Number(values.runs); r++) {
    if (r > 0) fig = await runPhase(jobFile, timeoutMs + 30_000, children);
    if (typeof fig !== 'string' && fig.errors.length === 0) {
      out.fw.push(bytes(fig.bmcs) / (fig.lastAnswerMs / 1000));
      out.fwCpu.push(fig.cpuMs);
      out.fwRssGrowth.push(fig.peakRssMiB - fig.baselineRssMiB);
    }
    const c = await curlPush({
      servers,
      uri: cap.multipart.uri,
      targets: (await simStats()).targets,
      file: new ImageStore(job.storeRoot).imagePath(job.image.sha256),
      ...immediate(cap.multipart.applyTimes),
      dir,
    });
    const ok = c.statuses.filter((x) => /^2/.test(x)).length;
    if (ok === servers.length) {
      out.curl.push(bytes(ok) / (c.wallMs / 1000));
      out.curlCpu.push(c.cpuMs);
    } else console.log(`curl -F: answers ${c.statuses.join(' ')}`);
    // Let the simulated BMCs finish the tasks both uploads started before the next sample.
    await delay(2_000);
  }
  return out;
}

/** Payload bytes that make header + payload exactly `total` bytes. */
function payloadFor(spec: Omit<SimImageHeader, 'payloadSha256' | 'payloadSize'>, total: number): number {
  const headerLen = (payloadSize: number) =>
    Buffer.byteLength(
      `${SIM_IMAGE_MAGIC}${JSON.stringify({ ...spec, payloadSha256: '0'.repeat(64), payloadSize })}\n`,
    );
  return total - headerLen(total - headerLen(total));
}

/** Runs one phase child; a string saying why when it gave no figures. */
async function runPhase(
  jobFile: string,
  timeoutMs: number,
  children: Set<ChildProcess>,
): Promise<PhaseFigures | string> {
  const child = spawn(process.execPath, [SELF, '--phase', jobFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  const closed = once(child, 'close').catch(() => undefined);
  const lines = createInterface({ input: child.stdout });
  try {
    const figures = JSON.parse(await nextLine(lines, child, 'result ', timeoutMs)) as PhaseFigures;
    // It exits by itself once done (a --cpu-prof profile is written then); wait a little for that.
    await Promise.race([closed, delay(5_000)]);
    return figures;
  } catch (err) {
    return (err as Error).message;
  } finally {
    child.kill('SIGKILL');
    children.delete(child);
  }
}

/**
 * The rest of the next line starting with `prefix`; rejects on timeout or once the child's output
 * has closed ('close', not 'exit': 'exit' may come before the last lines were read).
 */
function nextLine(lines: Interface, child: ChildProcess, prefix: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('close', onClose);
      fn();
    };
    const onLine = (line: string) => {
      if (line.startsWith(prefix)) done(() => resolve(line.slice(prefix.length)));
    };
    const onClose = (code: number | null) =>
      done(() => reject(new Error(`child exited (${code}) before "${prefix.trim()}"`)));
    const timer = setTimeout(
      () => done(() => reject(new Error(`no "${prefix}" line within ${timeoutMs} ms`))),
      timeoutMs,
    );
    lines.on('line', onLine);
    child.once('close', onClose);
  });
}

function mibs(bytes: number): string {
  return (bytes / MiB).toFixed(0);
}

function printTable(table: string[][]): void {
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of table) {
    console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '));
  }
}

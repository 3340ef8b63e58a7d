/**
 * The peer of firmwarden's multipart push in bench/push.ts: `curl -F` uploading the same image to
 * the same simulated BMCs' MultipartHttpPushUri, all at once, one curl process per BMC (what a
 * shell loop with `&` does). UpdateParameters as firmwarden sends them (Targets, apply time),
 * Basic auth, the fleet CA verified. Measured: wall time until every curl has its answer, and the
 * curls' CPU (user + system of the reaped children, from bash's `times`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedServer } from '../src/fleet/load.ts';

/** True when curl runs here. */
export const curlAvailable = (): boolean =>
  spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;

export interface CurlPush {
  servers: ResolvedServer[];
  /** MultipartHttpPushUri (the same path on every BMC of one vendor). */
  uri: string;
  /** BMC name → the inventory member the image is for. */
  targets: Record<string, string>;
  file: string;
  applyTime?: 'Immediate';
  dir: string;
}

export interface CurlFigures {
  wallMs: number;
  /** CPU of every curl (user + system), ms. */
  cpuMs: number;
  /** HTTP status per BMC ("000": no answer). */
  statuses: string[];
}

/** Uploads `file` to every BMC at once with curl -F; resolves when every curl has exited. */
export async function curlPush(job: CurlPush): Promise<CurlFigures> {
  const script: string[] = [];
  for (const [i, s] of job.servers.entries()) {
    const params = join(job.dir, `curl-params-${i}.json`);
    await writeFile(
      params,
      JSON.stringify({
        Targets: [job.targets[s.name]],
        ...(job.applyTime ? { '@Redfish.OperationApplyTime': job.applyTime } : {}),
      }),
    );
    const ca = s.client.tls?.ca;
    const caFile = join(job.dir, `curl-ca-${i}.pem`);
    if (ca) await writeFile(caFile, ca);
    const creds = s.client.credentials;
    // The password goes in a curl config file, not on the command line (ps would show it).
    const config = join(job.dir, `curl-${i}.conf`);
    await writeFile(
      config,
      `${creds ? `user = "${creds.username}:${creds.password}"\n` : ''}${ca ? `cacert = "${caFile}"\n` : ''}`,
      { mode: 0o600 },
    );
    script.push(
      `curl -sS -o /dev/null -w '%{http_code}\\n' -K '${config}' ` +
        `-F 'UpdateParameters=@${params};type=application/json' ` +
        `-F 'UpdateFile=@${job.file};type=application/octet-stream' '${s.client.url}${job.uri}' &`,
    );
  }
  // `times` after `wait`: the children's user and system time, as bash reports it.
  script.push('wait', 'times >&2');
  const t0 = performance.now();
  const child = spawn('bash', ['-c', script.join('\n')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += String(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    err += String(d);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`curl uploads exited with ${code}: ${err.trim().slice(0, 300)}`);
  // `times` prints two lines: the shell's own, then its children's ("0m1.234s 0m0.567s").
  const children = err.trim().split('\n').at(-1) ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return {
    wallMs,
    cpuMs: seconds.reduce((a, b) => a + b, 0) * 1000,
    statuses: out.trim().split('\n'),
  };
}

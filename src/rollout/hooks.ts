/**
 * Drain and undrain hooks: move the service off a server before the reset that activates new
 * firmware, and back once its gates pass. A command (argv, no shell, `{server}` replaced, a
 * non-zero exit fails the hook) or an HTTP webhook (JSON body, 2xx expected).
 */
import { execFile } from 'node:child_process';
import { request } from 'undici';
import { FirmwardenError } from '../errors.ts';
import type { Hook } from './spec.ts';

export interface HookContext {
  server: string;
  rollout: string;
  phase: 'drain' | 'undrain';
  labels: Record<string, string>;
}

/** Runs a hook; throws FW_ERR_HOOK with what failed. */
export async function runHook(hook: Hook, ctx: HookContext): Promise<void> {
  const timeoutMs = (hook.timeoutSeconds ?? 120) * 1000;
  if ('command' in hook) {
    const [file, ...args] = hook.command.map((a) =>
      a.replaceAll('{server}', ctx.server).replaceAll('{rollout}', ctx.rollout),
    );
    await new Promise<void>((resolve, reject) => {
      execFile(
        file as string,
        args,
        {
          timeout: timeoutMs,
          env: { ...process.env, FIRMWARDEN_SERVER: ctx.server, FIRMWARDEN_PHASE: ctx.phase },
        },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          reject(
            new FirmwardenError(
              'FW_ERR_HOOK',
              `${ctx.phase} hook for ${ctx.server} failed: ${err.message}${stderr ? `: ${stderr.trim().slice(0, 200)}` : ''}`,
              { cause: err },
            ),
          );
        },
      );
    });
    return;
  }
  const url = hook.webhook.replaceAll('{server}', encodeURIComponent(ctx.server));
  try {
    const res = await request(url, {
      method: hook.method ?? 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        event: ctx.phase,
        server: ctx.server,
        rollout: ctx.rollout,
        labels: ctx.labels,
      }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw new FirmwardenError(
        'FW_ERR_HOOK',
        `${ctx.phase} webhook for ${ctx.server}: ${url} answered ${res.statusCode}`,
      );
    }
  } catch (err) {
    if (err instanceof FirmwardenError) throw err;
    throw new FirmwardenError(
      'FW_ERR_HOOK',
      `${ctx.phase} webhook for ${ctx.server}: ${url}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

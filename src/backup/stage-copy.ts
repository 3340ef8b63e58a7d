/**
 * Puts an image from firmwarden's store into the slice (DESIGN.md "Storage"): an update whose
 * only Target is the slice volume, with Stage true so the BMC keeps it instead of installing it.
 * Multipart when offered (the image streams from the store, re-verified as it is read), else
 * SimpleUpdate pulling from firmwarden's image server. The task is followed to its end.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import type { Clock } from '../deps.ts';
import { UnsupportedError } from '../errors.ts';
import type { UpdateCapabilities } from '../executor/capabilities.ts';
import type { ImageGrantor } from '../executor/update-server.ts';
import type { RedfishClient } from '../redfish/client.ts';
import type { RedfishResponse } from '../redfish/index.ts';
import { multipartUpdateBody } from '../redfish/multipart.ts';
import { pathOf } from '../redfish/session.ts';
import { assertNotFailed, followTask } from '../redfish/task-monitor.ts';

export interface StageEnv {
  client: RedfishClient;
  caps: UpdateCapabilities;
  store: ImageStore;
  imageServer?: ImageGrantor & { scheme: 'http' | 'https' };
  clock: Clock;
  taskMs: number;
  pollMs: number;
}

export interface StoredCopy {
  sha256: string;
  size: number;
  fileName: string;
}

/** Stages a stored image into the slice volume; returns how it went there and the task. */
export async function stageIntoSlice(
  env: StageEnv,
  volume: string,
  image: StoredCopy,
): Promise<{ method: 'multipart' | 'simple'; task?: string }> {
  let res: RedfishResponse;
  let method: 'multipart' | 'simple';
  let grant: { url: string; token: string } | undefined;
  try {
    if (env.caps.multipart) {
      method = 'multipart';
      res = await postMultipart(env, volume, image);
    } else if (env.caps.simple && env.imageServer) {
      method = 'simple';
      grant = await env.imageServer.grant(image.sha256, { label: `slice ${volume}`, ttlMs: env.taskMs });
      res = await env.client.post(env.caps.simple.target, {
        ImageURI: grant.url,
        TransferProtocol: env.imageServer.scheme.toUpperCase(),
        Targets: [volume],
        Stage: true,
      });
    } else {
      throw new UnsupportedError(
        `${env.client.name}: neither MultipartHttpPushUri nor SimpleUpdate with an image server to stage into the slice`,
      );
    }
    const location = res.headers['location'];
    if (!location) return { method };
    const where = pathOf(location, env.client.transport.origin);
    const outcome = await followTask(env.client, where, env.clock, {
      timeoutMs: env.taskMs,
      pollMs: env.pollMs,
    });
    assertNotFailed(outcome, where);
    return { method, task: outcome.taskUri ?? where };
  } finally {
    if (grant) env.imageServer?.revoke(grant.token);
  }
}

async function postMultipart(env: StageEnv, volume: string, image: StoredCopy): Promise<RedfishResponse> {
  const params = { Targets: [volume], Stage: true };
  return env.client.request('POST', env.caps.multipart?.uri as string, {
    body: multipartUpdateBody(params, {
      fileName: image.fileName,
      size: image.size,
      data: env.store.open(image.sha256),
    }),
  });
}

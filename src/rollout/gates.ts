/**
 * Health gates around each server. Before: the BMC answers, the system is healthy and powered,
 * and no update task is already running. After: the inventory shows every planned target
 * (checked by the executor), system health OK and power On again, and the user's HTTP check.
 */
import { request } from 'undici';
import type { Clock } from '../deps.ts';
import { FirmwardenError } from '../errors.ts';
import { waitFor } from '../executor/host-reset.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { ComputerSystemSchema, TaskSchema, tasksCollectionUri } from '../redfish/models/index.ts';
import type { RolloutSpec } from './spec.ts';

export class GateError extends FirmwardenError {
  constructor(server: string, gate: string, message: string, options?: { cause?: unknown }) {
    super('FW_ERR_GATE', `${server}: ${gate} gate: ${message}`, options);
    this.name = 'GateError';
  }
}

async function systemOf(client: RedfishClient) {
  const root = await client.root();
  if (!root.Systems) return undefined;
  return (await readMembers(client, root.Systems['@odata.id'], ComputerSystemSchema))[0];
}

/** Before touching a server: reachable, healthy, and not busy with another update. */
export async function gateBefore(client: RedfishClient, server: string, spec: RolloutSpec): Promise<void> {
  let system: Awaited<ReturnType<typeof systemOf>>;
  try {
    system = await systemOf(client);
  } catch (err) {
    throw new GateError(server, 'before', `BMC not reachable: ${(err as Error).message}`, { cause: err });
  }
  const health = system?.Status?.Health;
  if (spec.gates.requireHealthOk && health && health !== 'OK') {
    throw new GateError(server, 'before', `system health is ${health}`);
  }
  const tasks = await readMembers(client, tasksCollectionUri(await client.root()), TaskSchema).catch(
    () => [],
  );
  const running = tasks.filter((t) => ['New', 'Starting', 'Running', 'Pending'].includes(t.TaskState ?? ''));
  if (running.length) {
    throw new GateError(
      server,
      'before',
      `already busy: task ${running[0]?.['@odata.id']} is ${running[0]?.TaskState}`,
    );
  }
}

/**
 * After the update: the host back On and healthy (waited for up to `timeoutMs`: a host finishing
 * POST after the reset says PoweringOn for a while), then the user's HTTP check.
 */
export async function gateAfter(
  client: RedfishClient,
  server: string,
  spec: RolloutSpec,
  wait: { clock: Clock; timeoutMs: number; pollMs: number },
): Promise<void> {
  let last = 'unknown';
  const up = await waitFor(
    async () => {
      const system = await systemOf(client);
      const health = system?.Status?.Health;
      last = `power ${system?.PowerState ?? '?'}, health ${health ?? '?'}`;
      return (
        (!system?.PowerState || system.PowerState === 'On') &&
        (!spec.gates.requireHealthOk || !health || health === 'OK')
      );
    },
    wait.clock,
    wait.timeoutMs,
    wait.pollMs,
  );
  if (!up)
    throw new GateError(
      server,
      'after',
      `host not back within ${Math.round(wait.timeoutMs / 1000)} s (${last})`,
    );
  const check = spec.gates.httpCheck;
  if (check) {
    const url = check.url.replaceAll('{server}', encodeURIComponent(server));
    try {
      const res = await request(url, {
        headersTimeout: check.timeoutSeconds * 1000,
        bodyTimeout: check.timeoutSeconds * 1000,
      });
      await res.body.dump();
      if (res.statusCode !== check.expectStatus) {
        throw new GateError(
          server,
          'after',
          `${url} answered ${res.statusCode}, expected ${check.expectStatus}`,
        );
      }
    } catch (err) {
      if (err instanceof GateError) throw err;
      throw new GateError(server, 'after', `${url}: ${(err as Error).message}`, { cause: err });
    }
  }
}

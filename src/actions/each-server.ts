/**
 * Runs one BMC action on each selected server, a few at a time: one client per server (always
 * closed, so its session is logged out), the driver detected from the service root, and a report
 * per server whether it worked or not. One server's failure never stops the others.
 */
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { RedfishClient } from '../redfish/client.ts';
import { detectDriver } from '../vendors/detect.ts';
import type { ActionContext, VendorDriver } from '../vendors/types.ts';

/** What an action gets for one server. */
export interface ServerHandle {
  server: ResolvedServer;
  driver: VendorDriver;
  ctx: ActionContext;
}

/** One server's report: the action's result, or the error that stopped it. */
export interface ServerReport<T> {
  server: string;
  bmc: string;
  vendor?: string;
  result?: T;
  error?: { code: string; message: string };
}

export interface EachServerOptions {
  /** Servers acted on at once. */
  concurrency: number;
  onServer?: (server: string, done: number, total: number) => void;
}

/** Runs `act` on every server; the reports come back in the servers' order. */
export async function eachServer<T>(
  servers: readonly ResolvedServer[],
  deps: Deps,
  options: EachServerOptions,
  act: (h: ServerHandle) => Promise<T>,
): Promise<Array<ServerReport<T>>> {
  const out = new Array<ServerReport<T>>(servers.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < servers.length; i = next++) {
      const server = servers[i] as ResolvedServer;
      out[i] = await one(server, deps, act);
      options.onServer?.(server.name, ++done, servers.length);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency, servers.length));
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

async function one<T>(
  server: ResolvedServer,
  deps: Deps,
  act: (h: ServerHandle) => Promise<T>,
): Promise<ServerReport<T>> {
  const report: ServerReport<T> = { server: server.name, bmc: server.bmc };
  let client: RedfishClient | undefined;
  try {
    if (deps.signal?.aborted) throw new FirmwardenError('FW_ERR_INTERRUPTED', 'stopped before it began');
    client = new RedfishClient(server.client, deps);
    const driver = await detectDriver(client, await client.root(), server.vendor);
    report.vendor = driver.vendor;
    const ctx: ActionContext = { client, clock: deps.clock, ...(deps.signal ? { signal: deps.signal } : {}) };
    report.result = await act({ server, driver, ctx });
  } catch (err) {
    report.error = {
      code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
      message: describeError(err),
    };
  } finally {
    await client?.close();
  }
  return report;
}

/**
 * Sweeps a fleet: every server scanned concurrently up to a global cap (each BMC additionally
 * capped by its own connection pool), each scan bounded by a deadline, each client logged out
 * and closed whatever happens, and one server's failure recorded with its error instead of
 * stopping the sweep.
 */
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { RedfishClient } from '../redfish/client.ts';
import type { FleetInventory, ServerInventory } from './model.ts';
import { type ScanOptions, scanServer } from './scan.ts';

export interface SweepOptions {
  /** Servers scanned at once across the fleet (default 64). */
  concurrency?: number;
  /** Called after each server, for progress bars (and, with `keep: false`, to store each result). */
  onServer?: (result: ServerInventory, done: number, total: number) => void;
  /**
   * Default true: the returned inventory holds every server. false: `servers` comes back empty
   * and each result is only handed to onServer, so a caller that streams results to its store
   * does not hold 10,000 inventories at once (`failed` still counts them).
   */
  keep?: boolean;
  signal?: AbortSignal;
  /** Also read when host and BMC last reset (one more request per server; inventory-scan job). */
  resets?: boolean;
  /** Deadline of one server's whole scan unless its fleet entry sets timeouts.scanMs (default 10 min). */
  scanMs?: number;
}

export const DEFAULT_SWEEP_CONCURRENCY = 64;

/**
 * Ten minutes per server: a scan is a dozen requests, each bounded by its own deadline, but a BMC
 * answering every one just in time must not hold a sweep slot for hours.
 */
export const DEFAULT_SCAN_MS = 600_000;

/** Scans every server of the fleet; never throws for a single server's failure. */
export async function sweepFleet(
  servers: ResolvedServer[],
  deps: Deps,
  options: SweepOptions = {},
): Promise<FleetInventory> {
  const keep = options.keep ?? true;
  const results: ServerInventory[] = keep ? new Array(servers.length) : [];
  let next = 0;
  let done = 0;
  let failed = 0;
  const worker = async () => {
    while (next < servers.length && !options.signal?.aborted) {
      const i = next++;
      const server = servers[i] as ResolvedServer;
      const result = await scanOne(server, deps, {
        resets: options.resets ?? false,
        ...(options.scanMs !== undefined ? { scanMs: options.scanMs } : {}),
      });
      if (keep) results[i] = result;
      if (result.error) failed++;
      done++;
      options.onServer?.(result, done, servers.length);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? DEFAULT_SWEEP_CONCURRENCY, servers.length));
  await Promise.all(Array.from({ length: width }, worker));
  return {
    scannedAt: new Date(deps.clock.now()).toISOString(),
    servers: keep ? results.filter(Boolean) : [],
    failed,
  };
}

/**
 * Scans one fleet entry with its own client; failures become `error`. The scan deadline is the
 * entry's `scanMs`, else `options.scanMs`, else {@link DEFAULT_SCAN_MS}.
 */
export async function scanOne(
  server: ResolvedServer,
  deps: Deps,
  options: ScanOptions & { scanMs?: number } = {},
): Promise<ServerInventory> {
  const { scanMs: sweepMs, ...scanOptions } = options;
  const scanMs = server.scanMs ?? sweepMs ?? DEFAULT_SCAN_MS;
  const deadline = new AbortController();
  // The reason becomes the error of whatever request is in flight, with its URI.
  const timer = setTimeout(
    () =>
      deadline.abort(
        new FirmwardenError('FW_ERR_TIMEOUT', `scan deadline (timeouts.scanMs) of ${scanMs} ms expired`),
      ),
    scanMs,
  );
  let client: RedfishClient | undefined;
  try {
    client = new RedfishClient({ ...server.client, signal: deadline.signal }, deps);
    return await scanServer(client, server, deps.clock, scanOptions);
  } catch (err) {
    // Every caller reports a failed server (the CLI's table, the job summary, the API): the log
    // line is the record, at info, not a second copy on an operator's console.
    deps.logger.info({ server: server.name, err: describeError(err) }, 'inventory scan failed');
    return {
      server: server.name,
      bmc: server.bmc,
      vendor: server.vendor ?? 'generic',
      labels: server.labels,
      scannedAt: new Date(deps.clock.now()).toISOString(),
      components: [],
      copies: [],
      error: {
        code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
        message: err instanceof Error ? err.message : String(err),
      },
      ...(client ? { requests: client.requests } : {}),
    };
  } finally {
    clearTimeout(timer);
    await client?.close();
  }
}

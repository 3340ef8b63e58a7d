/**
 * Probes several servers (a fleet file, or one BMC), a few at a time, each with its own client;
 * one server's failure is reported with its error and the others go on. With `recordDir`, each
 * server's redacted trace is written there once its client has logged out.
 */
import type { Deps } from '../deps.ts';
import { FirmwardenError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import type { FleetProbe } from './model.ts';
import { probeServer } from './probe-server.ts';
import { TraceRecorder } from './trace-recorder.ts';

export interface FleetProbeOptions {
  /** Servers probed at once (default 8: a probe is a few dozen requests per BMC). */
  concurrency?: number;
  /** Write DIR/<server>.trace.json for every server. */
  recordDir?: string;
  onServer?: (server: string, done: number, total: number) => void;
}

export const DEFAULT_PROBE_CONCURRENCY = 8;

/** Probes every server; never throws for one server's failure. */
export async function probeFleet(
  servers: ResolvedServer[],
  deps: Deps,
  options: FleetProbeOptions = {},
): Promise<FleetProbe> {
  const results: FleetProbe['servers'] = new Array(servers.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < servers.length) {
      const i = next++;
      const server = servers[i] as ResolvedServer;
      const recorder = options.recordDir
        ? new TraceRecorder(server.name, server.client.credentials, deps.clock)
        : undefined;
      try {
        const report = await probeServer(server, deps, recorder ? { recorder: recorder.record } : {});
        if (recorder) recorder.tls = report.tls;
        results[i] = report;
      } catch (err) {
        const e = err instanceof FirmwardenError ? err : undefined;
        results[i] = {
          server: server.name,
          bmc: server.bmc,
          error: { code: e?.code ?? 'FW_ERR_UNEXPECTED', message: (err as Error).message },
        };
      }
      // Written also for a failed probe: that trace is the one a bug report needs most.
      if (recorder && options.recordDir) await recorder.write(options.recordDir);
      options.onServer?.(server.name, ++done, servers.length);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? DEFAULT_PROBE_CONCURRENCY, servers.length));
  await Promise.all(Array.from({ length: width }, worker));
  return { servers: results, failed: results.filter((r) => 'error' in r).length };
}

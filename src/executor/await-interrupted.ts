/**
 * A run stopped mid-update (Ctrl-C, kill -9) can leave a BMC restarting: the BMC image it sent
 * activates on the BMC's own reboot, which keeps going after the process died. A rerun that
 * finds such a server unreadable waits for it, as the dead run would have, before judging it;
 * a server with nothing unfinished in the journal is judged unreadable at once.
 */
import type { Deps } from '../deps.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { scanServer } from '../inventory/scan.ts';
import { RedfishClient } from '../redfish/client.ts';
import { waitFor } from './host-reset.ts';
import type { Journal } from './journal.ts';
import { leftovers } from './resume.ts';

export interface AwaitInterruptedOptions {
  /** How long a BMC may take to answer again (the update's bmcRebootMs). */
  timeoutMs: number;
  pollMs: number;
  /** Called once per server waited for (progress view). */
  onWait?: (server: string, since: number, timeoutMs: number) => void;
}

/**
 * Of the unreadable servers, those whose journal holds unfinished work are polled until their
 * inventory reads again, at most until the reboot allowance after the journal's last entry for
 * the server has passed; returns the names that answer now, to plan again.
 */
export async function awaitInterrupted(
  unreadable: readonly ResolvedServer[],
  journal: Journal,
  deps: Deps,
  options: AwaitInterruptedOptions,
): Promise<string[]> {
  const waited = await Promise.all(
    unreadable.map(async (server) => {
      const history = (await journal.history?.(server.name)) ?? [];
      const left = leftovers(history);
      if (left.open.length === 0 && left.resetBegunAt === undefined) return undefined;
      // A restart the dead run began is over within the reboot allowance of its last entry: a
      // server found dead long after is judged at once, not waited for again on every run.
      const lastAt = Math.max(...history.map((e) => Date.parse(e.at)).filter(Number.isFinite));
      const remaining = lastAt + options.timeoutMs - deps.clock.now();
      if (!(remaining > 0)) return undefined;
      options.onWait?.(server.name, deps.clock.now(), remaining);
      const client = new RedfishClient(server.client, deps);
      try {
        const back = await waitFor(
          async () => {
            await scanServer(client, server, deps.clock);
            return true;
          },
          deps.clock,
          remaining,
          options.pollMs,
        );
        return back ? server.name : undefined;
      } finally {
        await client.close().catch(() => undefined);
      }
    }),
  );
  return waited.filter((n): n is string => n !== undefined);
}

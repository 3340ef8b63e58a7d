/**
 * `firmwarden bmc reset`: Manager.Reset (GracefulRestart where offered, host-reset.ts
 * resetManager) and a wait until the BMC answers again, with the install pipeline's wait
 * (install.ts waitBmcBack). Refused while the BMC is still writing firmware: a BMC reset mid-flash
 * can leave the component, or the BMC itself, unbootable.
 */
import { assertNotWriting } from '../executor/bmc-busy.ts';
import { resetManager } from '../executor/host-reset.ts';
import { waitBmcBack } from '../executor/install.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { ManagerSchema } from '../redfish/models/index.ts';
import type { ServerHandle } from './each-server.ts';

export interface BmcResetOptions {
  /** How long the BMC may take to answer again. */
  timeoutMs: number;
  pollMs: number;
  onStep?: (step: string) => void;
}

export interface BmcResetResult {
  resetType: string;
  /** Seconds from the reset to the BMC answering again. */
  downSeconds: number;
  /** Manager.LastResetTime after the reset, when the BMC reports it. */
  lastResetTime?: string;
}

async function managerUri(client: RedfishClient): Promise<string | undefined> {
  const root = await client.root();
  const managers = root.Managers ? await readMembers(client, root.Managers['@odata.id'], ManagerSchema) : [];
  return (managers.find((m) => m.ManagerType === 'BMC') ?? managers[0])?.['@odata.id'];
}

/** Resets one BMC and waits until it is back. */
export async function resetBmc(h: ServerHandle, opts: BmcResetOptions): Promise<BmcResetResult> {
  const { client, clock } = h.ctx;
  await assertNotWriting(h.server.name, h.ctx, h.driver);
  const uri = await managerUri(client);
  // One try per read: the transport's retries would hide the outage this waits to see.
  const read = async () => (uri ? client.get(uri, ManagerSchema, { attempts: 1 }) : undefined);
  const before = (await read())?.LastResetTime ?? undefined;
  const started = clock.now();
  const resetType = await resetManager(client, opts.onStep, 'on request');
  // Back: the Manager answers with a new LastResetTime or, where it reports none, answers after
  // it was seen gone (refused, 5xx); the answer right after the POST comes before the reboot.
  let wentAway = false;
  let after: string | undefined;
  const back = async () => {
    try {
      const m = await read();
      after = m?.LastResetTime ?? undefined;
      return (
        (before !== undefined && after !== undefined && after !== before) || (wentAway && m !== undefined)
      );
    } catch (err) {
      wentAway = true;
      throw err;
    }
  };
  opts.onStep?.('waiting for the BMC to come back');
  await waitBmcBack(
    back,
    clock,
    { bmcRebootMs: opts.timeoutMs, pollMs: opts.pollMs },
    `${h.server.name}: BMC not back after Manager.Reset ${resetType}`,
  );
  return {
    resetType,
    downSeconds: Math.round((clock.now() - started) / 100) / 10,
    ...(after ? { lastResetTime: after } : {}),
  };
}

/**
 * `firmwarden host power`: ComputerSystem.Reset with a ResetType the system offers, then wait for
 * the power state it leads to. Refused while the BMC is still writing firmware (bmc-busy.ts): a
 * host reset then can leave a half-written component. `status` only reads PowerState.
 */
import { FirmwardenError, UnsupportedError } from '../errors.ts';
import { assertNotWriting } from '../executor/bmc-busy.ts';
import { findReset, waitFor } from '../executor/host-reset.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { type ComputerSystem, ComputerSystemSchema } from '../redfish/models/index.ts';
import type { ServerHandle } from './each-server.ts';

/** What an operator asks of the host's power (ipmitool/bmclib words). */
export const HOST_POWER_ACTIONS = ['on', 'off', 'graceful-off', 'cycle', 'status'] as const;
export type HostPowerAction = (typeof HOST_POWER_ACTIONS)[number];

/** The reset to send for an action, or why nothing needs sending. */
export type PowerStep = { resetType: string } | { nothing: string };

/**
 * Picks the ResetType for an action given the offered types (undefined: not announced, DMTF's
 * names assumed) and the power state now. Pure. Throws UnsupportedError when none fits.
 */
export function powerStep(
  action: Exclude<HostPowerAction, 'status'>,
  types: string[] | undefined,
  power: string | undefined,
): PowerStep {
  const offered = (t: string) => !types || types.includes(t);
  const first = (...ts: string[]) => ts.find(offered);
  const off = power === 'Off';
  const on = power === 'On';
  let type: string | undefined;
  switch (action) {
    case 'on':
      if (on) return { nothing: 'already On' };
      type = first('On', 'ForceOn', 'PushPowerButton');
      break;
    case 'off':
      if (off) return { nothing: 'already Off' };
      type = first('ForceOff');
      break;
    case 'graceful-off':
      if (off) return { nothing: 'already Off' };
      // A short press of the power button asks the OS to shut down (ACPI), like GracefulShutdown.
      type = first('GracefulShutdown', 'PushPowerButton');
      break;
    case 'cycle':
      // bmclib's redfish provider powers on a host that is off rather than cycling it.
      type = off ? first('On', 'ForceOn') : first('PowerCycle', 'ForceRestart');
      break;
  }
  if (type === undefined) {
    throw new UnsupportedError(`no ResetType for "${action}" among ${types?.join(', ') || '(none)'}`);
  }
  return { resetType: type };
}

export interface HostPowerOptions {
  /** How long the host may take to reach the state the action leads to. */
  timeoutMs: number;
  pollMs: number;
  /** graceful-off only: ForceOff once the OS ignored the shutdown for timeoutMs. */
  force?: boolean;
  onStep?: (step: string) => void;
}

export interface HostPowerResult {
  action: HostPowerAction;
  before?: string;
  after?: string;
  /** The ResetType(s) sent, in order. */
  sent: string[];
  note?: string;
}

interface PowerReading {
  uri: string;
  power?: string;
  lastReset?: string;
}

function reading(s: ComputerSystem): PowerReading {
  return {
    uri: s['@odata.id'],
    ...(s.PowerState ? { power: s.PowerState } : {}),
    ...(s.LastResetTime ? { lastReset: s.LastResetTime } : {}),
  };
}

/** The first system's power; with its URI known, one try per read (a retry would hide a change). */
async function powerState(client: RedfishClient, systemUri?: string): Promise<PowerReading> {
  if (systemUri !== undefined)
    return reading(await client.get(systemUri, ComputerSystemSchema, { attempts: 1 }));
  const root = await client.root();
  const systems = root.Systems
    ? await readMembers(client, root.Systems['@odata.id'], ComputerSystemSchema)
    : [];
  if (!systems[0]) throw new UnsupportedError(`${client.name}: no ComputerSystem`);
  return reading(systems[0]);
}

/** Runs one power action on one server. */
export async function hostPower(
  h: ServerHandle,
  action: HostPowerAction,
  opts: HostPowerOptions,
): Promise<HostPowerResult> {
  const { client, clock } = h.ctx;
  if (action === 'status') {
    const s = await powerState(client);
    return { action, ...(s.power ? { before: s.power, after: s.power } : {}), sent: [] };
  }
  await assertNotWriting(h.server.name, h.ctx, h.driver);
  const reset = await findReset(client);
  const start = await powerState(client, reset.systemUri);
  const result: HostPowerResult = { action, ...(start.power ? { before: start.power } : {}), sent: [] };
  const step = powerStep(action, reset.types, start.power);
  if ('nothing' in step) {
    result.note = step.nothing;
    if (start.power) result.after = start.power;
    return result;
  }
  const send = async (type: string) => {
    opts.onStep?.(`ComputerSystem.Reset ${type}`);
    await client.post(reset.target, { ResetType: type });
    result.sent.push(type);
  };
  let last = start;
  const reaches = (want: string, left?: { seen: boolean }) => async () => {
    last = await powerState(client, reset.systemUri);
    if (left && (last.power !== 'On' || (last.lastReset !== undefined && last.lastReset !== start.lastReset)))
      left.seen = true;
    return last.power === want && (!left || left.seen);
  };
  const secs = Math.round(opts.timeoutMs / 1000);
  await send(step.resetType);
  if (action === 'cycle' && start.power !== 'Off') {
    // Seen leaving On (or LastResetTime moved), then On again. A quick cycle between two polls
    // shows neither on a BMC without LastResetTime: then the accepted reset is all there is to say.
    const left = { seen: false };
    const back = await waitFor(reaches('On', left), clock, opts.timeoutMs, opts.pollMs);
    if (!back && left.seen)
      throw timeout(
        `${client.name}: host not back On within ${secs} s of ${step.resetType} (${last.power ?? '?'})`,
      );
    if (!left.seen)
      result.note = `the BMC accepted ${step.resetType}; the host was never seen off (a quick cycle between polls)`;
  } else {
    const want = action === 'on' || action === 'cycle' ? 'On' : 'Off';
    if (!(await waitFor(reaches(want), clock, opts.timeoutMs, opts.pollMs))) {
      if (action !== 'graceful-off' || !opts.force) {
        const hint =
          action === 'graceful-off' ? ' (the OS may ignore it: `off`, or --force, powers it off)' : '';
        throw timeout(`${client.name}: host not ${want} within ${secs} s of ${step.resetType}${hint}`);
      }
      opts.onStep?.(`the OS ignored ${step.resetType} for ${secs} s: forcing`);
      const forced = powerStep('off', reset.types, last.power);
      if ('resetType' in forced) {
        await send(forced.resetType);
        if (!(await waitFor(reaches('Off'), clock, opts.timeoutMs, opts.pollMs)))
          throw timeout(`${client.name}: host not Off within ${secs} s of ${forced.resetType}`);
      }
    }
  }
  if (last.power) result.after = last.power;
  return result;
}

function timeout(message: string): FirmwardenError {
  return new FirmwardenError('FW_ERR_POWER_TIMEOUT', message);
}

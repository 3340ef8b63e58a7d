/**
 * Resets the host so staged (OnReset) images activate: ComputerSystem.Reset with a graceful
 * restart first; if the host has not come back with the images active within the grace time,
 * a forced restart — only when policy allows it (it can corrupt a running OS's data).
 */
import type { Clock } from '../deps.ts';
import { UnsupportedError } from '../errors.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { ActionInfoSchema, ComputerSystemSchema, ManagerSchema } from '../redfish/models/index.ts';

export interface ResetTarget {
  systemUri: string;
  target: string;
  /** Allowed ResetType values; undefined when not announced. */
  types?: string[];
}

/** Finds the ComputerSystem.Reset action and its allowed ResetType values. */
export async function findReset(client: RedfishClient): Promise<ResetTarget> {
  const root = await client.root();
  const systems = root.Systems
    ? await readMembers(client, root.Systems['@odata.id'], ComputerSystemSchema)
    : [];
  const system = systems[0];
  const action = system?.Actions?.['#ComputerSystem.Reset'] as Record<string, unknown> | undefined;
  if (!system || typeof action?.['target'] !== 'string') {
    throw new UnsupportedError(`${client.name}: no ComputerSystem.Reset action`);
  }
  let types = action['ResetType@Redfish.AllowableValues'] as string[] | undefined;
  const info = action['@Redfish.ActionInfo'];
  if (!types && typeof info === 'string') {
    types = (await client.get(info, ActionInfoSchema)).Parameters.find(
      (p) => p.Name === 'ResetType',
    )?.AllowableValues;
  }
  return { systemUri: system['@odata.id'], target: action['target'], ...(types ? { types } : {}) };
}

export interface ResetOptions {
  /** How long a graceful restart may take before it counts as ignored. */
  graceMs: number;
  /** Whether a forced restart may follow an ignored graceful one. */
  allowForce: boolean;
  pollMs: number;
  /** True once the host is back with what the reset was for (e.g. staged images active). */
  done: () => Promise<boolean>;
  /** Each reset posted; `wait` is the wait for the host that follows it. */
  onStep?: (step: string, wait?: { since: number; timeoutMs: number; what: string }) => void;
}

/**
 * Restarts the host and waits until `done()`. Graceful first: GracefulRestart, or where a BMC
 * has none (iDRAC 9 offers GracefulShutdown and On, not GracefulRestart) a GracefulShutdown,
 * wait for Off, then On. If the OS ignores it within the grace time, a forced restart follows —
 * only when policy allows it.
 */
export async function resetHost(
  client: RedfishClient,
  clock: Clock,
  opts: ResetOptions,
): Promise<'graceful' | 'forced'> {
  const target = await findReset(client);
  const offered = (t: string) => !target.types || target.types.includes(t);
  const post = (type: string) => {
    // Every reset is followed by a wait of up to graceMs for the host.
    opts.onStep?.(`ComputerSystem.Reset ${type}`, {
      since: clock.now(),
      timeoutMs: opts.graceMs,
      what: 'the host',
    });
    return client.post(target.target, { ResetType: type });
  };
  // A host already off (an earlier session shut it down and stopped there) only needs On.
  if (offered('On') && (await powerIs(client, target, 'Off').catch(() => false))) {
    await post('On');
    if (await waitFor(opts.done, clock, opts.graceMs, opts.pollMs)) return 'graceful';
  }
  const graceful = offered('GracefulRestart')
    ? 'GracefulRestart'
    : offered('GracefulShutdown') && offered('On')
      ? 'GracefulShutdown'
      : undefined;
  if (graceful === 'GracefulRestart') {
    await post('GracefulRestart');
    if (await waitFor(opts.done, clock, opts.graceMs, opts.pollMs)) return 'graceful';
  } else if (graceful === 'GracefulShutdown') {
    await post('GracefulShutdown');
    if (await waitFor(() => powerIs(client, target, 'Off'), clock, opts.graceMs, opts.pollMs)) {
      await post('On');
      if (await waitFor(opts.done, clock, opts.graceMs, opts.pollMs)) return 'graceful';
    }
  }
  const forced = offered('ForceRestart') ? 'ForceRestart' : offered('PowerCycle') ? 'PowerCycle' : undefined;
  const why = graceful
    ? `host did not restart within ${Math.round(opts.graceMs / 1000)} s of ${graceful}`
    : `no graceful restart among ResetType ${target.types?.join(', ')}`;
  if (!opts.allowForce)
    throw new UnsupportedError(`${client.name}: ${why}; forced restart not allowed by policy`);
  if (!forced) throw new UnsupportedError(`${client.name}: ${why}; no ForceRestart or PowerCycle offered`);
  opts.onStep?.(`${why}: forcing`);
  // A host left Off by an ignored-then-completed shutdown needs On, not a restart.
  if (await powerIs(client, target, 'Off').catch(() => false)) await post('On');
  else await post(forced);
  if (await waitFor(opts.done, clock, opts.graceMs, opts.pollMs)) return 'forced';
  throw new UnsupportedError(
    `${client.name}: host did not come back within ${Math.round(opts.graceMs / 1000)} s of ${forced}`,
  );
}

async function powerIs(client: RedfishClient, target: ResetTarget, state: string): Promise<boolean> {
  return (await client.get(target.systemUri, ComputerSystemSchema)).PowerState === state;
}

/** Polls `check` until true or the time is up; connection errors while the host resets are expected. */
export async function waitFor(
  check: () => Promise<boolean>,
  clock: Clock,
  timeoutMs: number,
  pollMs: number,
): Promise<boolean> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      // The BMC may be busy or resetting: try again until the deadline.
    }
    if (clock.now() >= deadline) return false;
    await clock.sleep(pollMs);
  }
}

/**
 * Restarts the BMC (Manager.Reset): to activate a staged BMC image (bmcweb's multipart default
 * is OnReset), or because the operator asked (`firmwarden bmc reset`). GracefulRestart where the
 * Manager offers it (inline AllowableValues or its ActionInfo), else ForceRestart. The host keeps
 * running; only management traffic pauses. Returns the ResetType sent.
 */
export async function resetManager(
  client: RedfishClient,
  onStep?: (step: string) => void,
  purpose = 'to activate the BMC image',
): Promise<string> {
  const root = await client.root();
  const managers = root.Managers ? await readMembers(client, root.Managers['@odata.id'], ManagerSchema) : [];
  const manager = managers.find((m) => m.ManagerType === 'BMC') ?? managers[0];
  const action = (manager?.['Actions'] as Record<string, Record<string, unknown>> | undefined)?.[
    '#Manager.Reset'
  ];
  if (!manager || typeof action?.['target'] !== 'string')
    throw new UnsupportedError(`${client.name}: no Manager.Reset action`);
  let types = action['ResetType@Redfish.AllowableValues'] as string[] | undefined;
  const info = action['@Redfish.ActionInfo'];
  if (!types && typeof info === 'string') {
    types = (await client.get(info, ActionInfoSchema)).Parameters.find(
      (p) => p.Name === 'ResetType',
    )?.AllowableValues;
  }
  const type =
    !types || types.includes('GracefulRestart')
      ? 'GracefulRestart'
      : types.includes('ForceRestart')
        ? 'ForceRestart'
        : types[0];
  if (type === undefined) throw new UnsupportedError(`${client.name}: Manager.Reset offers no ResetType`);
  onStep?.(`Manager.Reset ${type} ${purpose}`);
  await client.post(action['target'], { ResetType: type });
  // The BMC that answers next may run other firmware: read its service root (and detect) again.
  client.forgetService();
  return type;
}

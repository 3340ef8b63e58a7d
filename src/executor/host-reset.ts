/**
 * Resets the host so staged (OnReset) images activate: ComputerSystem.Reset with a graceful
 * restart first; if the host has not come back with the images active within the grace time,
 * a forced restart — only when policy allows it (it can corrupt a running OS's data).
 */
import type { Clock } from '../deps.ts';
import { UnsupportedError } from '../errors.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { ActionInfoSchema, ComputerSystemSchema } from '../redfish/models/index.ts';

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

/** The first allowed ResetType of a preference list (undefined allowed list: take the first). */
export function pickResetType(target: ResetTarget, preference: string[]): string | undefined {
  return target.types ? preference.find((t) => target.types?.includes(t)) : preference[0];
}

export interface ResetOptions {
  /** How long a graceful restart may take before it counts as ignored. */
  graceMs: number;
  /** Whether a forced restart may follow an ignored graceful one. */
  allowForce: boolean;
  pollMs: number;
  /** True once the host is back with what the reset was for (e.g. staged images active). */
  done: () => Promise<boolean>;
  onStep?: (step: string) => void;
}

/** Restarts the host and waits until `done()`; graceful first, forced only if allowed. */
export async function resetHost(
  client: RedfishClient,
  clock: Clock,
  opts: ResetOptions,
): Promise<'graceful' | 'forced'> {
  const target = await findReset(client);
  const graceful = pickResetType(target, ['GracefulRestart', 'PowerCycle', 'ForceRestart']);
  if (!graceful)
    throw new UnsupportedError(`${client.name}: no restart among ResetType ${target.types?.join(', ')}`);
  const forcedOnly = graceful === 'ForceRestart';
  if (forcedOnly && !opts.allowForce) {
    throw new UnsupportedError(
      `${client.name}: only ForceRestart is offered and forced resets are not allowed by policy`,
    );
  }
  opts.onStep?.(`ComputerSystem.Reset ${graceful}`);
  await client.post(target.target, { ResetType: graceful });
  if (await waitFor(opts.done, clock, opts.graceMs, opts.pollMs)) return forcedOnly ? 'forced' : 'graceful';
  const force = pickResetType(target, ['ForceRestart', 'PowerCycle']);
  if (!opts.allowForce || !force || forcedOnly) {
    throw new UnsupportedError(
      `${client.name}: host did not restart within ${Math.round(opts.graceMs / 1000)} s of ${graceful}` +
        (opts.allowForce ? '' : '; forced restart not allowed by policy'),
    );
  }
  opts.onStep?.(`graceful restart ignored; ComputerSystem.Reset ${force}`);
  await client.post(target.target, { ResetType: force });
  if (await waitFor(opts.done, clock, opts.graceMs, opts.pollMs)) return 'forced';
  throw new UnsupportedError(
    `${client.name}: host did not come back within ${Math.round(opts.graceMs / 1000)} s of ${force}`,
  );
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

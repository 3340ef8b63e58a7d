/**
 * Drives the reset a driver says staged images need instead of a host restart (activationReset:
 * iDRAC's virtual A/C power cycle for CPLD images). Same consent as a host reset (the caller asks
 * only when resets are allowed), and the same rule: never while the BMC is still writing. The host
 * goes off first (graceful, forced only where policy allows: iDRAC refuses the cycle with the host
 * on), then the driver performs the reset, then the host is waited for until `done()`.
 */
import type { Clock } from '../deps.ts';
import { UnsupportedError } from '../errors.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { ComputerSystemSchema } from '../redfish/models/index.ts';
import type { ActivationReset, VendorDriver } from '../vendors/types.ts';
import { assertNotWriting } from './bmc-busy.ts';
import { findReset, type ResetOptions, waitFor } from './host-reset.ts';

/** Powers the host off, performs the driver's reset, waits for `done()`. Returns how the host went off. */
export async function activationResetHost(
  client: RedfishClient,
  clock: Clock,
  driver: VendorDriver,
  reset: ActivationReset,
  opts: ResetOptions,
): Promise<'graceful' | 'forced'> {
  await assertNotWriting(client.name, { client, clock }, driver);
  const target = await findReset(client);
  const offered = (t: string) => !target.types || target.types.includes(t);
  const isOff = async () => (await client.get(target.systemUri, ComputerSystemSchema)).PowerState === 'Off';
  const post = (type: string) => {
    opts.onStep?.(`ComputerSystem.Reset ${type} before the ${reset.name}`, {
      since: clock.now(),
      timeoutMs: opts.graceMs,
      what: 'the host to power off',
    });
    return client.post(target.target, { ResetType: type });
  };
  let how: 'graceful' | 'forced' = 'graceful';
  if (!(await isOff())) {
    const graceful = offered('GracefulShutdown');
    if (graceful) await post('GracefulShutdown');
    if (!graceful || !(await waitFor(isOff, clock, opts.graceMs, opts.pollMs))) {
      const why = graceful
        ? `host did not power off within ${Math.round(opts.graceMs / 1000)} s of GracefulShutdown`
        : `no GracefulShutdown among ResetType ${target.types?.join(', ')}`;
      if (!opts.allowForce)
        throw new UnsupportedError(`${client.name}: ${why}; forced power-off not allowed by policy`);
      if (!offered('ForceOff')) throw new UnsupportedError(`${client.name}: ${why}; no ForceOff offered`);
      opts.onStep?.(`${why}: forcing`);
      await post('ForceOff');
      how = 'forced';
      if (!(await waitFor(isOff, clock, opts.graceMs, opts.pollMs)))
        throw new UnsupportedError(
          `${client.name}: host still on ${Math.round(opts.graceMs / 1000)} s after ForceOff`,
        );
    }
  }
  // The host is off: nothing the BMC does now can cut a running OS short. Check the BMC once more,
  // since a power-off can start scheduled work on some BMCs.
  await assertNotWriting(client.name, { client, clock }, driver);
  opts.onStep?.(reset.name, { since: clock.now(), timeoutMs: opts.graceMs, what: 'the host' });
  await reset.perform({ client, clock });
  if (await waitFor(opts.done, clock, opts.graceMs, opts.pollMs)) return how;
  throw new UnsupportedError(
    `${client.name}: host did not come back within ${Math.round(opts.graceMs / 1000)} s of the ${reset.name}`,
  );
}

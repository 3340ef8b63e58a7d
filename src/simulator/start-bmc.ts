/** Starts one simulated BMC (with its own CA when TLS is on): the convenience for single tests. */
import { randomBytes } from 'node:crypto';
import { SIM_DEFAULTS } from './defaults.ts';
import { SimulatedBmc } from './simulated-bmc.ts';
import { createTlsMaterial } from './tls.ts';
import type { SimBmc, SimBmcOptions } from './types.ts';

/** A random password of 16 URL-safe characters. */
export function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Starts a simulated BMC of one vendor on a loopback port. */
export async function startSimulatedBmc(opts: SimBmcOptions): Promise<SimBmc> {
  const host = opts.host ?? SIM_DEFAULTS.host;
  const bmc = new SimulatedBmc({
    vendor: opts.vendor,
    name: opts.name ?? `sim-${opts.vendor}`,
    username: opts.username ?? SIM_DEFAULTS.username,
    password: opts.password ?? randomPassword(),
    seed: opts.seed ?? SIM_DEFAULTS.seed,
    index: opts.index ?? 0,
    latencyMs: opts.latencyMs ?? SIM_DEFAULTS.latencyMs,
    ...(opts.timing === undefined ? {} : { timing: opts.timing }),
    ...(opts.imageFetch === undefined ? {} : { imageFetch: opts.imageFetch }),
    ...(opts.generation === undefined ? {} : { generation: opts.generation }),
  });
  const tls = !(opts.tls ?? SIM_DEFAULTS.tls) ? undefined : await createTlsMaterial(host);
  try {
    await bmc.listen({ host, port: opts.port ?? SIM_DEFAULTS.basePort, ...(tls ? { tls } : {}) });
  } catch (err) {
    await bmc.close();
    throw err;
  }
  return bmc;
}

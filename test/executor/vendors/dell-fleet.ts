/** One simulated iDRAC with a catalog that upgrades it, planned and ready for updateServer. */
import type { SimFleetOptions } from '../../../src/simulator/index.ts';
import type { ComponentKind } from '../../../src/vocab.ts';
import { updatableFleet } from '../helpers.ts';

/** `components` undefined: every updateable component gets a catalog entry. */
export async function oneIdrac(components: ComponentKind[] | undefined, sim: Partial<SimFleetOptions> = {}) {
  const f = await updatableFleet(['dell'], { ...(components ? { components } : {}), sim });
  const server = f.servers[0] as (typeof f.servers)[number];
  const bmc = f.fleet.bmcs[0] as (typeof f.fleet.bmcs)[number];
  const plan = async () =>
    (await f.replan()).servers[0] as NonNullable<Awaited<ReturnType<typeof f.replan>>['servers'][number]>;
  return { ...f, server, bmc, plan };
}

/** Upgrades a plan still holds. */
export const upgrades = (p: { decisions: Array<{ decision: string }> }) =>
  p.decisions.filter((d) => d.decision === 'upgrade').length;

/** Host resets the simulated server went through. */
export const hostResets = (bmc: { availability: { intervals: readonly { reasons: string[] }[] } }) =>
  bmc.availability.intervals.filter((i) => i.reasons.includes('host-reset')).length;

/**
 * Update and power fault switches: defaults, the admin endpoint's patch schema, and the flags one
 * update runs with (the persistent switches plus the one-shot `nextUpdateOnly`, which is used up).
 */
import { z } from 'zod';
import type { SimUpdateFaultFlags, SimUpdateFaults } from '../types.ts';

const FLAG_NAMES = [
  'transferFailed',
  'verificationFailed',
  'applyFailed',
  'activateFailed',
  'taskStuck',
  'taskDeletedEarly',
  'silentNoChange',
  'bmcRebootMidUpdate',
] as const satisfies ReadonlyArray<keyof SimUpdateFaultFlags>;

/** Every switch off. */
export function defaultUpdateFaults(): SimUpdateFaults {
  return {
    transferFailed: false,
    verificationFailed: false,
    applyFailed: false,
    activateFailed: false,
    taskStuck: false,
    taskDeletedEarly: false,
    silentNoChange: false,
    bmcRebootMidUpdate: false,
    gracefulIgnored: false,
  };
}

const flagShape = Object.fromEntries(FLAG_NAMES.map((n) => [n, z.boolean().optional()])) as Record<
  (typeof FLAG_NAMES)[number],
  z.ZodOptional<z.ZodBoolean>
>;

/** A partial SimUpdateFaults as the admin endpoint accepts it (JSON); nextUpdateOnly null disarms. */
export const SimUpdateFaultsPatchSchema = z
  .object({
    ...flagShape,
    gracefulIgnored: z.boolean().optional(),
    nextUpdateOnly: z.object(flagShape).strict().nullable().optional(),
  })
  .strict();
export type SimUpdateFaultsPatch = z.infer<typeof SimUpdateFaultsPatchSchema>;

/** Applies a partial update in place. */
export function applyUpdateFaults(
  target: SimUpdateFaults,
  patch: SimUpdateFaultsPatch | Partial<SimUpdateFaults>,
): void {
  const { nextUpdateOnly, ...rest } = patch;
  for (const [k, v] of Object.entries(rest))
    if (v !== undefined) (target as unknown as Record<string, unknown>)[k] = v;
  if (nextUpdateOnly === null) delete target.nextUpdateOnly;
  else if (nextUpdateOnly !== undefined) target.nextUpdateOnly = { ...nextUpdateOnly };
}

/** The flags the next update runs with; disarms the one-shot set. */
export function takeUpdateFlags(faults: SimUpdateFaults): SimUpdateFaultFlags {
  const once = faults.nextUpdateOnly ?? {};
  delete faults.nextUpdateOnly;
  const flags = {} as SimUpdateFaultFlags;
  for (const n of FLAG_NAMES) flags[n] = faults[n] || once[n] === true;
  return flags;
}

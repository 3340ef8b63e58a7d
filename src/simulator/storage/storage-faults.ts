/**
 * Storage fault switches and corruption requests: defaults, and the schemas the admin endpoint
 * validates its JSON with.
 */
import { z } from 'zod';
import type { SimCorruptionKind, SimStorageFaults } from '../types.ts';

export const SIM_CORRUPTION_KINDS = [
  'health-critical',
  'offline',
  'image-digest',
  'version-garbled',
  'version-empty',
  'measurement',
] as const satisfies readonly SimCorruptionKind[];

/** Every switch off: the profile's own volume behaviour. */
export function defaultStorageFaults(): SimStorageFaults {
  return { noFreeCapacity: false, sliceCopyCorrupted: false };
}

/** A partial SimStorageFaults as JSON; volumeCreate null returns to the profile's behaviour. */
export const SimStorageFaultsPatchSchema = z
  .object({
    noFreeCapacity: z.boolean().optional(),
    sliceCopyCorrupted: z.boolean().optional(),
    volumeCreate: z.enum(['created', 'task', 'deferred', 'unsupported']).nullable().optional(),
  })
  .strict();
export type SimStorageFaultsPatch = z.infer<typeof SimStorageFaultsPatchSchema>;

/** A corruption request as JSON: `{"component": "bios", "kind": "image-digest"}`. */
export const SimCorruptionRequestSchema = z
  .object({ component: z.string().min(1), kind: z.enum(SIM_CORRUPTION_KINDS) })
  .strict();

/** Applies a partial update in place (volumeCreate null or undefined-by-key clears the override). */
export function applyStorageFaults(
  target: SimStorageFaults,
  patch: SimStorageFaultsPatch | Partial<SimStorageFaults>,
): void {
  const { volumeCreate, ...rest } = patch;
  for (const [k, v] of Object.entries(rest)) {
    if (v !== undefined) (target as unknown as Record<string, unknown>)[k] = v;
  }
  if (volumeCreate === null || ('volumeCreate' in patch && volumeCreate === undefined)) {
    delete target.volumeCreate;
  } else if (volumeCreate !== undefined) target.volumeCreate = volumeCreate;
}

/**
 * The plan policy: which components may be touched, how urgent an update must be, which versions
 * are pinned for which servers, whether downgrades are allowed. zod is the source of truth;
 * schemas/policy.schema.json is generated from {@link PolicyFileSchema}
 * (scripts/gen-policy-schema.ts). Parsing a file lives in policy-file.ts.
 */
import { z } from 'zod';
import { type Criticality, CriticalitySchema } from '../catalog/model.ts';
import { ComponentKindSchema, VendorSchema } from '../vocab.ts';

/** How a pin bounds the target version. */
export const PinMode = {
  /** Upgrade exactly to the pinned version; never to anything newer. */
  exact: 'exact',
  /** Upgrade to the highest catalog version that is not newer than the pinned one. */
  atMost: 'at-most',
} as const;
export type PinMode = (typeof PinMode)[keyof typeof PinMode];
export const PinModeSchema = z.enum(Object.values(PinMode) as [PinMode, ...PinMode[]]);

/** A label selector: every key must be present with this value (or one of these values). */
export const LabelSelectorSchema = z
  .record(z.string().min(1), z.union([z.string(), z.array(z.string()).min(1)]))
  .describe('server labels (fleet file); every key must equal the value or be one of the listed values');
export type LabelSelector = z.output<typeof LabelSelectorSchema>;

/** Holds one component kind at one version on the servers the selector picks. */
export const PinSchema = z
  .object({
    match: LabelSelectorSchema.optional().describe('absent or {}: every server'),
    vendor: VendorSchema.optional().describe('only servers of this vendor'),
    kind: ComponentKindSchema,
    version: z.string().min(1).describe('the version the component is held at'),
    mode: PinModeSchema.optional().describe(
      'exact (default): exactly this version; at-most: never beyond it',
    ),
    note: z.string().optional().describe('why, for the plan output (change ticket, known bug)'),
  })
  .strict();
export type Pin = z.output<typeof PinSchema>;

const PolicyShape = {
  kinds: z
    .object({
      allow: z
        .array(ComponentKindSchema)
        .min(1)
        .optional()
        .describe('only these component kinds are updated'),
      deny: z.array(ComponentKindSchema).optional().describe('these component kinds are never updated'),
    })
    .strict()
    .optional(),
  minimumCriticality: CriticalitySchema.optional().describe(
    'updates below this criticality are left out (optional < recommended < urgent)',
  ),
  allowDowngrade: z
    .boolean()
    .optional()
    .describe('flash an older catalog (or pinned) version over a newer installed one (default false)'),
  pins: z.array(PinSchema).optional(),
};

/** Rules a file cannot express and zod's shape does not catch. */
function refinePolicy(
  policy: { kinds?: { allow?: string[] | undefined; deny?: string[] | undefined } | undefined },
  ctx: z.RefinementCtx,
): void {
  const allow = new Set(policy.kinds?.allow ?? []);
  policy.kinds?.deny?.forEach((kind, i) => {
    if (allow.has(kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['kinds', 'deny', i],
        message: `kind "${kind}" is both allowed and denied`,
      });
    }
  });
}

/** A policy as the planner takes it (every field optional; no policy = plan everything). */
export const PlanPolicySchema = z
  .object({
    ...PolicyShape,
    // Not in policy files: a one-off choice of the command line (`update --entry ID`).
    entries: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('only these catalog entry ids are applied; other components are left alone'),
  })
  .strict()
  .superRefine(refinePolicy);
export type PlanPolicy = z.input<typeof PlanPolicySchema>;

/** A policy file (YAML or JSON). */
export const PolicyFileSchema = z
  .object({
    version: z.literal(1, { error: 'unsupported policy version: expected 1' }),
    ...PolicyShape,
  })
  .strict()
  .superRefine(refinePolicy);
export type PolicyFile = z.input<typeof PolicyFileSchema>;

/** Criticality as a rank (optional < recommended < urgent). */
export const CRITICALITY_RANK: Record<Criticality, number> = { optional: 0, recommended: 1, urgent: 2 };

/**
 * DashboardData as a zod schema: the response schema of `GET /api/v1/dashboard` for the API's
 * OpenAPI document, and a check (in the tests) that buildDashboardData emits exactly the shape
 * dashboard-data.ts declares — strict objects, so a field added on one side only fails.
 */
import { z } from 'zod';
import { ComponentKindSchema, VendorSchema } from '../vocab.ts';
import { CELL_STATES, type CellState } from './dashboard-data.ts';

const Index = z.number().int().min(-1);

const Progress = {
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  updating: z.number().int(),
  pending: z.number().int(),
};

export const DashboardServerSchema = z.strictObject({
  n: z.string(),
  g: z.string(),
  v: VendorSchema.optional(),
  m: z.string().optional(),
  s: z.string().regex(new RegExp(`^[0-${CELL_STATES.length - 1}]*$`)),
  i: z.array(Index),
  t: z.array(Index),
  r: z.string().optional(),
  x: z.record(z.string(), z.string()).optional(),
});

export const DashboardRolloutSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  note: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  progress: z.strictObject(Progress),
  waves: z.array(z.strictObject({ wave: z.number().int(), ...Progress })),
  currentWave: z.number().int().optional(),
  failed: z.array(z.strictObject({ server: z.string(), detail: z.string().optional() })),
  acting: z.array(
    z.strictObject({
      kind: z.string(),
      line: z.string(),
      vendor: z.string().optional(),
      label: z.string().optional(),
      lowest: z.string().optional(),
      target: z.string().optional(),
      converged: z.boolean(),
    }),
  ),
});

export const DashboardDataSchema = z.strictObject({
  schema: z.literal(1),
  generatedAt: z.string(),
  scannedAt: z.string().optional(),
  groupBy: z.array(z.string()),
  kinds: z.array(ComponentKindSchema),
  states: z.array(z.enum(CELL_STATES as [CellState, ...CellState[]])),
  strings: z.array(z.string()),
  servers: z.array(DashboardServerSchema),
  summary: z.array(
    z.strictObject({
      kind: ComponentKindSchema,
      servers: z.array(z.number().int()).length(CELL_STATES.length),
      components: z.strictObject({
        compliant: z.number().int(),
        outdated: z.number().int(),
        unknown: z.number().int(),
      }),
    }),
  ),
  acting: z.array(
    z.strictObject({
      kind: ComponentKindSchema,
      vendor: VendorSchema,
      label: z.string(),
      key: z.string(),
      servers: z.number().int(),
      lowest: z.string().optional(),
      highest: z.string().optional(),
      targets: z.array(z.string()),
      converged: z.boolean(),
      incomparable: z.string().optional(),
    }),
  ),
  rollouts: z.array(DashboardRolloutSchema),
  catalog: z
    .strictObject({
      file: z.string(),
      format: z.string(),
      name: z.string().optional(),
      dateTime: z.string().optional(),
      entries: z.number().int(),
    })
    .nullable(),
  problems: z.array(z.strictObject({ code: z.string(), message: z.string() })),
  totals: z.strictObject({
    servers: z.number().int(),
    unreadable: z.number().int(),
    notScanned: z.number().int(),
    corruptCells: z.number().int(),
    outdatedCells: z.number().int(),
  }),
});

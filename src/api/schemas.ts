/**
 * The API's zod schemas: request bodies, query strings and path parameters (validated at run
 * time by exactly these objects) and the response shapes (documentation in /openapi.json).
 * Response schemas are loose where the core's own types carry more fields than a client needs.
 */
import { z } from 'zod';
import { JobNameSchema } from '../daemon/job-names.ts';
import { RolloutSpecSchema } from '../rollout/spec.ts';
import { ComponentKindSchema } from '../vocab.ts';

const Name = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'letters, digits, _ . : @ - (at most 128)');

// ---- inputs ---------------------------------------------------------------------------------

export const RolloutIdParams = z.object({ id: Name.describe('rollout id') }).strict();
export const OperationIdParams = z.object({ id: Name.describe('operation id') }).strict();

/** ?server=a&server=b (repeatable) or ?server=a,b */
const ServerFilter = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .optional()
  .describe('only these servers (repeat the parameter, or separate with commas)');

export const ServerQuery = z.object({ server: ServerFilter }).strict();

export const ExportQuery = z
  .object({
    format: z.enum(['csv', 'json']).default('csv').describe('csv (RFC 4180, header row) or json'),
    server: ServerFilter,
  })
  .strict();

export const JournalQuery = z
  .object({
    rollout: Name.optional().describe('entries of this rollout'),
    server: Name.optional().describe('entries about this server'),
    after: z.coerce.number().int().nonnegative().default(0).describe('entries with seq greater than this'),
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('at most this many (1..1000)'),
  })
  .strict();

export const JobsQuery = z
  .object({
    job: JobNameSchema.optional().describe('runs of this job only'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

export const CreateRolloutBody = z
  .object({
    spec: RolloutSpecSchema.optional().describe(
      'a rollout spec (as rollout.yaml, in JSON); fleet, catalog, policy and store paths are relative to the config folder',
    ),
    specFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'or: a spec file on the server, relative to the config folder (e.g. the configured rollout.spec)',
      ),
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,80}$/, 'letters, digits, _ . - (at most 80)')
      .optional()
      .describe('rollout id (default <name>-<random>)'),
    start: z.boolean().default(true).describe('drive it now in this server (default); false: only create it'),
  })
  .strict()
  .refine((b) => (b.spec === undefined) !== (b.specFile === undefined), {
    message: 'give exactly one of spec, specFile',
    path: ['spec'],
  });

export const ResumeRolloutBody = z
  .object({
    retryFailed: z.boolean().default(false).describe('put failed servers back to pending first'),
  })
  .strict();

export const NoteBody = z
  .object({
    note: z.string().max(500).optional().describe('why (recorded with the status and in the journal)'),
  })
  .strict();

export const InventoryRefreshBody = z.object({}).strict();

export const BackupCheckBody = z
  .object({
    servers: z.array(Name).min(1).optional().describe('only these servers (default: the whole fleet)'),
    autoRestore: z
      .boolean()
      .optional()
      .describe(
        'restore corrupted images from their verified copy (default: backup.autoRestore of the config)',
      ),
  })
  .strict();

// ---- outputs --------------------------------------------------------------------------------

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string().describe('stable code: FW_API_* or the core FW_ERR_* code'),
    message: z.string(),
    field: z.string().optional().describe('where the input was wrong: body.waves.batch, query.limit'),
  }),
});

export const FleetResponse = z.object({
  fleet: z.string().describe('the fleet file'),
  servers: z.array(
    z.object({
      name: z.string(),
      bmc: z.string(),
      vendor: z.string().optional(),
      labels: z.record(z.string(), z.string()),
    }),
  ),
});

const Component = z.looseObject({
  id: z.string(),
  name: z.string(),
  kind: ComponentKindSchema,
  version: z.string(),
  slot: z.string(),
});

export const InventoryResponse = z.object({
  inventoryScannedAt: z.string().describe('newest snapshot time'),
  servers: z.array(
    z.looseObject({
      server: z.string(),
      bmc: z.string(),
      vendor: z.string(),
      scannedAt: z.string(),
      components: z.array(Component),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
  notScanned: z.array(z.string()).describe('fleet servers without any snapshot yet'),
});

const Counts = z.object({ compliant: z.number(), outdated: z.number(), unknown: z.number() });

const Line = z.looseObject({
  key: z.string(),
  vendor: z.string(),
  kind: ComponentKindSchema,
  label: z.string(),
  servers: z.number(),
  lowest: z.string().optional().describe('the acting version'),
  highest: z.string().optional(),
  targets: z.array(z.string()),
  converged: z.boolean(),
  incomparable: z
    .object({ versions: z.array(z.string()), pair: z.array(z.string()), reason: z.string() })
    .optional(),
});

const CatalogInfo = z.looseObject({ file: z.string(), format: z.string(), entries: z.number() });

export const ComplianceResponse = z.object({
  inventoryScannedAt: z.string(),
  catalog: CatalogInfo,
  totals: Counts,
  unreadableServers: z.number(),
  byKind: z.record(z.string(), Counts.extend({ lines: z.array(Line) })),
  notScanned: z.array(z.string()),
});

export const PlanResponse = z.looseObject({
  inventoryScannedAt: z.string(),
  catalog: CatalogInfo,
  servers: z.array(
    z.looseObject({ server: z.string(), readable: z.boolean(), decisions: z.array(z.unknown()) }),
  ),
  totals: z.record(z.string(), z.number()),
  notScanned: z.array(z.string()),
});

export const ExportRow = z.object({
  server: z.string(),
  bmc: z.string(),
  vendor: z.string(),
  model: z.string(),
  kind: z.string(),
  component: z.string(),
  installed: z.string(),
  compliance: z.string(),
  decision: z.string(),
  target: z.string(),
  line: z.string(),
  reason: z.string(),
});

export const ExportJsonResponse = z.object({
  inventoryScannedAt: z.string(),
  catalog: CatalogInfo,
  rows: z.array(ExportRow),
});

const Steps = z.record(z.string(), z.number()).describe('servers by step; zero counts omitted');

const RolloutRecord = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.enum(['pending', 'running', 'paused', 'aborted', 'completed']),
  createdAt: z.string(),
  updatedAt: z.string(),
  note: z.string().optional(),
});

const ActingRecord = z.looseObject({
  line: z.string().describe('the component line key (planner), stable for programs'),
  name: z
    .string()
    .optional()
    .describe(
      'the line as a human reads it, e.g. "iLO 5 (BMC, ProLiant DL380 Gen10)"; absent on old records',
    ),
  kind: z.string(),
  lowest: z.string().optional(),
  highest: z.string().optional(),
  target: z.string().optional(),
  converged: z.boolean(),
  at: z.string(),
});

export const RolloutSummary = RolloutRecord.extend({
  servers: z.number(),
  steps: Steps,
  drivenHere: z.boolean().describe('a driver runs inside this serve process'),
});

export const RolloutListResponse = z.object({ rollouts: z.array(RolloutSummary) });

export const RolloutDetailResponse = z.object({
  rollout: RolloutRecord,
  steps: Steps,
  drivenHere: z.boolean(),
  servers: z.array(
    z.looseObject({
      server: z.string(),
      wave: z.number(),
      step: z.string(),
      attempts: z.number(),
      updatedAt: z.string(),
      detail: z.unknown().optional(),
    }),
  ),
  acting: z.array(ActingRecord).describe('acting version per component line, as last recorded'),
});

export const OperationResponse = z.object({
  id: z.string(),
  kind: z.enum(['inventory-refresh', 'backup-check']),
  status: z.enum(['running', 'succeeded', 'failed']),
  requestedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  href: z.string().describe('poll here'),
});

export const OperationListResponse = z.object({ operations: z.array(OperationResponse) });

export const JobRunsResponse = z.object({
  runs: z.array(
    z.looseObject({
      seq: z.number(),
      at: z.string(),
      job: z.string(),
      actor: z.string(),
      outcome: z.string().optional(),
      summary: z.string().optional(),
      durationMs: z.number().optional(),
    }),
  ),
});

export const JournalResponse = z.object({
  entries: z.array(
    z.object({
      seq: z.number(),
      at: z.string(),
      actor: z.string(),
      rolloutId: z.string().optional(),
      server: z.string().optional(),
      event: z.string(),
      data: z.unknown().optional(),
    }),
  ),
  next: z.number().optional().describe('pass as ?after= for the next page (absent on the last page)'),
});

export const BackupsResponse = z.object({
  servers: z
    .record(
      z.string(),
      z.array(
        z.object({
          seq: z.number(),
          at: z.string(),
          actor: z.string(),
          event: z.string(),
          data: z.unknown(),
        }),
      ),
    )
    .describe(
      'per server, the newest entry of each backup event (backup.check, backup.copy, backup.restore, backup.init)',
    ),
});

export const StatusChangeResponse = z.object({ rollout: RolloutRecord, message: z.string() });

export const HealthResponse = z.object({ status: z.literal('ok') });

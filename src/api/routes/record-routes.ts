/**
 * What happened: backup status and checks, daemon job runs, the journal, and the API's own
 * background operations. Read from the store's journal, which every process writes.
 */
import { ApiError } from '../api-errors.ts';
import { runBackupCheck } from '../backup-check.ts';
import type { ApiContext } from '../context.ts';
import { loadFleet } from '../fleet-view.ts';
import { OperationKind } from '../operations.ts';
import { defineRoute, type Route } from '../route.ts';
import {
  BackupCheckBody,
  BackupsResponse,
  JobRunsResponse,
  JobsQuery,
  JournalQuery,
  JournalResponse,
  OperationIdParams,
  OperationListResponse,
  OperationResponse,
} from '../schemas.ts';
import { accepted, errors, operationView } from './common.ts';

export function recordRoutes(ctx: ApiContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/backups',
      operationId: 'getBackups',
      tag: 'backups',
      summary: 'Backup slice status per server: the newest check, copy, restore and init entries',
      access: 'read',
      responses: { 200: { description: 'per server', schema: BackupsResponse }, ...errors(401) },
      async handle() {
        await ctx.journal.catchUp();
        return { json: { servers: ctx.journal.backupEvents() } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/backups/check',
      operationId: 'checkBackups',
      tag: 'backups',
      summary: 'Check the backup slices now (copies, integrity, optional restore): 202 + an operation',
      access: 'operator',
      body: BackupCheckBody,
      responses: {
        202: { description: 'the check operation', schema: OperationResponse },
        ...errors(400, 401, 403, 409, 413, 415),
      },
      async handle({ body, caller, actor }) {
        const fleet = await loadFleet(ctx, { fresh: true });
        let servers = fleet;
        if (body.servers) {
          const byName = new Map(fleet.map((s) => [s.name, s]));
          const missing = body.servers.filter((n) => !byName.has(n));
          if (missing.length)
            throw new ApiError('FW_API_VALIDATION', `body.servers: not in the fleet: ${missing.join(', ')}`, {
              field: 'body.servers',
            });
          servers = body.servers.map((n) => byName.get(n)!);
        }
        await ctx.catalog.get();
        const { op, created } = ctx.operations.start(OperationKind.backupCheck, caller?.name ?? '?', () =>
          runBackupCheck(ctx, servers, {
            actor,
            ...(body.autoRestore !== undefined ? { autoRestore: body.autoRestore } : {}),
          }),
        );
        return accepted(op, created);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/jobs',
      operationId: 'listJobRuns',
      tag: 'records',
      summary:
        'Daemon job runs (inventory-scan, catalog-watch, rollout-window, integrity-check), newest first',
      access: 'read',
      query: JobsQuery,
      responses: { 200: { description: 'job runs', schema: JobRunsResponse }, ...errors(400, 401) },
      async handle({ query }) {
        await ctx.journal.catchUp();
        return {
          json: {
            runs: ctx.journal.jobRuns({ limit: query.limit, ...(query.job ? { job: query.job } : {}) }),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/journal',
      operationId: 'getJournal',
      tag: 'records',
      summary: 'Journal entries in order, filtered by rollout or server; page with ?after=',
      access: 'read',
      query: JournalQuery,
      responses: { 200: { description: 'entries', schema: JournalResponse }, ...errors(400, 401) },
      async handle({ query }) {
        const entries = await ctx.store.journal({
          ...(query.rollout ? { rolloutId: query.rollout } : {}),
          ...(query.server ? { server: query.server } : {}),
          afterSeq: query.after,
          limit: query.limit,
        });
        const last = entries.at(-1);
        return { json: { entries, ...(entries.length === query.limit && last ? { next: last.seq } : {}) } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/operations',
      operationId: 'listOperations',
      tag: 'records',
      summary: "This server's background operations (inventory refresh, backup check), newest first",
      access: 'read',
      responses: { 200: { description: 'operations', schema: OperationListResponse }, ...errors(401) },
      handle() {
        return { json: { operations: ctx.operations.list().map(operationView) } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/operations/{id}',
      operationId: 'getOperation',
      tag: 'records',
      summary: 'One background operation: running, succeeded (with its result) or failed (with its error)',
      access: 'read',
      params: OperationIdParams,
      responses: {
        200: { description: 'the operation', schema: OperationResponse },
        ...errors(400, 401, 404),
      },
      handle({ params }) {
        const op = ctx.operations.get(params.id);
        if (!op) throw new ApiError('FW_API_NOT_FOUND', `no operation ${params.id}`, { field: 'params.id' });
        return { json: operationView(op) };
      },
    }),
  ];
}

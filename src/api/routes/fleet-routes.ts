/**
 * Fleet, inventory, compliance and plan routes. Reads come from the store (newest snapshot per
 * server); POST /inventory/refresh sweeps the BMCs in the background through the daemon's own
 * inventory-scan job (its store lease keeps a daemon's scan and an API refresh from overlapping).
 */
import { runJob } from '../../daemon/run-job.ts';
import { complianceRows, toCsv } from '../compliance-export.ts';
import type { ApiContext } from '../context.ts';
import { currentPlan, latestFleetInventory, loadFleet } from '../fleet-view.ts';
import { OperationKind } from '../operations.ts';
import { defineRoute, type Route } from '../route.ts';
import {
  ComplianceResponse,
  ExportJsonResponse,
  ExportQuery,
  FleetResponse,
  InventoryRefreshBody,
  InventoryResponse,
  OperationResponse,
  PlanResponse,
  ServerQuery,
} from '../schemas.ts';
import { accepted, errors } from './common.ts';

export function fleetRoutes(ctx: ApiContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/fleet',
      operationId: 'getFleet',
      tag: 'fleet',
      summary: 'The servers of the configured fleet file (no credentials)',
      access: 'read',
      responses: { 200: { description: 'the fleet', schema: FleetResponse }, ...errors(401, 409) },
      async handle() {
        const servers = await loadFleet(ctx);
        return {
          json: {
            fleet: ctx.config.fleet,
            servers: servers.map((s) => ({
              name: s.name,
              bmc: s.bmc,
              ...(s.vendor ? { vendor: s.vendor } : {}),
              labels: s.labels,
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/inventory',
      operationId: 'getInventory',
      tag: 'inventory',
      summary: 'The newest inventory snapshot of every fleet server, from the store',
      access: 'read',
      query: ServerQuery,
      responses: { 200: { description: 'snapshots', schema: InventoryResponse }, ...errors(400, 401, 409) },
      async handle({ query }) {
        const { inventory, notScanned } = await latestFleetInventory(ctx);
        const only = query.server ? new Set(query.server) : undefined;
        return {
          json: {
            inventoryScannedAt: inventory.scannedAt,
            servers: only ? inventory.servers.filter((s) => only.has(s.server)) : inventory.servers,
            notScanned: only ? notScanned.filter((n) => only.has(n)) : notScanned,
          },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/inventory/refresh',
      operationId: 'refreshInventory',
      tag: 'inventory',
      summary: 'Sweep every BMC of the fleet now and save the snapshots (202 + an operation to poll)',
      description:
        'Runs the inventory-scan job in this process under its store lease: when a daemon is scanning at that moment the operation succeeds with outcome "skipped". One refresh at a time: asking again while one runs returns it.',
      access: 'operator',
      body: InventoryRefreshBody,
      responses: {
        202: { description: 'the refresh operation', schema: OperationResponse },
        ...errors(400, 401, 403, 409, 413, 415),
      },
      async handle({ caller, actor }) {
        await loadFleet(ctx, { fresh: true });
        const { op, created } = ctx.operations.start(
          OperationKind.inventoryRefresh,
          caller?.name ?? '?',
          async (signal) => {
            const r = await runJob('inventory-scan', ctx.config, ctx.deps, {
              store: ctx.store,
              actor,
              signal,
            });
            return {
              outcome: r.outcome,
              summary: r.summary,
              journalSeq: r.seq,
              ...(r.data ? { data: r.data } : {}),
            };
          },
        );
        return accepted(op, created);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/compliance',
      operationId: 'getCompliance',
      tag: 'compliance',
      summary: 'Compliance per component kind and the acting version of every component line',
      access: 'read',
      responses: {
        200: { description: 'the compliance summary', schema: ComplianceResponse },
        ...errors(401, 409),
      },
      async handle() {
        const { plan, notScanned } = await currentPlan(ctx);
        return {
          json: {
            inventoryScannedAt: plan.inventoryScannedAt,
            catalog: plan.catalog,
            totals: plan.compliance.totals,
            unreadableServers: plan.compliance.unreadableServers,
            byKind: plan.compliance.byKind,
            notScanned,
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/compliance/export',
      operationId: 'exportCompliance',
      tag: 'compliance',
      summary: 'One row per installed component: compliance, decision, target, reason (CSV or JSON)',
      access: 'read',
      query: ExportQuery,
      responses: {
        200: {
          description: 'CSV (text/csv) or JSON rows',
          schema: ExportJsonResponse,
          contentType: 'text/csv',
        },
        ...errors(400, 401, 409),
      },
      async handle({ query }) {
        const { plan } = await currentPlan(ctx);
        const only = query.server ? new Set(query.server) : undefined;
        const rows = complianceRows(plan).filter((r) => !only || only.has(r.server));
        const stamp = plan.inventoryScannedAt.replace(/[:.]/g, '-');
        if (query.format === 'json') {
          return { json: { inventoryScannedAt: plan.inventoryScannedAt, catalog: plan.catalog, rows } };
        }
        return {
          text: toCsv(rows),
          contentType: 'text/csv; charset=utf-8; header=present',
          headers: { 'content-disposition': `attachment; filename="firmwarden-compliance-${stamp}.csv"` },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/plan',
      operationId: 'getPlan',
      tag: 'compliance',
      summary: 'What each server needs and why (the planner on the newest snapshots)',
      access: 'read',
      query: ServerQuery,
      responses: { 200: { description: 'the plan', schema: PlanResponse }, ...errors(400, 401, 409) },
      async handle({ query }) {
        const { plan, notScanned } = await currentPlan(ctx);
        const only = query.server ? new Set(query.server) : undefined;
        return {
          json: {
            ...plan,
            servers: only ? plan.servers.filter((s) => only.has(s.server)) : plan.servers,
            notScanned,
          },
        };
      },
    }),
  ];
}

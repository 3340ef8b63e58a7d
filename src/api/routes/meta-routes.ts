/**
 * The routes around the API: the dashboard page (public: static, no data in it), its data
 * (read), liveness, the OpenAPI document (public: it describes, it holds nothing) and the
 * Prometheus metrics (read token: they name servers and BMC addresses).
 */
import {
  DashboardDataSchema,
  dashboardContentSecurityPolicy,
  renderDashboardPage,
} from '../../dashboard/index.ts';
import type { ApiContext } from '../context.ts';
import { dashboardView } from '../dashboard-data.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics-registry.ts';
import { defineRoute, type Route } from '../route.ts';
import { HealthResponse } from '../schemas.ts';
import { errors } from './common.ts';

export function metaRoutes(ctx: ApiContext, document: () => Record<string, unknown>): Route[] {
  // The page's own script and style are pinned by sha256: no other inline code runs. An injected
  // page (tests, embedders) cannot be pinned, so it gets the looser inline policy.
  const render = ctx.dashboardPage ?? (() => renderDashboardPage());
  const csp = ctx.dashboardPage
    ? "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    : dashboardContentSecurityPolicy();
  const page = defineRoute({
    method: 'GET',
    path: '/',
    operationId: 'dashboardPage',
    tag: 'dashboard',
    summary: 'The dashboard page (static HTML; its data calls need a read token)',
    access: 'public',
    responses: { 200: { description: 'the page', contentType: 'text/html' } },
    handle() {
      return {
        text: render(),
        contentType: 'text/html; charset=utf-8',
        headers: {
          'content-security-policy': csp,
          'referrer-policy': 'no-referrer',
          'x-frame-options': 'DENY',
        },
      };
    },
  });
  return [
    page,
    { ...page, path: '/dashboard', operationId: 'dashboardPageAlias' },
    defineRoute({
      method: 'GET',
      path: '/api/v1/dashboard',
      operationId: 'getDashboard',
      tag: 'dashboard',
      summary: 'Dashboard data: per server and kind state, compliance, acting versions, rollout progress',
      description: 'From the store only (never a BMC). Shape: src/dashboard/CONTRACT.md.',
      access: 'read',
      responses: { 200: { description: 'the dashboard data', schema: DashboardDataSchema }, ...errors(401) },
      async handle() {
        return { json: await dashboardView(ctx) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/healthz',
      operationId: 'health',
      tag: 'meta',
      summary: 'Liveness: the process answers (no token, no details)',
      access: 'public',
      responses: { 200: { description: 'alive', schema: HealthResponse } },
      handle() {
        return { json: { status: 'ok' } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openapi',
      tag: 'meta',
      summary: 'This OpenAPI 3.1 document, generated from the route table',
      access: 'public',
      responses: { 200: { description: 'the document' } },
      handle() {
        return { json: document() };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      tag: 'meta',
      summary: 'Prometheus metrics (text format 0.0.4)',
      access: 'read',
      responses: {
        200: { description: 'metrics', contentType: 'text/plain; version=0.0.4' },
        ...errors(401),
      },
      async handle() {
        return { text: await ctx.metrics.render(ctx), contentType: PROMETHEUS_CONTENT_TYPE };
      },
    }),
  ];
}
